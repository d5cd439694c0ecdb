/**
 * The agent's side of desired state, with a real server (embedded Aedes): what it received
 * survives a process restart with no server at all (applied from disk, before any network), and
 * the power schedule is followed with the agent's own clock (a test clock here), connected or
 * cut off from the broker. Plus the schedule evaluation both sides share.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  WEEKDAYS,
  scheduleSaysOn,
  type CreateScreenResponse,
  type PowerSchedule,
  type ScreenDesiredResponse,
} from '../../protocol';
import {
  api,
  freeLocalPort,
  login,
  startTestServer,
  waitFor,
  type TestServer,
} from '../../test/helpers/server';
import { startTcpProxy } from '../../test/helpers/tcp-proxy';
import { startDesiredAgent } from '../../server/test/helpers/desired-agents';
import { spawnAgent, writeConfig } from './helpers/agent-process';
import { tempDir } from './helpers/tmp';

const EVERY_DAY = [...WEEKDAYS];
/** Monday 5 January 2026, 05:59 UTC. */
const MONDAY_0559 = Date.UTC(2026, 0, 5, 5, 59);
const MIN = 60_000;

describe('schedule evaluation (shared by server and agent)', () => {
  it('reads windows across midnight, several per day, weekdays and time zones', () => {
    const night: PowerSchedule = { windows: [{ days: ['mon'], on: '06:00', off: '01:00' }] };
    expect(scheduleSaysOn(night, 'UTC', MONDAY_0559)).toBe(false);
    expect(scheduleSaysOn(night, 'UTC', MONDAY_0559 + MIN)).toBe(true);
    // Tuesday 00:59 belongs to Monday's window; 01:00 ends it; Tuesday 06:00 has no window.
    expect(scheduleSaysOn(night, 'UTC', MONDAY_0559 + (19 * 60 + 0) * MIN)).toBe(true);
    expect(scheduleSaysOn(night, 'UTC', MONDAY_0559 + (19 * 60 + 1) * MIN)).toBe(false);
    expect(scheduleSaysOn(night, 'UTC', MONDAY_0559 + 24 * 60 * MIN + MIN)).toBe(false);

    const split: PowerSchedule = {
      windows: [
        { days: EVERY_DAY, on: '07:00', off: '12:00' },
        { days: EVERY_DAY, on: '14:00', off: '22:00' },
      ],
    };
    const at = (h: number, m = 0) => Date.UTC(2026, 0, 7, h, m);
    expect(
      [at(6, 59), at(7), at(12), at(13, 59), at(14), at(22)].map((t) =>
        scheduleSaysOn(split, 'UTC', t),
      ),
    ).toEqual([false, true, false, false, true, false]);

    // 06:00 in New York is 11:00 UTC in January and 10:00 UTC in July (daylight saving).
    const ny: PowerSchedule = { windows: [{ days: EVERY_DAY, on: '06:00', off: '23:00' }] };
    expect(scheduleSaysOn(ny, 'America/New_York', Date.UTC(2026, 0, 7, 10, 59))).toBe(false);
    expect(scheduleSaysOn(ny, 'America/New_York', Date.UTC(2026, 0, 7, 11, 0))).toBe(true);
    expect(scheduleSaysOn(ny, 'America/New_York', Date.UTC(2026, 6, 7, 10, 0))).toBe(true);
  });
});

describe('agent desired state with a real server', () => {
  let server: TestServer;
  let token: string;

  beforeAll(async () => {
    server = await startTestServer('sqlite', { desiredTimeZone: 'UTC' });
    token = (await login(server)).token;
  });
  afterAll(async () => {
    await server?.stop();
  });

  const register = async (id: string) => {
    const res = await api<CreateScreenResponse>(
      server,
      'POST',
      '/api/screens',
      { id, name: id },
      token,
    );
    expect(res.status).toBe(201);
    return res.body.credentials.password;
  };
  const setDesired = async (id: string, body: unknown) => {
    const res = await api<ScreenDesiredResponse>(
      server,
      'PUT',
      `/api/screens/${id}/desired`,
      body,
      token,
    );
    expect(res.status).toBe(200);
    return res.body;
  };

  it('survives a process restart with no server contact: applied from disk at start', async () => {
    const password = await register('dsp-restart');
    await setDesired('dsp-restart', { brightness: 25, power: 'on' });
    const dataDir = tempDir('desired-restart');
    const config = (url: string) =>
      writeConfig(tempDir('desired-cfg'), {
        screenId: 'dsp-restart',
        broker: {
          url,
          username: 'dsp-restart',
          password,
          reconnectMinMs: 200,
          reconnectMaxMs: 500,
        },
        dataDir,
        player: { type: 'simulated', faultsPerHour: 0, rebootsPerDay: 0 },
      });
    const first = spawnAgent(config(server.mqttUrl));
    await first.waitForLine('"brightness":25');
    expect(first.stdout()).toMatch(
      /"msg":"desired state applied".*"reason":"received","brightness":25/,
    );
    first.child.kill('SIGTERM');
    await first.exited;

    // No server, no broker: nothing listens on this port.
    const second = spawnAgent(config(`mqtt://127.0.0.1:${await freeLocalPort()}`));
    await second.waitForLine('"reason":"start","power":"on"');
    const out = second.stdout();
    expect(out).toContain('"msg":"desired state from disk"');
    expect(out).toMatch(/"msg":"desired state applied".*"reason":"start","brightness":25/);
    expect(out).not.toContain('"msg":"connected"');
    second.child.kill('SIGTERM');
    await second.exited;
  });

  it('turns the display off and on at the scheduled times with its own clock, also cut off from the broker', async () => {
    const password = await register('dsp-sched');
    await setDesired('dsp-sched', {
      schedule: { windows: [{ days: EVERY_DAY, on: '06:00', off: '01:00' }] },
      timeZone: 'UTC',
    });
    const proxy = await startTcpProxy({
      host: '127.0.0.1',
      port: Number(new URL(server.mqttUrl).port),
    });
    let now = MONDAY_0559;
    const a = await startDesiredAgent({
      screenId: 'dsp-sched',
      password,
      brokerUrl: `mqtt://127.0.0.1:${new URL(proxy.url).port}`,
      now: () => now,
    });
    try {
      const power = async () => (await a.display()).power;
      await waitFor(async () => (await power()) === 'off', 5000, 'off before 06:00');
      now = MONDAY_0559 + MIN; // 06:00
      await waitFor(async () => (await power()) === 'on', 5000, 'on at 06:00');

      proxy.unplug();
      await waitFor(
        () => a.lines.some((l) => l.includes('"msg":"disconnected"')),
        5000,
        'disconnected',
      );
      now = MONDAY_0559 + 19 * 60 * MIN; // Tuesday 00:59
      await new Promise((r) => setTimeout(r, 300));
      expect(await power()).toBe('on');
      now += 1 * MIN; // Tuesday 01:00
      await waitFor(async () => (await power()) === 'off', 5000, 'off at 01:00, offline');
      now += 5 * 60 * MIN; // Tuesday 06:00
      await waitFor(async () => (await power()) === 'on', 5000, 'on at 06:00, offline');
      expect(
        a.lines.filter((l) => l.includes('"reason":"schedule"')).length,
      ).toBeGreaterThanOrEqual(3);
    } finally {
      await a.agent.stop();
      await proxy.close();
    }
  });
});
