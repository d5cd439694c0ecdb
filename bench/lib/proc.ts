/**
 * Child processes of the bench: started with `node --import tsx` (one process per program,
 * so /proc/PID is the program itself, not a wrapper), registered so that every one of them
 * is killed when the run ends, whatever the way it ends.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { RpcClient } from './ipc';

export const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
const DIE_WITH_PARENT = path.join(import.meta.dirname, 'die-with-parent.ts');

const children = new Set<ChildProcess>();

function killAllNow(): void {
  for (const c of children) {
    if (c.exitCode === null && c.signalCode === null && c.pid) {
      try {
        process.kill(c.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}
process.on('exit', killAllNow);

/** Stops one child: SIGTERM, then SIGKILL after `graceMs`. */
export async function stopChild(child: ChildProcess, graceMs = 8000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    children.delete(child);
    return;
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
  children.delete(child);
}

export async function stopAll(): Promise<void> {
  await Promise.all([...children].map((c) => stopChild(c, 5000)));
}

export interface Spawned {
  child: ChildProcess;
  pid: number;
  logFile: string;
  tail(lines?: number): string;
}

/** Starts `node [nodeArgs] --import tsx file args`, output to logFile. */
export function spawnNode(opts: {
  file: string;
  args?: string[];
  env?: NodeJS.ProcessEnv;
  nodeArgs?: string[];
  logFile: string;
  ipc?: boolean;
}): Spawned {
  const out = fs.openSync(opts.logFile, 'a');
  const child = spawn(
    process.execPath,
    [
      ...(opts.nodeArgs ?? []),
      '--import',
      'tsx',
      ...(opts.ipc ? [] : ['--import', DIE_WITH_PARENT]),
      opts.file,
      ...(opts.args ?? []),
    ],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, ...opts.env },
      stdio: opts.ipc ? ['ignore', out, out, 'ipc'] : ['ignore', out, out],
    },
  );
  fs.closeSync(out);
  children.add(child);
  child.once('exit', () => children.delete(child));
  if (!child.pid) throw new Error(`could not start ${opts.file}`);
  return {
    child,
    pid: child.pid,
    logFile: opts.logFile,
    tail: (lines = 20) => {
      try {
        return fs.readFileSync(opts.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
      } catch {
        return '';
      }
    },
  };
}

/** A bench worker (bench/workers/*.ts) with an RPC channel. */
export async function spawnWorker(
  name: string,
  file: string,
  logDir: string,
  env: NodeJS.ProcessEnv = {},
): Promise<Spawned & { rpc: RpcClient }> {
  const s = spawnNode({ file, logFile: path.join(logDir, `${name}.log`), ipc: true, env });
  const rpc = new RpcClient(s.child, name);
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error(`${name} not ready in 30 s:\n${s.tail()}`)), 30_000).unref(),
  );
  await Promise.race([rpc.ready, timeout]);
  return { ...s, rpc };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

// ── /proc sampling ──

const CLK_TCK = 100; // sysconf(_SC_CLK_TCK) on Linux x86-64/arm64

export interface ProcSample {
  at: number;
  cpuS: number;
  rssKb: number;
}

export function procSample(pid: number): ProcSample | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command (which may contain spaces) start after the last ')'.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(f[11]);
    const stime = Number(f[12]);
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const rss = /VmRSS:\s+(\d+)/.exec(status);
    return {
      at: performance.now(),
      cpuS: (utime + stime) / CLK_TCK,
      rssKb: rss ? Number(rss[1]) : 0,
    };
  } catch {
    return null;
  }
}

/** CPU use between two samples, in % of one core. */
export function cpuPct(a: ProcSample | null, b: ProcSample | null): number | null {
  if (!a || !b || b.at <= a.at) return null;
  return ((b.cpuS - a.cpuS) / ((b.at - a.at) / 1000)) * 100;
}

/** Tracks peak RSS of a set of processes while a step runs. */
export class RssWatcher {
  private timer: NodeJS.Timeout | null = null;
  readonly peakKb = new Map<number, number>();
  start(pids: number[], everyMs = 500): void {
    this.stop();
    this.peakKb.clear();
    const tick = () => {
      for (const pid of pids) {
        const s = procSample(pid);
        if (s) this.peakKb.set(pid, Math.max(this.peakKb.get(pid) ?? 0, s.rssKb));
      }
    };
    tick();
    this.timer = setInterval(tick, everyMs);
  }
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
