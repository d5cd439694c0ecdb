/**
 * A real Mosquitto for tests, on a free port, configured from the shipped template
 * (resources/mosquitto/marquee.conf or marquee-dynsec.conf) with only its paths, listener and
 * persistence changed, so the tests exercise the configuration operators deploy.
 *
 * `startMosquitto()` with no template is the shipped marquee.conf made anonymous (no password
 * file or ACL) with persistence on in a private directory: for tests that crash and restart the
 * broker. `kill()` sends SIGKILL (nothing saved), `start()` brings it back on the same port with
 * the same persistence directory, `stop()` sends SIGTERM (Mosquitto saves its state).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freeLocalPort } from './server';

export const MOSQUITTO = '/usr/sbin/mosquitto';
const RESOURCES = fileURLToPath(new URL('../../resources/mosquitto/', import.meta.url));

export type MosquittoTemplate = 'marquee.conf' | 'marquee-dynsec.conf';

export interface MosquittoProcess {
  port: number;
  url: string;
  /** What Mosquitto logged since it was last started (stderr), for failure messages. */
  log(): string;
  /** Sends SIGHUP (reload password file and ACL) and waits for Mosquitto to log it. */
  reload(): Promise<void>;
  /** (Re)starts it on the same port with the same configuration and persistence. */
  start(): Promise<void>;
  /** SIGKILL: a crash, no session saved. */
  kill(): Promise<void>;
  /** SIGTERM: a clean stop. */
  stop(): Promise<void>;
  /** Stops it and removes the directory it made for itself (not a directory it was given). */
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

/** The template with `replace` applied: a directive name maps to its new line(s); null drops it. */
function renderConfig(template: MosquittoTemplate, rules: Record<string, string | null>): string {
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
  return lines.join('\n') + '\n';
}

/**
 * `replace` maps a directive name (first word of a line) to its new line(s); null drops it.
 * The listener always moves to the free port on 127.0.0.1.
 */
export async function startMosquitto(
  template?: MosquittoTemplate,
  dir?: string,
  replace: Record<string, string | null> = {},
): Promise<MosquittoProcess> {
  if (!fs.existsSync(MOSQUITTO))
    throw new Error(`Mosquitto is needed at ${MOSQUITTO} (apt-get install -y mosquitto)`);
  const port = await freeLocalPort();
  const ownDir = dir === undefined;
  const home = dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'marquee-mosquitto-'));
  fs.mkdirSync(home, { recursive: true });
  const anonymous: Record<string, string | null> = template
    ? {}
    : {
        allow_anonymous: 'allow_anonymous true',
        password_file: null,
        acl_file: null,
        use_username_as_clientid: null,
        persistence: 'persistence true',
        persistence_location: `persistence_location ${home}/`,
      };
  const conf = path.join(home, 'mosquitto.conf');
  fs.writeFileSync(
    conf,
    renderConfig(template ?? 'marquee.conf', {
      listener: `listener ${port} 127.0.0.1`,
      persistence: 'persistence false',
      persistence_location: null,
      ...anonymous,
      ...replace,
    }),
  );

  let child: ChildProcess | null = null;
  let log = '';
  const handle: MosquittoProcess = {
    port,
    url: `mqtt://127.0.0.1:${port}`,
    log: () => log,
    async start() {
      log = '';
      const c = spawn(MOSQUITTO, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
      child = c;
      c.stderr!.on('data', (d: Buffer) => (log += d.toString()));
      for (let i = 0; i < 100; i++) {
        if (await reachable(port)) return;
        if (c.exitCode !== null) throw new Error(`mosquitto exited: ${log}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`mosquitto did not listen on ${port}: ${log}`);
    },
    async reload() {
      const before = log.length;
      child?.kill('SIGHUP');
      for (let i = 0; i < 50 && !log.slice(before).includes('Reloading config'); i++)
        await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 100));
    },
    kill: () => end('SIGKILL'),
    stop: () => end('SIGTERM'),
    async close() {
      await end('SIGTERM');
      if (ownDir) fs.rmSync(home, { recursive: true, force: true });
    },
  };
  async function end(signal: NodeJS.Signals): Promise<void> {
    const c = child;
    child = null;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill(signal);
    await exited;
  }
  await handle.start();
  return handle;
}
