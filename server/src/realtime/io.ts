/**
 * The Socket.IO server: a session token in the handshake or no connection; the user's own
 * room joined on connect; every client event through the SocketRouter. With REDIS_URL,
 * broadcasts cross server nodes through Redis.
 */
import type http from 'node:http';
import { Server } from 'socket.io';
import type { Knex } from 'knex';
import { verifySession } from '../auth/sessions';
import type { Logger } from '../log';
import type { MarqueeServer } from './socket-router';

export async function createSocketServer(
  httpServer: http.Server,
  knex: Knex,
  log: Logger,
  redisUrl: string | undefined,
): Promise<{ io: MarqueeServer; close(): Promise<void> }> {
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

  io.use((socket, next) => {
    const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    verifySession(knex, token).then(
      (session) => {
        if (!session) return next(new Error('unauthorized: a valid session token is required'));
        socket.data.user = session.user;
        socket.data.sessionId = session.id;
        next();
      },
      (err: unknown) => {
        log.error({ err }, 'socket authentication failed');
        next(new Error('unavailable: could not check the session'));
      },
    );
  });

  return {
    io,
    close: async () => {
      await new Promise<void>((resolve) => void io.close(() => resolve()));
      await closeRedis();
    },
  };
}
