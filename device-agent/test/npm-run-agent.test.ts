/**
 * `npm run agent -- --config FILE` stopped by SIGTERM (as a process manager or `kill PID`
 * stops it: the signal goes to npm alone, not to its process group) must stop the agent too,
 * with its clean `offline`. npm forwards the signal to the script's shell; a shell that runs
 * the agent as its child (dash does) dies without passing it on, which left the agent running.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StatePayload, topics } from '../../protocol';
import { writeConfig } from './helpers/agent-process';
import { startAedes, uniqueScreenId, type TestBroker } from './helpers/brokers';
import { observe } from './helpers/observer';
import { tempDir } from './helpers/tmp';
import { until } from './helpers/until';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** Whether any process of the group is left (signal 0 only checks). */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('npm run agent', () => {
  let broker: TestBroker;
  beforeAll(async () => {
    broker = await startAedes();
  });
  afterAll(async () => {
    await broker.close();
  });

  it('stops the agent (offline published) when npm alone gets SIGTERM', async () => {
    const screenId = uniqueScreenId('npm');
    const obs = await observe(broker.url, [topics.state(screenId)]);
    const file = writeConfig(tempDir('npm'), {
      screenId,
      broker: { url: broker.url },
      dataDir: tempDir('npm-data'),
    });
    // Its own process group, so the test can see (and at the end clear) every descendant.
    const npm = spawn('npm', ['run', '--silent', 'agent', '--', '--config', file], {
      cwd: ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const pgid = npm.pid!;
    let out = '';
    npm.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    npm.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    try {
      await until(() => out.includes('"connected"'), `agent connected; output:\n${out}`, 20_000);
      const online = await obs.waitFor(
        (m) => StatePayload.safeParse(m.json).data?.state === 'online',
        'online',
      );
      const bootId = StatePayload.parse(online.json).bootId;

      process.kill(npm.pid!, 'SIGTERM');
      await until(() => !groupAlive(pgid), 'every process of npm run agent gone', 10_000);
      const offline = await obs.waitFor(
        (m) => StatePayload.safeParse(m.json).data?.state === 'offline',
        'offline',
      );
      expect(StatePayload.parse(offline.json).bootId).toBe(bootId);
      expect(obs.seen.some((m) => StatePayload.safeParse(m.json).data?.state === 'lost')).toBe(
        false,
      );
    } finally {
      if (groupAlive(pgid)) process.kill(-pgid, 'SIGKILL');
      await obs.close();
    }
  });
});
