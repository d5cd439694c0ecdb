/**
 * A Mosquitto process configured as the product ships it: resources/mosquitto/marquee.conf,
 * read at test time and changed only where a test must (its own port on loopback, its own
 * auth files and persistence directory, `user root` because tests may run as root). Every
 * other setting — keepalive handling, persistence, queue limits, no-delay — is the shipped one.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../../..');
export const SHIPPED_CONF = path.join(ROOT, 'resources/mosquitto/marquee.conf');
const MOSQUITTO = '/usr/sbin/mosquitto';

export interface ShippedMosquitto {
  port: number;
  url: string;
  process: ChildProcess;
  /** What the broker logged so far. */
  log(): string;
  /** Re-reads the password file and ACL (as an operator's reload would). */
  reload(): void;
  close(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** The shipped configuration with the test's port and paths. */
export function adaptShippedConf(
  text: string,
  opts: { port: number; passwordFile: string; aclFile: string; persistenceDir: string },
): string {
  const out = text.split('\n').map((line) => {
    const key = line.trim().split(/\s+/)[0];
    switch (key) {
      case 'listener':
        return `listener ${opts.port} 127.0.0.1`;
      case 'password_file':
        return `password_file ${opts.passwordFile}`;
      case 'acl_file':
        return `acl_file ${opts.aclFile}`;
      case 'persistence_location':
        return `persistence_location ${opts.persistenceDir}/`;
      case 'log_dest':
      case 'pid_file':
      case 'user':
        return `# (test) ${line}`;
      default:
        return line;
    }
  });
  return [
    ...out,
    '# (test) the test may run as root: keep it, so 0600 files stay readable',
    'user root',
    // Its log goes to the test (shown when an assertion fails): connects, disconnects, timeouts.
    'log_dest stderr',
    `log_type ${process.env.MARQUEE_TEST_MOSQUITTO_LOG === 'all' ? 'all' : 'error warning notice information'}`,
    'log_timestamp_format %H:%M:%S',
    '',
  ].join('\n');
}

export async function startShippedMosquitto(opts: {
  dir: string;
  passwordFile: string;
  aclFile: string;
}): Promise<ShippedMosquitto> {
  if (!fs.existsSync(MOSQUITTO))
    throw new Error(`Mosquitto is needed at ${MOSQUITTO} (apt-get install -y mosquitto)`);
  const port = await freePort();
  const persistenceDir = path.join(opts.dir, 'persistence');
  fs.mkdirSync(persistenceDir, { recursive: true });
  const conf = path.join(opts.dir, 'mosquitto.conf');
  fs.writeFileSync(
    conf,
    adaptShippedConf(fs.readFileSync(SHIPPED_CONF, 'utf8'), { port, persistenceDir, ...opts }),
  );
  const child = spawn(MOSQUITTO, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  for (let i = 0; ; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) break;
    if (child.exitCode !== null || i > 50)
      throw new Error(`mosquitto did not start with ${conf}: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    port,
    url: `mqtt://127.0.0.1:${port}`,
    process: child,
    log: () => stderr,
    reload: () => child.kill('SIGHUP'),
    close: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
