/** Runs a real device agent as its own process (`node --import tsx device-agent/src/main.ts`). */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');

export interface AgentProcess {
  child: ChildProcess;
  output(): string;
  dataDir: string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export async function startAgentProcess(config: {
  screenId: string;
  brokerUrl: string;
  password: string;
  telemetryIntervalMs?: number;
  dataDir?: string;
  /** Simulated player settings over the defaults (e.g. `{ faultsPerHour: 3600, slotMs: 1000 }`). */
  player?: Record<string, unknown>;
}): Promise<AgentProcess> {
  const dataDir = config.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'marquee-agent-'));
  const file = path.join(dataDir, 'agent.json');
  fs.writeFileSync(
    file,
    JSON.stringify({
      screenId: config.screenId,
      broker: { url: config.brokerUrl, username: config.screenId, password: config.password },
      dataDir,
      telemetryIntervalMs: config.telemetryIntervalMs ?? 1000,
      willDelayS: 0,
      player: { type: 'simulated', ...config.player },
    }),
  );
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(ROOT, 'device-agent/src/main.ts'), '--config', file],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`agent did not connect in 15 s:\n${out}`)),
      15_000,
    );
    const check = () => {
      if (out.includes('connected')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`agent exited with ${code}:\n${out}`));
    });
  });
  return {
    child,
    dataDir,
    output: () => out,
    kill: async (signal = 'SIGTERM') => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill(signal);
      await exited;
    },
  };
}
