/**
 * A database write that must not be lost (an agent's event, a command result): tried again with
 * backoff until it succeeds or the node stops. The MQTT link acknowledges such a message only
 * once its write resolved, so a database blip delays the acknowledgement instead of dropping the
 * fact; if the node stops first the write rejects, the message stays unacknowledged, and the
 * broker delivers it again to the next session.
 */
import type { Logger } from '../log';

export class StoppedBeforeStored extends Error {
  constructor(what: string) {
    super(`${what}: the server stopped before it was stored`);
  }
}

export interface RetryOptions {
  log: Logger;
  /** Aborted when the node stops: waiting retries give up at once. */
  signal: AbortSignal;
  minMs?: number;
  maxMs?: number;
}

export async function retryWrite<T>(
  what: string,
  write: () => Promise<T>,
  { log, signal, minMs = 100, maxMs = 5_000 }: RetryOptions,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    if (signal.aborted) throw new StoppedBeforeStored(what);
    try {
      const value = await write();
      if (attempt > 0) log.info({ what, attempts: attempt + 1 }, 'write stored after retrying');
      return value;
    } catch (err) {
      if (signal.aborted) throw new StoppedBeforeStored(what);
      const delay = Math.min(maxMs, minMs * 2 ** Math.min(attempt, 16));
      // First failure, then about once a minute at the ceiling: a long outage is not a flood.
      if (attempt === 0 || attempt % 12 === 0) {
        log.warn({ err, what, attempt: attempt + 1, retryInMs: delay }, 'write failed; retrying');
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, delay);
        function done() {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          resolve();
        }
        signal.addEventListener('abort', done, { once: true });
      });
    }
  }
}
