/** Real brokers for the agent tests: Aedes in this process on port 0, and the shared Mosquitto. */
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { Aedes, type AedesOptions } from 'aedes';

export const MOSQUITTO_URL = 'mqtt://127.0.0.1:1883';

export interface TestBroker {
  name: 'aedes' | 'mosquitto';
  url: string;
  close(): Promise<void>;
}

export async function startAedes(
  options: Partial<AedesOptions> = {},
  port = 0,
): Promise<TestBroker & { port: number; aedes: Aedes }> {
  const aedes = await Aedes.createBroker(options);
  const server = net.createServer(aedes.handle);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const bound = (server.address() as net.AddressInfo).port;
  const sockets = new Set<net.Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return {
    name: 'aedes',
    url: `mqtt://127.0.0.1:${bound}`,
    port: bound,
    aedes,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
    },
  };
}

/** The shared Mosquitto; a test that needs it fails loudly when it is not there. */
export async function useMosquitto(): Promise<TestBroker> {
  await new Promise<void>((resolve, reject) => {
    const socket = net.connect(1883, '127.0.0.1');
    socket.setTimeout(2_000);
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('timeout', () => {
      socket.destroy();
      reject(new Error(`Mosquitto is not reachable at ${MOSQUITTO_URL} (timeout)`));
    });
    socket.once('error', (err) =>
      reject(new Error(`Mosquitto is not reachable at ${MOSQUITTO_URL}: ${err.message}`)),
    );
  });
  return { name: 'mosquitto', url: MOSQUITTO_URL, close: () => Promise.resolve() };
}

/** A screen id nobody else on the shared broker uses, also across earlier runs. */
export function uniqueScreenId(label: string): string {
  return `t-${label}-${randomBytes(4).toString('hex')}`;
}
