/**
 * The Last Will: a real agent process killed with SIGKILL leaves `lost` (with its bootId) on
 * the retained state topic; a clean SIGTERM leaves `offline` instead.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StatePayload, topics } from '../../protocol';
import { spawnAgent, writeConfig } from './helpers/agent-process';
import { startAedes, uniqueScreenId, useMosquitto, type TestBroker } from './helpers/brokers';
import { observe } from './helpers/observer';
import { tempDir } from './helpers/tmp';

const isState =
  (screenId: string, state: string, bootId?: string) => (m: { topic: string; json: unknown }) => {
    if (m.topic !== topics.state(screenId)) return false;
    const p = StatePayload.safeParse(m.json);
    return (
      p.success && p.data.state === state && (bootId === undefined || p.data.bootId === bootId)
    );
  };

describe.each(['mosquitto', 'aedes'] as const)('last will on %s', (brokerName) => {
  let broker: TestBroker;
  const cleanup: string[] = [];

  beforeAll(async () => {
    broker = brokerName === 'mosquitto' ? await useMosquitto() : await startAedes();
  });
  afterAll(async () => {
    if (brokerName === 'mosquitto') {
      const obs = await observe(broker.url, []);
      await obs.clearRetained(cleanup);
      await obs.close();
    }
    await broker.close();
  });

  function configFor(screenId: string) {
    cleanup.push(topics.state(screenId));
    return writeConfig(tempDir('will'), {
      screenId,
      broker: { url: broker.url, sessionExpiryS: 60 },
      dataDir: tempDir('will-data'),
      willDelayS: 0,
      player: { type: 'simulated' },
    });
  }

  it('publishes lost with the bootId when the process is SIGKILLed', async () => {
    const screenId = uniqueScreenId('will');
    const obs = await observe(broker.url, [topics.state(screenId)]);
    const agent = spawnAgent(configFor(screenId));
    await agent.waitForLine('"connected"');
    const online = await obs.waitFor(isState(screenId, 'online'), 'online');
    const bootId = StatePayload.parse(online.json).bootId;
    const started = JSON.parse(agent.stdout().split('\n')[0]!) as { bootId: string };
    expect(bootId).toBe(started.bootId);

    agent.child.kill('SIGKILL');
    await agent.exited;
    const lost = StatePayload.parse(
      (await obs.waitFor(isState(screenId, 'lost', bootId), 'lost')).json,
    );
    expect(lost).toMatchObject({ state: 'lost', bootId, agentVersion: '0.1.0' });
    expect(lost.capabilities).toContain('setBrightness');
    await obs.close();
  });

  it('publishes offline and no lost on SIGTERM', async () => {
    const screenId = uniqueScreenId('term');
    const obs = await observe(broker.url, [topics.state(screenId)]);
    const agent = spawnAgent(configFor(screenId));
    await agent.waitForLine('"connected"');
    const online = await obs.waitFor(isState(screenId, 'online'), 'online');
    const bootId = StatePayload.parse(online.json).bootId;
    agent.child.kill('SIGTERM');
    expect((await agent.exited).code).toBe(0);
    await obs.waitFor(isState(screenId, 'offline', bootId), 'offline');
    // The retained state a newcomer sees is the clean `offline`, not a Will.
    const late = await observe(broker.url, [topics.state(screenId)]);
    const retained = await late.waitFor(
      (m) => m.topic === topics.state(screenId),
      'retained state',
    );
    expect(StatePayload.parse(retained.json).state).toBe('offline');
    expect(obs.seen.some(isState(screenId, 'lost'))).toBe(false);
    await late.close();
    await obs.close();
  });
});
