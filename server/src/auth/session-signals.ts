/**
 * Ending the sockets of a session that ended (logout, expiry, a disabled account, a changed
 * password). The database is the truth — a revoked session can never authenticate again —
 * and this makes open sockets follow at once: each gets `session_ended {reason, message}`
 * (the console can say why) and is then disconnected by the server (the client does not
 * reconnect on its own after a server-side disconnect).
 *
 * Every socket is in `session:{sessionId}` and `user:{userId}` (joined in realtime/io.ts).
 * Across nodes: the request is handed to every node with `serverSideEmit` (the Redis adapter
 * carries it; with the in-memory adapter there are no other nodes) and each node ends its own
 * sockets in the rooms. Each node does emit-then-disconnect on the socket object itself, so the
 * event is always written before the disconnect; two separate broadcasts (an emit and a
 * `disconnectSockets`) would travel on different adapter channels with no order between them.
 */
import type { Server } from 'socket.io';
import type { SessionEndReason } from '../../../protocol';
import type { MarqueeServer, MarqueeSocket } from '../realtime/socket-router';

export const sessionRoom = (id: string): string => `session:${id}`;
export const userRoomOf = (id: string): string => `user:${id}`;

const MESSAGES: Record<SessionEndReason, string> = {
  logout: 'This session was signed out.',
  expired: 'Your session expired; please sign in again.',
  disabled: 'Your account was disabled by an administrator.',
  password_changed: 'Your password was changed; please sign in again with the new one.',
  role_changed: 'An administrator changed your role; please sign in again.',
};

/** What one node is asked to do: end the sockets in `room`, except those in `exceptRoom`. */
interface EndRequest {
  room: string;
  exceptRoom?: string;
  reason: SessionEndReason;
}

const INTER_NODE_EVENT = 'marquee:endSessions';

export function endSocket(socket: MarqueeSocket, reason: SessionEndReason): void {
  if (!socket.connected) return;
  socket.emit('session_ended', { reason, message: MESSAGES[reason] });
  socket.disconnect(true);
}

export class SessionSignals {
  /** `acrossNodes`: an adapter that carries server-side events (Redis) is in use. */
  constructor(
    private readonly io: MarqueeServer,
    private readonly acrossNodes: boolean,
  ) {
    // The adapter's inter-server events are untyped in MarqueeServer (no InterServerEvents).
    (io as unknown as Server).on(INTER_NODE_EVENT, (req: EndRequest) => this.endLocal(req));
  }

  /** One session ended: its sockets, on every node. */
  endSession(sessionId: string, reason: SessionEndReason): void {
    this.broadcast({ room: sessionRoom(sessionId), reason });
  }

  /** Every session of a user ended, but `keepSessionId`'s (the one that asked, if any). */
  endUser(userId: string, reason: SessionEndReason, keepSessionId?: string): void {
    this.broadcast({
      room: userRoomOf(userId),
      exceptRoom: keepSessionId ? sessionRoom(keepSessionId) : undefined,
      reason,
    });
  }

  private broadcast(req: EndRequest): void {
    this.endLocal(req);
    if (this.acrossNodes) (this.io as unknown as Server).serverSideEmit(INTER_NODE_EVENT, req);
  }

  private endLocal({ room, exceptRoom, reason }: EndRequest): void {
    const nsp = this.io.of('/');
    const ids = nsp.adapter.rooms.get(room);
    if (!ids) return;
    const except = exceptRoom ? nsp.adapter.rooms.get(exceptRoom) : undefined;
    for (const id of [...ids]) {
      if (except?.has(id)) continue;
      const socket = nsp.sockets.get(id);
      if (socket) endSocket(socket, reason);
    }
  }
}
