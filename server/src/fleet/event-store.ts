/**
 * Agent events (faults, content changes, proof-of-play, reboots) kept as history. `add`
 * resolves once the event's row is written, and the MQTT link acknowledges the event only then
 * (the agent deletes it from its disk queue on that acknowledgement). Writes are group
 * commits: one insert as soon as the previous one finished, carrying everything that arrived
 * meanwhile, so an idle server stores an event at once and proof-of-play arriving thousands a
 * second still costs one statement per round trip. A failed write is retried with backoff
 * until it succeeds (the broker holds the unacknowledged events meanwhile); the (screen, event
 * id) key drops QoS 1 redeliveries.
 */
import type { Knex } from 'knex';
import type { EventPayload } from '../../../protocol';
import { RefusedWrite, retryWrite } from '../db/retry-write';
import type { Logger } from '../log';

const CHUNK = 300;
/** How long a stopping server keeps trying to write what it holds before giving up on it. */
const STOP_FLUSH_MS = 2_000;

export interface EventRow {
  screen_id: string;
  event_id: string;
  kind: string;
  ts: number;
  payload: string;
}

interface Waiting {
  row: EventRow;
  /** The link may acknowledge it: stored, or refused for good. */
  settled(): void;
  /** Not stored (the server stopped): the link must not acknowledge it. */
  failed(err: unknown): void;
}

export class EventStore {
  private buffer: Waiting[] = [];
  private scheduled = false;
  private flushing: Promise<void> | null = null;
  private readonly stopping = new AbortController();

  constructor(
    private readonly knex: Knex,
    private readonly log: Logger,
    /** Derived rows written in the same transaction (proof of play: campaigns/pop-store.ts). */
    private readonly alsoStore?: (trx: Knex.Transaction, rows: EventRow[]) => Promise<void>,
  ) {}

  /**
   * Resolves when the event is stored (or refused by the database for its data, logged);
   * rejects only if the server stops before that.
   */
  add(screenId: string, event: EventPayload): Promise<void> {
    return new Promise((settled, failed) => {
      this.buffer.push({
        row: {
          screen_id: screenId,
          event_id: event.id,
          kind: event.kind,
          ts: event.ts,
          payload: JSON.stringify(event),
        },
        settled,
        failed,
      });
      this.schedule();
    });
  }

  start(): void {}

  async stop(): Promise<void> {
    const giveUp = setTimeout(() => this.stopping.abort(), STOP_FLUSH_MS);
    await this.flush();
    clearTimeout(giveUp);
    this.stopping.abort();
  }

  private schedule(): void {
    if (this.scheduled || this.flushing) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    this.flushing = this.write(batch).finally(() => {
      this.flushing = null;
      if (this.buffer.length) this.schedule();
    });
    await this.flushing;
  }

  /**
   * Writes a batch; if the database refuses it for its data, each event is written alone, so
   * only the one it refuses is let go (logged, and acknowledged: a redelivery would be refused
   * the same way) and the rest are stored.
   */
  private async write(batch: Waiting[]): Promise<void> {
    const opts = { log: this.log, signal: this.stopping.signal };
    try {
      await retryWrite(`history of ${batch.length} event(s)`, () => this.insert(batch), opts);
      for (const w of batch) w.settled();
      return;
    } catch (err) {
      if (!(err instanceof RefusedWrite) || batch.length === 1) {
        if (err instanceof RefusedWrite) {
          this.log.error({ err, screenId: batch[0]!.row.screen_id }, 'event not stored');
          batch[0]!.settled();
        } else for (const w of batch) w.failed(err);
        return;
      }
    }
    for (const w of batch) await this.write([w]);
  }

  private async insert(batch: Waiting[]): Promise<void> {
    const also = this.alsoStore;
    await this.knex.transaction(async (trx) => {
      for (let i = 0; i < batch.length; i += CHUNK) {
        const rows = batch.slice(i, i + CHUNK).map((w) => w.row);
        await trx('screen_events').insert(rows).onConflict(['screen_id', 'event_id']).ignore();
        if (also) await also(trx, rows);
      }
    });
  }
}
