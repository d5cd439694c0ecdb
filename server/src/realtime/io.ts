/**
 * The Socket.IO server: a session token in the handshake or no connection; at most
 * `maxSocketsPerUser` sockets per user; the user's own room and the session's room joined on
 * connect (so a revoked session's sockets can be ended, see auth/session-signals.ts); a timer
 * that ends the socket when its session expires. Every client event goes through the
 * SocketRouter. With REDIS_URL, broadcasts cross server nodes through Redis.
 */
import type http from 'node:http';
import { Server } from 'socket.io';
import type { Knex } from 'knex';
import { sessionById, verifySession } from '../auth/sessions';
import { endSocket, sessionRoom, SessionSignals, userRoomOf } from '../auth/session-signals';
import type { Logger } from '../log';
import type { MarqueeServer, MarqueeSocket } from './socket-router';

export interface SocketLimits {
  /**
   * Concurrent sockets one user may hold on this node; the next is refused with
   * `too_many_connections`. Each console (Electron window or browser host) holds one socket.
   */
  maxSocketsPerUser: number;
}

/** setTimeout's longest delay (~24.8 days); longer sessions are re-armed when it fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Ends the socket when its session expires: expiry holds on open sockets, not just at login. */
function scheduleExpiry(socket: MarqueeSocket): { timer: NodeJS.Timeout } {
  const handle = { timer: undefined as unknown as NodeJS.Timeout };
  const arm = () => {
    const left = (socket.data.expiresAt ?? Infinity) - Date.now();
    if (left <= 0) return endSocket(socket, 'expired');
    handle.timer = setTimeout(arm, Math.min(left, MAX_TIMER_MS));
    handle.timer.unref();
  };
  arm();
  return handle;
}

export async function createSocketServer(
  httpServer: http.Server,
  knex: Knex,
  log: Logger,
  redisUrl: string | undefined,
  limits: SocketLimits = { maxSocketsPerUser: 8 },
): Promise<{ io: MarqueeServer; signals: SessionSignals; close(): Promise<void> }> {
  const io: MarqueeServer = new Server(httpServer, {
    // Consoles are desktop apps and the browser host, not arbitrary web pages: no CORS.
    cors: { origin: false },
    maxHttpBufferSize: 256 * 1024,
    pingInterval: 10_000,
    pingTimeout: 10_000,
    // A console that reconnects gets what it missed through `sync`, not a replay buffer.
    connectionStateRecovery: undefined,
  });
  let closeRedis = async () => {};
  if (redisUrl) {
    const { createClient } = await import('redis');
    const { createAdapter } = await import('@socket.io/redis-adapter');
    const pub = createClient({ url: redisUrl });
    const sub = pub.duplicate();
    await Promise.all([pub.connect(), sub.connect()]);
    io.adapter(createAdapter(pub, sub));
    closeRedis = async () => {
      await Promise.all([pub.quit(), sub.quit()]);
    };
    log.info({ redisUrl: redisUrl.replace(/\/\/[^@]*@/, '//***@') }, 'socket.io redis adapter on');
  }

  // Sockets per user on this node, counted before the connection completes so that a burst
  // of handshakes cannot slip past the cap between the check and the join.
  const pending = new Map<string, number>();
  const countOf = (userId: string) =>
    (io.of('/').adapter.rooms.get(userRoomOf(userId))?.size ?? 0) + (pending.get(userId) ?? 0);

  io.use((socket, next) => {
    const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    verifySession(knex, token).then(
      (session) => {
        if (!session) return next(new Error('unauthorized: a valid session token is required'));
        const userId = session.user.id;
        if (countOf(userId) >= limits.maxSocketsPerUser) {
          return next(
            new Error(
              `too_many_connections: this account already has ${limits.maxSocketsPerUser} consoles connected; close one and try again`,
            ),
          );
        }
        socket.data.user = session.user;
        socket.data.sessionId = session.id;
        socket.data.expiresAt = session.expiresAt;
        pending.set(userId, (pending.get(userId) ?? 0) + 1);
        // socket.io connects on the next tick (and joins the rooms below then); setImmediate
        // runs after that, or after a handshake that never completed.
        setImmediate(() => {
          const n = (pending.get(userId) ?? 1) - 1;
          if (n > 0) pending.set(userId, n);
          else pending.delete(userId);
        });
        next();
      },
      (err: unknown) => {
        log.error({ err }, 'socket authentication failed');
        next(new Error('unavailable: could not check the session'));
      },
    );
  });

  // Registered before app.ts's own connection handler, so these rooms exist before features run.
  io.on('connection', (socket) => {
    const { user, sessionId } = socket.data;
    void socket.join([userRoomOf(user.id), sessionRoom(sessionId)]);
    const expiry = scheduleExpiry(socket);
    socket.once('disconnect', () => clearTimeout(expiry.timer));
    // A logout that committed between the handshake's check and the joins above sent its
    // signal to rooms this socket was not in yet: ask the database once more now that it is.
    sessionById(knex, sessionId).then(
      (live) => {
        if (!live) endSocket(socket, 'logout');
      },
      (err: unknown) => log.warn({ err }, 'session re-check failed'),
    );
  });

  const signals = new SessionSignals(io, !!redisUrl);
  return {
    io,
    signals,
    close: async () => {
      await new Promise<void>((resolve) => void io.close(() => resolve()));
      await closeRedis();
    },
  };
}
