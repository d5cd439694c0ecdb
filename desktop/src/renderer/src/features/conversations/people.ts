/** The people this user may start a conversation with: the server's list, fetched on demand. */
import { useCallback, useEffect, useState } from 'react';
import type { ConsoleResponses } from '../../../../shared/console-api';
import { consoleApi } from '../../../console-api-client';

export type Person = ConsoleResponses['listContacts']['users'][number];

export function usePeople(): { people: Person[]; error: string | null; reload: () => void } {
  const [people, setPeople] = useState<Person[]>([]);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => {
    setError(null);
    consoleApi
      .listContacts({})
      .then((r) => setPeople([...r.users].sort((a, b) => a.name.localeCompare(b.name))))
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  }, []);
  useEffect(load, [load]);
  return { people, error, reload: load };
}
