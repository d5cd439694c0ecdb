/**
 * Command handling against real brokers: malformed, unknown and expired commands are rejected
 * with a result; a valid one is accepted then succeeds; a duplicate delivery runs once, also
 * after a restart; configured exec handlers get their parameters and a timeout.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topics } from '../../protocol';
import { startAedes, uniqueScreenId, useMosquitto, type TestBroker } from './helpers/brokers';
import { command, isResult, resultsOf } from './helpers/commands';
import { startTestAgent } from './helpers/in-process';
import { observe, type Observer } from './helpers/observer';
import { tempDir } from './helpers/tmp';

describe.each(['aedes', 'mosquitto'] as const)('commands on %s', (brokerName) => {
  let broker: TestBroker;
  let obs: Observer;
  const cleanup: string[] = [];

  beforeAll(async () => {
    broker = brokerName === 'mosquitto' ? await useMosquitto() : await startAedes();
    obs = await observe(broker.url, [
      'marquee/v1/screens/+/cmd/+/result',
      'marquee/v1/screens/+/telemetry',
    ]);
  });
  afterAll(async () => {
    if (brokerName === 'mosquitto') await obs.clearRetained(cleanup);
    await obs.close();
    await broker.close();
  });

  function baseConfig(screenId: string, dataDir = tempDir('cmd-data')) {
    cleanup.push(topics.state(screenId));
    return {
      screenId,
      broker: { url: broker.url, sessionExpiryS: 60 },
      dataDir,
      telemetryIntervalMs: 60_000,
    };
  }

  it('rejects malformed, unknown and expired commands with a result', async () => {
    const screenId = uniqueScreenId('reject');
    const { agent, executed } = await startTestAgent({
      ...baseConfig(screenId),
      player: { type: 'simulated', commands: ['setBrightness'] },
    });
    await agent.firstConnect;
    const cases: Array<[string, string, RegExp]> = [
      ['bad-json', '{not json', /not JSON/],
      ['bad-params', command('setBrightness', { brightness: 'max' }), /params\.brightness/],
      ['unknown-type', command('selfDestruct'), /unsupported command type/],
      ['not-capable', command('reboot'), /unsupported command type: reboot/],
      ['expired', command('setBrightness', { brightness: 10 }, -1_000), /expired/],
    ];
    for (const [id, payload] of cases) await obs.publish(topics.command(screenId, id), payload);
    for (const [id, , detail] of cases) {
      const result = await obs.waitFor(isResult(screenId, id, 'rejected'), `${id} rejected`);
      expect((result.json as { detail: string }).detail).toMatch(detail);
    }
    expect(executed).toEqual([]);
    await agent.stop();
  });

  it('runs a valid command (accepted, then succeeded) and reports the change at once', async () => {
    const screenId = uniqueScreenId('bright');
    const { agent } = await startTestAgent({
      ...baseConfig(screenId),
      player: { type: 'simulated' },
    });
    await agent.firstConnect;
    await obs.publish(topics.command(screenId, 'b1'), command('setBrightness', { brightness: 17 }));
    await obs.waitFor(isResult(screenId, 'b1', 'succeeded'), 'succeeded');
    expect(resultsOf(obs.seen, screenId, 'b1').map((r) => r.status)).toEqual([
      'accepted',
      'succeeded',
    ]);
    // The interval is a minute; a telemetry with the new brightness means "at once on change".
    await obs.waitFor(
      (m) =>
        m.topic === topics.telemetry(screenId) &&
        (m.json as { display: { brightness: number } }).display.brightness === 17,
      'telemetry with brightness 17',
    );
    await agent.stop();
  });

  it('runs a duplicate delivery once, also after a restart', async () => {
    const screenId = uniqueScreenId('dup');
    const dataDir = tempDir('dup-data');
    const executed: string[] = [];
    const first = await startTestAgent(
      { ...baseConfig(screenId, dataDir), player: { type: 'simulated' } },
      { executed },
    );
    await first.agent.firstConnect;
    const payload = command('setPower', { power: 'standby' });
    await obs.publish(topics.command(screenId, 'dup-1'), payload);
    await obs.waitFor(isResult(screenId, 'dup-1', 'succeeded'), 'first succeeded');
    // The same commandId again, as a QoS 1 redelivery would bring it.
    await obs.publish(topics.command(screenId, 'dup-1'), payload);
    await first.agent.stop();

    const second = await startTestAgent(
      { ...baseConfig(screenId, dataDir), player: { type: 'simulated' } },
      { executed },
    );
    await second.agent.firstConnect;
    await obs.publish(topics.command(screenId, 'dup-1'), payload);
    await obs.publish(topics.command(screenId, 'after-dup'), command('screenshot'));
    await obs.waitFor(isResult(screenId, 'after-dup', 'succeeded'), 'later command');
    await second.agent.stop();

    expect(executed).toEqual(['setPower', 'screenshot']);
    const statuses = resultsOf(obs.seen, screenId, 'dup-1').map((r) => r.status);
    expect(statuses.filter((s) => s === 'accepted')).toHaveLength(1);
    expect(statuses.every((s) => s === 'accepted' || s === 'succeeded')).toBe(true);
    const duplicates = [...first.lines, ...second.lines].filter((l) =>
      l.includes('duplicate command'),
    );
    expect(duplicates).toHaveLength(2);
  });

  it('runs a configured exec handler with the parameter as one argument, and times it out', async () => {
    const screenId = uniqueScreenId('exec');
    const { agent } = await startTestAgent({
      ...baseConfig(screenId),
      player: { type: 'simulated', commands: [] },
      commands: {
        setBrightness: {
          kind: 'exec',
          file: process.execPath,
          args: ['-e', 'console.log("ddc brightness=" + process.argv[1])', '{brightness}'],
        },
        reboot: {
          kind: 'exec',
          file: process.execPath,
          args: ['-e', 'setTimeout(() => {}, 60000)'],
          timeoutMs: 300,
        },
      },
    });
    expect(agent.capabilities).toEqual(['reboot', 'setBrightness']);
    await agent.firstConnect;
    await obs.publish(topics.command(screenId, 'x1'), command('setBrightness', { brightness: 64 }));
    const ok = await obs.waitFor(isResult(screenId, 'x1', 'succeeded'), 'exec succeeded');
    expect((ok.json as { detail: string }).detail).toBe('ddc brightness=64');
    await obs.publish(topics.command(screenId, 'x2'), command('reboot'));
    const failed = await obs.waitFor(isResult(screenId, 'x2', 'failed'), 'exec timed out');
    expect((failed.json as { detail: string }).detail).toMatch(/timed out after 300 ms/);
    await agent.stop();
  });
});
