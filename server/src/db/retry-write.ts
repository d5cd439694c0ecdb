/**
 * A database write that must not be lost (an agent's event, a command result): tried again with
 * backoff until it succeeds or the node stops. The MQTT link acknowledges such a message only
 * once its write resolved, so a database blip delays the acknowledgement instead of dropping the
 * fact; if the node stops first the write rejects, the message stays unacknowledged, and the
 * broker delivers it again to the next session. A write the database refuses for its data
 * is not retried (RefusedWrite): the caller logs it and lets the message go.
 */
import type { Logger } from '../log';

export class StoppedBeforeStored extends Error {
  constructor(what: string) {
    super(`${what}: the server stopped before it was stored`);
  }
}

/** The database refused the data itself (too long, invalid): trying again cannot help. */
export class RefusedWrite extends Error {
  constructor(what: string, cause: unknown) {
    super(`${what}: refused by the database (${(cause as Error)?.message ?? String(cause)})`, {
      cause,
    });
  }
}

/**
 * PostgreSQL SQLSTATE classes of an unavailable or busy server, not of bad data: connection (08),
 * rollback (40: serialization, deadlock), resources (53), object not ready / in use (55: also a
 * database not accepting connections), operator intervention (57: shutdown, starting up), system (58).
 */
const TRANSIENT_SQLSTATE_CLASSES = new Set(['08', '40', '53', '55', '57', '58']);
const TRANSIENT_SQLITE = /^SQLITE_(BUSY|LOCKED|IOERR|FULL|CANTOPEN|PROTOCOL)/;

/**
 * Whether a failed write may succeed later. Bad data (a SQLSTATE of another class, a SQLite
 * constraint, a programming error) is refused once, so one bad message cannot hold back the
 * rest; anything else (lost connections, pool timeouts, a database restarting) is retried.
 */
export function isTransient(err: unknown): boolean {
  if (err instanceof TypeError || err instanceof RangeError || err instanceof SyntaxError)
    return false;
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return true;
  if (/^[0-9A-Z]{5}$/.test(code)) return TRANSIENT_SQLSTATE_CLASSES.has(code.slice(0, 2));
  if (code.startsWith('SQLITE_')) return TRANSIENT_SQLITE.test(code);
  return true; // ECONNREFUSED, ECONNRESET, ETIMEDOUT, ...
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
      if (!isTransient(err)) throw new RefusedWrite(what, err);
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
