/**
 * Events produced while the broker is unreachable are on disk before the process dies by
 * SIGKILL, and the next run sends every one of them, in order, once the broker is there.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventPayload, topics } from '../../protocol';
import { EventQueue } from '../src/queue/event-queue';
import { spawnAgent, writeConfig } from './helpers/agent-process';
import { uniqueScreenId, useMosquitto, type TestBroker } from './helpers/brokers';
import { observe } from './helpers/observer';
import { tempDir } from './helpers/tmp';

/** Accepts TCP connections and drops them: a broker that is never reachable. */
async function blackhole(): Promise<{ url: string; close(): Promise<void> }> {
  const server = net.createServer((s) => s.destroy());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `mqtt://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

describe('durable event queue across SIGKILL', () => {
  let broker: TestBroker;
  const cleanup: string[] = [];
  beforeAll(async () => {
    broker = await useMosquitto();
  });
  afterAll(async () => {
    const obs = await observe(broker.url, []);
    await obs.clearRetained(cleanup);
    await obs.close();
  });

  it('sends the events of a killed boot in order after restart', async () => {
    const screenId = uniqueScreenId('events');
    cleanup.push(topics.state(screenId));
    const dataDir = tempDir('events-data');
    const dir = tempDir('events');
    const offline = await blackhole();

    // Offline run: a fast playlist produces contentChanged + proofOfPlay events every 100 ms.
    const firstConfig = writeConfig(dir, {
      screenId,
      broker: { url: offline.url, reconnectMinMs: 200, reconnectMaxMs: 400, sessionExpiryS: 60 },
      dataDir,
      player: { type: 'simulated', slotMs: 100, faultsPerHour: 0, rebootsPerDay: 0 },
    });
    const first = spawnAgent(firstConfig);
    await first.waitForLine('"agent started"');
    const firstBoot = (JSON.parse(first.stdout().split('\n')[0]!) as { bootId: string }).bootId;
    await new Promise((r) => setTimeout(r, 1_500));
    first.child.kill('SIGKILL');
    await first.exited;
    await offline.close();

    const onDisk = new EventQueue(dataDir, { maxEvents: 1000, fsync: true });
    const pending = onDisk.pending();
    onDisk.close();
    expect(pending.length).toBeGreaterThanOrEqual(5);
    expect(pending.every((e) => e.bootId === firstBoot)).toBe(true);

    const obs = await observe(broker.url, [topics.events(screenId)]);
    const secondConfig = writeConfig(dir, {
      screenId,
      broker: { url: broker.url, sessionExpiryS: 60 },
      dataDir,
      player: { type: 'simulated', slotMs: 600_000 },
    });
    const second = spawnAgent(secondConfig);
    const lastId = pending[pending.length - 1]!.id;
    await obs.waitFor((m) => (m.json as { id?: string }).id === lastId, 'the last queued event');
    second.child.kill('SIGTERM');
    await second.exited;

    const received = obs.seen
      .map((m) => EventPayload.parse(m.json))
      .filter((e) => e.bootId === firstBoot);
    expect(received.map((e) => e.id)).toEqual(pending.map((e) => e.id));
    const seqs = received.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));

    // Acknowledged events have left the disk.
    const after = new EventQueue(dataDir, { maxEvents: 1000, fsync: true });
    expect(after.pending().filter((e) => e.bootId === firstBoot)).toEqual([]);
    after.close();
    await obs.close();
  });
});
