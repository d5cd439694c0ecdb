/**
 * M console connections (socket.io-client, the same handshake the console core uses), all in
 * the `fleet` room, timing every screen in every billboardStatusUpdate from the agent's
 * publish time (Screen.telemetry.ts) to receipt.
 */
import { io as ioClient, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../protocol';
import { Histogram } from '../lib/histogram';
import { serveRpc } from '../lib/ipc';

type ConsoleSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const hist = new Histogram();
let sockets: ConsoleSocket[] = [];
let perConsole: number[] = [];
let batches = 0;
let screens = 0;
let disconnects = 0;

serveRpc({
  connect: async ({
    url,
    token,
    count,
    prefix,
  }: {
    url: string;
    token: string;
    count: number;
    prefix: string;
  }) => {
    perConsole = new Array<number>(count).fill(0);
    sockets = await Promise.all(
      Array.from({ length: count }, async (_, i) => {
        const socket: ConsoleSocket = ioClient(url, {
          auth: { token },
          transports: ['websocket'],
          reconnection: false,
          forceNew: true,
        });
        socket.on('billboardStatusUpdate', (batch) => {
          const now = Date.now();
          batches++;
          for (const s of [...batch.screens, ...batch.patches]) {
            if (!s.telemetry || !s.id.startsWith(prefix)) continue;
            hist.add(now - s.telemetry.ts);
            screens++;
            perConsole[i]!++;
          }
        });
        socket.on('disconnect', () => disconnects++);
        await new Promise<void>((resolve, reject) => {
          socket.once('connect', () => resolve());
          socket.once('connect_error', reject);
        });
        return socket;
      }),
    );
    return { connected: sockets.length };
  },
  stats: ({ reset }: { reset?: boolean }) => {
    const out = {
      batches,
      screens,
      disconnects,
      connected: sockets.filter((s) => s.connected).length,
      perConsoleMin: Math.min(...perConsole),
      perConsoleMax: Math.max(...perConsole),
      hist: hist.toPairs(),
    };
    if (reset) {
      hist.reset();
      batches = 0;
      screens = 0;
      perConsole.fill(0);
    }
    return out;
  },
  close: () => {
    for (const s of sockets) s.disconnect();
    sockets = [];
    return null;
  },
});
