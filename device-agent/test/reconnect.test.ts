/**
 * A broker that comes back without the agent's session (restarted, state lost): the agent
 * reconnects by itself, subscribes again, and commands reach it. Queued events flow again.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { EventPayload, topics } from '../../protocol';
import { startAedes } from './helpers/brokers';
import { command, isResult } from './helpers/commands';
import { startTestAgent } from './helpers/in-process';
import { observe } from './helpers/observer';
import { tempDir } from './helpers/tmp';
import { until } from './helpers/until';

describe('reconnect', () => {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });

  it('resubscribes when the broker reports no session, and sends what queued meanwhile', async () => {
    const first = await startAedes();
    const screenId = 'scr-reconnect';
    const { agent, lines } = await startTestAgent({
      screenId,
      broker: { url: first.url, reconnectMinMs: 50, reconnectMaxMs: 200 },
      dataDir: tempDir('reconnect'),
      telemetryIntervalMs: 60_000,
      player: { type: 'simulated', slotMs: 600_000 },
    });
    closers.push(() => agent.stop());
    await agent.firstConnect;
    await first.close();

    // While the broker is gone, an event is produced; it must wait on disk.
    agent.report({ kind: 'fault', code: 'fan', severity: 'warning', message: 'fan stalled' });
    expect(agent.pendingEvents).toBeGreaterThanOrEqual(1);

    // Same port, fresh broker: no session, no subscription.
    const second = await startAedes({}, first.port);
    closers.push(() => second.close());
    const obs = await observe(second.url, [
      topics.events(screenId),
      `${topics.commandWildcard(screenId)}/result`,
    ]);
    closers.push(() => obs.close());
    const fault = await obs.waitFor(
      (m) => m.topic === topics.events(screenId) && (m.json as { code?: string }).code === 'fan',
      'the fault queued while offline',
    );
    expect(EventPayload.parse(fault.json).kind).toBe('fault');
    await until(
      () => lines.some((l) => l.includes('resubscribed (broker had no session)')),
      'resubscribe after a session-less reconnect',
    );

    await obs.publish(topics.command(screenId, 'after-restart'), command('screenshot'));
    await obs.waitFor(isResult(screenId, 'after-restart', 'succeeded'), 'command after restart');
  });
});
