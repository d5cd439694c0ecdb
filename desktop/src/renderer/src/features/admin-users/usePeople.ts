/**
 * The People view's data: every account, asked of the server while the view is open, again
 * every few seconds and right after each change made here. People are not in the change log
 * (server/src/admin-users/admin-users-feature.ts says why), so this is how another admin's
 * new account or change, and who just signed in, reach this console without a reload.
 */
import { useCallback, useEffect, useState } from 'react';
import type { Person } from '../../../../../../protocol';
import { consoleApi } from '../../../console-api-client';

export const PEOPLE_REFRESH_MS = 3000;

export function usePeople(): {
  people: Person[] | null;
  error: string | null;
  reload: () => Promise<void>;
} {
  const [people, setPeople] = useState<Person[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const reload = useCallback(async () => {
    try {
      setPeople((await consoleApi.listPeople({})).people);
      setError(null);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  }, []);
  useEffect(() => {
    void reload();
    const timer = setInterval(() => void reload(), PEOPLE_REFRESH_MS);
    return () => clearInterval(timer);
  }, [reload]);
  return { people, error, reload };
}

export const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));
