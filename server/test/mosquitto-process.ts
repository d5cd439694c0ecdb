/**
 * A real Mosquitto for tests, on a free port, configured from the shipped template
 * (resources/mosquitto/marquee.conf or marquee-dynsec.conf) with only its paths, listener and
 * persistence changed, so the tests exercise the configuration operators deploy.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const MOSQUITTO = '/usr/sbin/mosquitto';
const RESOURCES = fileURLToPath(new URL('../../resources/mosquitto/', import.meta.url));

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export interface MosquittoProcess {
  port: number;
  url: string;
  process: ChildProcess;
  /** What Mosquitto logged so far (stderr), for failure messages. */
  log(): string;
  /** Sends SIGHUP (reload password file and ACL) and waits for Mosquitto to log it. */
  reload(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * `replace` maps a directive name (first word of a line) to its new line(s); null drops it.
 * The listener always moves to the free port on 127.0.0.1.
 */
export async function startMosquitto(
  template: 'marquee.conf' | 'marquee-dynsec.conf',
  dir: string,
  replace: Record<string, string | null>,
): Promise<MosquittoProcess> {
  if (!fs.existsSync(MOSQUITTO))
    throw new Error(`Mosquitto is needed at ${MOSQUITTO} (apt-get install -y mosquitto)`);
  const port = await freePort();
  const rules: Record<string, string | null> = {
    listener: `listener ${port} 127.0.0.1`,
    persistence: 'persistence false',
    persistence_location: null,
    ...replace,
  };
  const lines = fs
    .readFileSync(path.join(RESOURCES, template), 'utf8')
    .split('\n')
    .map((line) => {
      const key = line.split(/\s+/)[0]!;
      if (line.startsWith('#') || !(key in rules)) return line;
      return rules[key];
    })
    .filter((l): l is string => l !== null);
  // Tests run as root: keep root so the 0600 files stay readable.
  lines.push('user root', 'log_type all', 'log_dest stderr');
  fs.mkdirSync(dir, { recursive: true });
  const conf = path.join(dir, 'mosquitto.conf');
  fs.writeFileSync(conf, lines.join('\n') + '\n');
  const child = spawn(MOSQUITTO, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  for (let i = 0; ; i++) {
    const ok = await new Promise<boolean>((r) =>
      net
        .connect(port, '127.0.0.1')
        .once('connect', function (this: net.Socket) {
          this.destroy();
          r(true);
        })
        .once('error', () => r(false)),
    );
    if (ok) break;
    if (child.exitCode !== null || i > 50) throw new Error(`mosquitto did not start: ${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    port,
    url: `mqtt://127.0.0.1:${port}`,
    process: child,
    log: () => log,
    reload: async () => {
      const before = log.length;
      child.kill('SIGHUP');
      for (let i = 0; i < 50 && !log.slice(before).includes('Reloading config'); i++)
        await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 100));
    },
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
