import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../src/config';
import { spawnAgent, writeConfig } from './helpers/agent-process';
import { tempDir } from './helpers/tmp';

const minimal = {
  screenId: 'scr-1',
  broker: { url: 'mqtt://127.0.0.1:1883', username: 'scr-1', password: 'secret' },
  dataDir: '/var/lib/marquee-agent',
  telemetryIntervalMs: 10000,
  player: { type: 'simulated' },
};

describe('config', () => {
  it('accepts the documented shape and fills defaults', () => {
    const config = parseConfig(minimal);
    expect(config.willDelayS).toBe(0);
    expect(config.broker.keepaliveS).toBe(5);
    expect(config.broker.protocolVersion).toBe('auto');
    expect(config.broker.sessionExpiryS).toBe(7 * 24 * 3600);
    expect(config.queue).toEqual({ maxEvents: 1000, fsync: true });
    expect(config.player).toMatchObject({ type: 'simulated', slotMs: 15000 });
    expect(config.commands).toEqual({});
  });

  it('lets the environment override secrets', () => {
    const config = parseConfig(minimal, { MARQUEE_AGENT_PASSWORD: 'from-env' });
    expect(config.broker.password).toBe('from-env');
    expect(config.broker.username).toBe('scr-1');
  });

  it.each([
    [{ ...minimal, screenId: 'has space' }, 'screenId:'],
    [{ ...minimal, broker: { url: 'http://x' } }, 'broker.url:'],
    [{ ...minimal, telemetryIntervalMs: 'often' }, 'telemetryIntervalMs:'],
    [{ ...minimal, willDelayS: -1 }, 'willDelayS:'],
    [
      { ...minimal, commands: { selfDestruct: { kind: 'exec', file: 'x' } } },
      'commands.selfDestruct: unknown field',
    ],
    [{ ...minimal, player: { type: 'external' } }, 'probes:'],
  ])('names the bad field (%#)', (raw, field) => {
    expect(() => parseConfig(raw)).toThrow(ConfigError);
    expect(() => parseConfig(raw)).toThrow(field);
  });

  it('a bad config stops the agent process with one line naming the field, before connecting', async () => {
    const file = writeConfig(tempDir('cfg'), {
      ...minimal,
      broker: { ...minimal.broker, url: 'not a url' },
    });
    const agent = spawnAgent(file);
    const { code } = await agent.exited;
    expect(code).toBe(2);
    const lines = agent.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('broker.url');
    expect(agent.stdout()).not.toContain('connected');
  });
});
