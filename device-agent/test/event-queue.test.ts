/** The on-disk queue on its own: order, cap with drop count, restart, torn writes. */
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EventPayload } from '../../protocol';
import { EventQueue } from '../src/queue/event-queue';
import { tempDir } from './helpers/tmp';

let seq = 0;
const event = (id: string): EventPayload => ({
  id,
  bootId: 'boot-a',
  seq: ++seq,
  ts: Date.now(),
  kind: 'reboot',
  reason: `test ${id}`,
});

describe('EventQueue', () => {
  it('keeps events in order across a reopen and forgets acknowledged ones', () => {
    const dir = tempDir('queue');
    const q = new EventQueue(dir, { maxEvents: 10, fsync: true });
    for (const id of ['a', 'b', 'c', 'd']) q.enqueue(event(id));
    q.ack('b');
    q.close();
    const reopened = new EventQueue(dir, { maxEvents: 10, fsync: true });
    expect(reopened.pending().map((e) => e.id)).toEqual(['a', 'c', 'd']);
    expect(reopened.dropped).toBe(0);
    reopened.close();
  });

  it('drops the oldest at the cap and remembers how many until reported', () => {
    const dir = tempDir('queue-cap');
    const q = new EventQueue(dir, { maxEvents: 3, fsync: true });
    for (const id of ['a', 'b', 'c', 'd', 'e']) q.enqueue(event(id));
    expect(q.pending().map((e) => e.id)).toEqual(['c', 'd', 'e']);
    expect(q.dropped).toBe(2);
    q.close();
    const reopened = new EventQueue(dir, { maxEvents: 3, fsync: true });
    expect(reopened.dropped).toBe(2);
    reopened.markDropReported(2);
    reopened.close();
    const again = new EventQueue(dir, { maxEvents: 3, fsync: true });
    expect(again.dropped).toBe(0);
    expect(again.pending().map((e) => e.id)).toEqual(['c', 'd', 'e']);
    again.close();
  });

  it('ignores a torn last record left by a crash mid-write', () => {
    const dir = tempDir('queue-torn');
    const q = new EventQueue(dir, { maxEvents: 10, fsync: true });
    q.enqueue(event('a'));
    q.close();
    appendFileSync(join(dir, 'events.journal'), '{"op":"add","event":{"id":"b","bo');
    const reopened = new EventQueue(dir, { maxEvents: 10, fsync: true });
    expect(reopened.pending().map((e) => e.id)).toEqual(['a']);
    reopened.enqueue(event('c'));
    reopened.close();
    const again = new EventQueue(dir, { maxEvents: 10, fsync: true });
    expect(again.pending().map((e) => e.id)).toEqual(['a', 'c']);
    again.close();
  });

  it('compacts the journal so it stays about as small as the queue', () => {
    const dir = tempDir('queue-compact');
    const q = new EventQueue(dir, { maxEvents: 5, fsync: false });
    for (let i = 0; i < 200; i++) {
      q.enqueue(event(`e${i}`));
      q.ack(`e${i}`);
    }
    q.enqueue(event('last'));
    q.close();
    const lines = readFileSync(join(dir, 'events.journal'), 'utf8').trim().split('\n');
    expect(lines.length).toBeLessThanOrEqual(2 * 5 + 64 + 1);
    const reopened = new EventQueue(dir, { maxEvents: 5, fsync: false });
    expect(reopened.pending().map((e) => e.id)).toEqual(['last']);
    reopened.close();
  });
});
