/**
 * The sync engine against a real Socket.IO server on a real port that plays a scripted server,
 * so an ordering the real server produces only by chance (a live patch overtaking a sync
 * answer) happens every time.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { afterEach, describe, expect, it } from 'vitest';
import type {
  ClientToServerEvents,
  Screen,
  ServerToClientEvents,
  SyncResult,
} from '../../protocol';
import type { ConsoleEvent } from '../src/shared/console-api';
import { ConsoleCache } from '../src/core/cache/console-cache';
import { SyncEngine } from '../src/core/sync-engine';
import { waitFor } from '../../test/helpers/server';

const screen = (rev: number, state: Screen['state']): Screen => ({
  id: 'a',
  name: 'Screen a',
  address: null,
  lat: null,
  lng: null,
  tags: [],
  retired: false,
  state,
  stateSince: rev * 1000,
  lastSeen: rev * 1000,
  agentVersion: '1',
  capabilities: [],
  telemetry: null,
  rev,
});

const syncResult = (cursor: number, screens: Screen[]): SyncResult => ({
  cursor,
  more: false,
  screens,
  alarms: [],
  commands: [],
  conversations: [],
  messages: [],
  notifications: [],
  presence: [],
  onlineCount: 1,
});

const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function scriptedServer(
  onSync: (cursor: number, n: number) => SyncResult,
  afterFirstSync: (emit: Server<ClientToServerEvents, ServerToClientEvents>) => void,
) {
  const httpServer = http.createServer();
  const io = new Server<ClientToServerEvents, ServerToClientEvents>(httpServer);
  const syncCursors: number[] = [];
  io.on('connection', (socket) => {
    socket.on('sync', ({ cursor }, ack) => {
      syncCursors.push(cursor);
      ack({ ok: true, data: onSync(cursor, syncCursors.length) });
      if (syncCursors.length === 1) setTimeout(() => afterFirstSync(io), 20);
    });
  });
  await new Promise<void>((r) => httpServer.listen(0, '127.0.0.1', r));
  closers.push(() => new Promise<void>((r) => io.close(() => r())));
  return { url: `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`, syncCursors };
}

describe('sync engine', () => {
  it('syncs instead of merging a patch over a copy that missed a state change', async () => {
    // The server's history of screen a: rev 5 online, rev 8 offline (this console misses the
    // whole-screen update), rev 9 telemetry, sent as a patch valid over rev 8 only.
    const server = await scriptedServer(
      (cursor, n) =>
        n === 1
          ? syncResult(5, [screen(5, 'online')])
          : syncResult(9, [{ ...screen(8, 'offline'), rev: 9 }]),
      (io) =>
        io.emit('billboardStatusUpdate', {
          cursor: 9,
          screens: [],
          patches: [{ id: 'a', rev: 9, baseRev: 8, lastSeen: 9000, telemetry: null }],
        }),
    );
    const cache = new ConsoleCache(':memory:');
    const events: ConsoleEvent[] = [];
    const engine = new SyncEngine(
      cache,
      (e) => events.push(e),
      () => undefined,
    );
    closers.push(() => {
      engine.stop();
      cache.close();
    });
    engine.start(server.url, 'token');

    await waitFor(() => server.syncCursors.length === 2, 5000, 'a second sync');
    expect(server.syncCursors).toEqual([0, 5]);
    await waitFor(() => cache.screens()[0]?.rev === 9, 5000, 'screen a at rev 9');
    expect(cache.screens()[0]).toMatchObject({ state: 'offline', stateSince: 8000 });
    expect(cache.getMeta().cursor).toBe(9);
    // The renderer never saw the wrong merge (online at rev 9).
    const shown = events.flatMap((e) => (e.type === 'screens' ? e.screens : []));
    expect(shown.map((s) => [s.rev, s.state])).toEqual([
      [5, 'online'],
      [9, 'offline'],
    ]);
  });
});
