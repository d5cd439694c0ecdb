/**
 * Agent events (faults, content changes, proof-of-play, reboots) kept as history. Proof-of-play
 * can arrive thousands a second across a fleet, so events are buffered and inserted in one
 * statement per tick; the (screen, event id) key drops QoS 1 redeliveries.
 */
import type { Knex } from 'knex';
import type { EventPayload } from '../../../protocol';
import type { Logger } from '../log';

const FLUSH_MS = 250;
const CHUNK = 300;

export class EventStore {
  private buffer: {
    screen_id: string;
    event_id: string;
    kind: string;
    ts: number;
    payload: string;
  }[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;

  constructor(
    private readonly knex: Knex,
    private readonly log: Logger,
  ) {}

  add(screenId: string, event: EventPayload): void {
    this.buffer.push({
      screen_id: screenId,
      event_id: event.id,
      kind: event.kind,
      ts: event.ts,
      payload: JSON.stringify(event),
    });
  }

  start(): void {
    this.timer = setInterval(() => void this.flush(), FLUSH_MS);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flush();
  }

  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.buffer.length === 0) return;
    const rows = this.buffer;
    this.buffer = [];
    this.flushing = (async () => {
      try {
        for (let i = 0; i < rows.length; i += CHUNK) {
          await this.knex('screen_events')
            .insert(rows.slice(i, i + CHUNK))
            .onConflict(['screen_id', 'event_id'])
            .ignore();
        }
      } catch (err) {
        this.log.error({ err, events: rows.length }, 'event history write failed');
      }
    })().finally(() => {
      this.flushing = null;
    });
    await this.flushing;
  }
}
