/** Builds the agent kit (bundle + install files) into a temp folder outside the repository. */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '../..');

/** A fresh kit per test file: concurrent test files never read a bundle being rewritten. */
export function buildAgentKit(): string {
  const dir = mkdtempSync(join(tmpdir(), 'marquee-kit-'));
  execFileSync(process.execPath, ['scripts/build-agent.mjs', '--out', dir], {
    cwd: ROOT,
    stdio: 'pipe',
  });
  return dir;
}

export interface Running {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
  stop(): Promise<number | null>;
}

/** Runs `node ARGS` in `cwd`, collecting stdout and stderr. */
export function runNode(args: string[], cwd: string): Running {
  const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return {
    child,
    output: () => out,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
