/**
 * The bounded on-disk queue of events that must not be lost (faults, content changes,
 * proof-of-play, reboots). An event is journaled before `enqueue` returns and leaves the journal
 * only when the broker acknowledged it (QoS 1 PUBACK). At the cap the oldest event is dropped
 * and counted; the count survives restarts until it has been reported.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { EventPayload } from '../../../protocol';
import { Journal } from './journal';

const JournalRecord = z.discriminatedUnion('op', [
  z.object({ op: z.literal('add'), event: EventPayload }),
  z.object({ op: z.literal('ack'), id: z.string() }),
  z.object({ op: z.literal('drop'), id: z.string() }),
  z.object({ op: z.literal('dropReported'), count: z.number().int().positive() }),
  /** Written by compaction: carries the unreported drop count across the rewrite. */
  z.object({ op: z.literal('dropped'), count: z.number().int().nonnegative() }),
]);
type JournalRecord = z.infer<typeof JournalRecord>;

export interface EventQueueOptions {
  maxEvents: number;
  fsync: boolean;
}

export class EventQueue {
  private readonly journal: Journal;
  /** Pending events in order; a Map keeps insertion order and gives O(1) removal by id. */
  private readonly events = new Map<string, EventPayload>();
  private droppedUnreported = 0;
  private closed = false;

  constructor(
    dataDir: string,
    private readonly opts: EventQueueOptions,
  ) {
    const path = join(dataDir, 'events.journal');
    for (const raw of Journal.read(path)) {
      const rec = JournalRecord.safeParse(raw);
      if (rec.success) this.replay(rec.data);
    }
    // Applying the cap here too: a smaller maxEvents in a new config takes effect at once.
    while (this.events.size > opts.maxEvents) this.dropOldest(false);
    this.journal = new Journal(path, opts.fsync);
    this.compact();
  }

  private replay(rec: JournalRecord): void {
    switch (rec.op) {
      case 'add':
        this.events.set(rec.event.id, rec.event);
        break;
      case 'ack':
        this.events.delete(rec.id);
        break;
      case 'drop':
        if (this.events.delete(rec.id)) this.droppedUnreported += 1;
        break;
      case 'dropReported':
        this.droppedUnreported = Math.max(0, this.droppedUnreported - rec.count);
        break;
      case 'dropped':
        this.droppedUnreported = rec.count;
        break;
    }
  }

  private dropOldest(journal: boolean): void {
    const oldest = this.events.keys().next();
    if (oldest.done) return;
    this.events.delete(oldest.value);
    this.droppedUnreported += 1;
    if (journal) this.journal.append({ op: 'drop', id: oldest.value });
  }

  /** Keeps the journal about as small as the queue itself. */
  private compactIfLarge(): void {
    if (this.journal.recordCount > 2 * this.opts.maxEvents + 64) this.compact();
  }

  private compact(): void {
    const records: JournalRecord[] = [];
    if (this.droppedUnreported > 0) records.push({ op: 'dropped', count: this.droppedUnreported });
    for (const event of this.events.values()) records.push({ op: 'add', event });
    this.journal.rewrite(records);
  }

  get size(): number {
    return this.events.size;
  }

  /** Events dropped at the cap and not yet reported to the server. */
  get dropped(): number {
    return this.droppedUnreported;
  }

  /** Durably appends an event; when full, the oldest pending event is dropped first. */
  enqueue(event: EventPayload): void {
    if (this.closed) throw new Error('event queue is closed');
    const valid = EventPayload.parse(event);
    if (this.events.size >= this.opts.maxEvents) this.dropOldest(true);
    this.journal.append({ op: 'add', event: valid });
    this.events.set(valid.id, valid);
    this.compactIfLarge();
  }

  /** Pending events, oldest first. */
  pending(): EventPayload[] {
    return [...this.events.values()];
  }

  /** The broker has the event (PUBACK): forget it. */
  ack(id: string): void {
    // A PUBACK may still arrive while the agent shuts down; the event is then resent next start.
    if (this.closed || !this.events.has(id)) return;
    this.journal.append({ op: 'ack', id });
    this.events.delete(id);
    this.compactIfLarge();
  }

  /** The drop report for `count` events was acknowledged. */
  markDropReported(count: number): void {
    if (this.closed || count <= 0) return;
    this.journal.append({ op: 'dropReported', count });
    this.droppedUnreported = Math.max(0, this.droppedUnreported - count);
    this.compactIfLarge();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.journal.close();
  }
}
