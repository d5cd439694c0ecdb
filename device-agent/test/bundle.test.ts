/**
 * `npm run build:agent` gives one file that runs on plain Node from a directory with no
 * node_modules anywhere above it, connects, and leaves its Last Will when SIGKILLed.
 */
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StatePayload, topics } from '../../protocol';
import { startAedes, type TestBroker } from './helpers/brokers';
import { observe } from './helpers/observer';
import { until } from './helpers/until';

const ROOT = join(import.meta.dirname, '../..');

describe('bundled agent', () => {
  let broker: TestBroker;
  beforeAll(async () => {
    broker = await startAedes();
  });
  afterAll(() => broker.close());

  it('runs without node_modules and its Will fires on SIGKILL', async () => {
    execFileSync(process.execPath, ['scripts/build-agent.mjs'], { cwd: ROOT, stdio: 'pipe' });
    // os.tmpdir() is outside the repository, so Node cannot find the repo's node_modules.
    const dir = mkdtempSync(join(tmpdir(), 'marquee-bundle-'));
    copyFileSync(join(ROOT, 'dist/agent/marquee-agent.mjs'), join(dir, 'marquee-agent.mjs'));
    const screenId = 'scr-bundle';
    writeFileSync(
      join(dir, 'config.json'),
      JSON.stringify({
        screenId,
        broker: { url: broker.url },
        dataDir: join(dir, 'data'),
        willDelayS: 0,
      }),
    );
    const obs = await observe(broker.url, [topics.state(screenId)]);
    const child = spawn(process.execPath, ['marquee-agent.mjs', '--config', 'config.json'], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise((r) => child.once('exit', r));
    await until(() => out.includes('"connected"'), 'bundle connected');
    const online = await obs.waitFor(
      (m) => StatePayload.safeParse(m.json).data?.state === 'online',
      'online',
    );
    child.kill('SIGKILL');
    await exited;
    const lost = await obs.waitFor(
      (m) => StatePayload.safeParse(m.json).data?.state === 'lost',
      'lost',
    );
    expect(StatePayload.parse(lost.json).bootId).toBe(StatePayload.parse(online.json).bootId);
    await obs.close();
  });
});
