/**
 * A command published (QoS 1) while the agent process is down waits in its persistent session
 * and is run exactly once when the agent comes back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topics } from '../../protocol';
import { spawnAgent, writeConfig } from './helpers/agent-process';
import { startAedes, uniqueScreenId, useMosquitto, type TestBroker } from './helpers/brokers';
import { command, isResult, resultsOf } from './helpers/commands';
import { observe } from './helpers/observer';
import { tempDir } from './helpers/tmp';

describe.each(['mosquitto', 'aedes'] as const)(
  'command queued while offline (%s)',
  (brokerName) => {
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

    it('is delivered and run once after the agent reconnects', async () => {
      const screenId = uniqueScreenId('offcmd');
      cleanup.push(topics.state(screenId));
      const file = writeConfig(tempDir('offcmd'), {
        screenId,
        broker: { url: broker.url, sessionExpiryS: 120 },
        dataDir: tempDir('offcmd-data'),
        player: { type: 'simulated' },
      });
      const obs = await observe(broker.url, [`${topics.commandWildcard(screenId)}/result`]);

      // First run makes the persistent session and its subscription, then the process dies.
      const first = spawnAgent(file);
      await first.waitForLine('"connected"');
      first.child.kill('SIGKILL');
      await first.exited;

      await obs.publish(
        topics.command(screenId, 'cmd-offline-1'),
        command('setBrightness', { brightness: 42 }),
        {
          qos: 1,
        },
      );

      const second = spawnAgent(file);
      await second.waitForLine('"connected"');
      await obs.waitFor(isResult(screenId, 'cmd-offline-1', 'succeeded'), 'succeeded');
      second.child.kill('SIGTERM');
      await second.exited;

      const statuses = resultsOf(obs.seen, screenId, 'cmd-offline-1').map((r) => r.status);
      expect(statuses).toEqual(['accepted', 'succeeded']);
      expect(second.stdout().match(/"command accepted"/g)).toHaveLength(1);
      expect(second.stdout()).toContain('brightness set to 42');
      await obs.close();
    });
  },
);
