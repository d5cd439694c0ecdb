/**
 * `npm start` as a person runs it: the whole product in one process tree. After the simulated
 * fleet crashes, Ctrl+C (SIGINT to the process group, as a terminal sends it) still ends
 * everything, promptly.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');

function descendants(pid: number): { pid: number; args: string }[] {
  const out = execFileSync('ps', ['-e', '-o', 'pid=,ppid=,args='], { encoding: 'utf8' });
  const rows = out
    .trim()
    .split('\n')
    .map((line) => {
      const m = /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line)!;
      return { pid: Number(m[1]), ppid: Number(m[2]), args: m[3] ?? '' };
    });
  const found: { pid: number; args: string }[] = [];
  const walk = (p: number) => {
    for (const r of rows.filter((row) => row.ppid === p)) {
      found.push({ pid: r.pid, args: r.args });
      walk(r.pid);
    }
  };
  walk(pid);
  return found;
}

async function waitFor<T>(what: string, fn: () => T | null, timeoutMs: number): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

let start: ChildProcess | null = null;
afterAll(() => {
  if (start?.pid && start.exitCode === null) process.kill(-start.pid, 'SIGKILL');
});

describe('npm start', () => {
  it('stops on Ctrl+C after the simulated fleet crashed', { timeout: 120_000 }, async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'marquee-start-'));
    let output = '';
    start = spawn(
      process.execPath,
      [path.join(ROOT, 'scripts/start.mjs'), '--screens', '2', '--browser'],
      {
        cwd: ROOT,
        detached: true, // its own process group, like a terminal's foreground job
        env: {
          ...process.env,
          MARQUEE_DATA_DIR: dataDir,
          PORT: '0',
          MQTT_PORT: '0',
          MARQUEE_CONSOLE_PORT: '0',
          LOG_LEVEL: 'warn',
        },
      },
    );
    start.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    start.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => start!.once('exit', resolve));
    await waitFor(
      '"Marquee is running"',
      () => output.includes('Marquee is running') || null,
      90_000,
    ).catch((err: Error) => {
      throw new Error(`${err.message}; output:\n${output}`);
    });
    const fleet = await waitFor(
      'the fleet process',
      () => descendants(start!.pid!).find((p) => p.args.includes('fleet-main.ts')) ?? null,
      10_000,
    );
    process.kill(fleet.pid, 'SIGKILL');
    await waitFor(
      'the crash report',
      () => output.includes('simulated fleet stopped') || null,
      10_000,
    );

    const sentAt = Date.now();
    process.kill(-start.pid!, 'SIGINT');
    const code = await Promise.race([
      exited,
      new Promise<'hung'>((r) => setTimeout(() => r('hung'), 15_000)),
    ]);
    expect(code, `npm start did not stop; output:\n${output}`).not.toBe('hung');
    expect(Date.now() - sentAt).toBeLessThan(15_000);
    await waitFor(
      'no process left',
      () => (descendants(start!.pid!).length === 0 ? true : null),
      5_000,
    );
  });
});
