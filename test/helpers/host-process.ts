/** Runs the browser host as a real process (`node --import tsx host-process-main.ts`). */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');

export interface HostProcess {
  child: ChildProcess;
  url: string;
  output(): string;
  kill(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  /** SIGSTOP / SIGCONT: a frozen process keeps its sockets open and answers nothing. */
  freeze(): void;
  thaw(): void;
}

export async function startHostProcess(opts: {
  port: number;
  dataDir: string;
  rendererDir: string;
  defaultServerUrl?: string;
}): Promise<HostProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(ROOT, 'test/helpers/host-process-main.ts')],
    {
      cwd: ROOT,
      env: { ...process.env, MARQUEE_TEST_HOST: JSON.stringify(opts) },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the host did not start in 20 s:\n${out}`)),
      20_000,
    );
    child.stdout!.on('data', () => {
      const m = /listening (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the host exited with ${code}:\n${out}`));
    });
  });
  return {
    child,
    url,
    output: () => out,
    kill: async (signal = 'SIGTERM') => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill(signal);
      child.kill('SIGCONT'); // a frozen process handles its SIGTERM only once running
      await exited;
    },
    freeze: () => void child.kill('SIGSTOP'),
    thaw: () => void child.kill('SIGCONT'),
  };
}
