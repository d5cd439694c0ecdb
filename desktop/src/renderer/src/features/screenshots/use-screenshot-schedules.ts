/**
 * The per-tag screenshot schedules, read from the server (they are the server's: it sends the
 * screenshot commands), with set and remove for admins. Each change reloads the list so what
 * is shown is what the server keeps.
 */
import { useCallback, useEffect, useState } from 'react';
import type { ScreenshotSchedule } from '../../../../../../protocol';
import { consoleApi } from '../../../console-api-client';

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export function useScreenshotSchedules() {
  const [schedules, setSchedules] = useState<ScreenshotSchedule[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);

  const reload = useCallback(async () => {
    try {
      const res = await consoleApi.listScreenshotSchedules({});
      setSchedules(res.schedules);
      setLoadError(null);
    } catch (e) {
      setLoadError(message(e));
    }
  }, []);

  useEffect(() => {
    void reload();
  }, [reload]);

  /** Resolves with null when done, or the sentence saying why not (the server's). */
  const set = async (tag: string, everyMinutes: number): Promise<string | null> => {
    try {
      await consoleApi.setScreenshotSchedule({ tag, everyMinutes });
    } catch (e) {
      return message(e);
    }
    await reload();
    return null;
  };

  const remove = async (tag: string): Promise<string | null> => {
    try {
      await consoleApi.deleteScreenshotSchedule({ tag });
    } catch (e) {
      return message(e);
    }
    await reload();
    return null;
  };

  return { schedules, loadError, set, remove };
}
