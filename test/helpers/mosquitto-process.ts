/**
 * A private Mosquitto process on a free port, configured like the production broker
 * (resources/mosquitto/marquee.conf: persistence on, the same queue and in-flight limits) but
 * anonymous, for tests that crash and restart the broker. `kill()` sends SIGKILL (no session
 * saved), `start()` brings it back on the same port with the same persistence directory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freeLocalPort } from './server';

const MOSQUITTO = '/usr/sbin/mosquitto';

export interface MosquittoProcess {
  port: number;
  url: string;
  start(): Promise<void>;
  kill(): Promise<void>;
  /** Stops it and removes its files. */
  close(): Promise<void>;
}

async function reachable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

export async function startMosquitto(): Promise<MosquittoProcess> {
  if (!fs.existsSync(MOSQUITTO))
    throw new Error(`Mosquitto is needed at ${MOSQUITTO} (apt-get install -y mosquitto)`);
  const port = await freeLocalPort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'marquee-mosquitto-'));
  const conf = path.join(dir, 'mosquitto.conf');
  fs.writeFileSync(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous true',
      'set_tcp_nodelay true',
      'persistence true',
      `persistence_location ${dir}/`,
      'max_queued_messages 200000',
      'max_inflight_messages 1000',
      'max_queued_bytes 0',
      ...(process.getuid?.() === 0 ? ['# Started as root: stay root.', 'user root'] : []),
    ].join('\n') + '\n',
  );
  let child: ChildProcess | null = null;
  let stderr = '';
  const handle: MosquittoProcess = {
    port,
    url: `mqtt://127.0.0.1:${port}`,
    async start() {
      stderr = '';
      const c = spawn(MOSQUITTO, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
      child = c;
      c.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      for (let i = 0; i < 100; i++) {
        if (await reachable(port)) return;
        if (c.exitCode !== null) throw new Error(`mosquitto exited: ${stderr}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`mosquitto did not listen on ${port}: ${stderr}`);
    },
    async kill() {
      const c = child;
      child = null;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGKILL');
      await exited;
    },
    async close() {
      await handle.kill();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  await handle.start();
  return handle;
}
