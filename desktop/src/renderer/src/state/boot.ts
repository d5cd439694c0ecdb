/** Connects the store to the console API: subscribe first, then take a snapshot. */
import { consoleApi } from '../../console-api-client';
import { applyEvent, consoleStore, expireTyping } from './store';
import { logEvent } from './event-log';

let started = false;

export async function refreshSnapshot(): Promise<void> {
  const snapshot = await consoleApi.getSnapshot({});
  applyEvent({ type: 'snapshot', snapshot });
}

export function startConsole(): void {
  if (started) return;
  started = true;
  // Events that arrive before the snapshot reply are older than it, and the snapshot replaces them.
  consoleApi.subscribe((event) => {
    logEvent(event);
    applyEvent(event);
  });
  const load = async (attempt: number): Promise<void> => {
    try {
      await refreshSnapshot();
    } catch (err) {
      console.error('getSnapshot failed', err);
      consoleStore.set((s) => ({
        ...s,
        connection: {
          ...s.connection,
          lastError: err instanceof Error ? err.message : String(err),
        },
      }));
      setTimeout(() => void load(attempt + 1), Math.min(5000, 500 * 2 ** attempt));
    }
  };
  void load(0);
  setInterval(() => expireTyping(), 2000);
}
