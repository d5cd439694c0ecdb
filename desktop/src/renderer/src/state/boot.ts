/** Connects the store to the console API: subscribe first, then take a snapshot. */
import { consoleApi } from '../../console-api-client';
import { applyEvent, applyMessagePage, consoleStore, expireTyping } from './store';
import { logEvent } from './event-log';

let started = false;

export async function refreshSnapshot(): Promise<void> {
  const snapshot = await consoleApi.getSnapshot({});
  applyEvent({ type: 'snapshot', snapshot });
}

/** Fetch the newest page of a thread and merge it (catch-up, or after a refused send). */
export async function reloadThread(conversationId: string): Promise<void> {
  const page = await consoleApi.loadMessages({ conversationId });
  applyMessagePage(conversationId, page.messages, page.hasMore, true);
}

export function startConsole(): void {
  if (started) return;
  started = true;
  // Events that arrive before the snapshot reply are older than it, and the snapshot replaces them.
  consoleApi.subscribe((event) => {
    logEvent(event);
    applyEvent(event);
    // An empty 'messages' batch is how the core says a queued message was refused: reload the
    // thread so the pending copy goes away.
    if (event.type === 'messages' && event.messages.length === 0) {
      if (consoleStore.get().threads.get(event.conversationId)?.loaded) {
        reloadThread(event.conversationId).catch((e: unknown) => console.warn('reload thread', e));
      }
    }
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
