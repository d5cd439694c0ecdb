/**
 * Presence per user across all of their connections (tabs, windows, the desktop app):
 *
 * - each connection is `online` when it connects and may set itself `away` (`setPresence`,
 *   e.g. when its window has been idle) and back;
 * - a user is `online` if any connection is online, `away` if they have connections and all
 *   are away, `offline` when the last one closes;
 * - a change of a user's status is broadcast: `userOnline {userId, status, onlineCount}` or
 *   `userOffline {userId, onlineCount}`; nothing is sent when a second tab changes nothing.
 *
 * Audience: everybody sees the presence of staff (admins and operators: who can help now);
 * an advertiser's presence goes to staff and to the advertiser's own sockets only, so one
 * advertiser does not learn about another company's users. `onlineCount` counts all users.
 *
 * In memory, per server node: with several nodes behind a load balancer each node knows only
 * its own connections. Multi-node presence needs a shared store (Redis: a hash of
 * user → connection → status with expiring node heartbeats) — see README.
 */
import type { PresenceStatus, Role, User } from '../../../protocol';
import type { MarqueeServer, MarqueeSocket } from '../realtime/socket-router';
import { isStaff } from './access';
import { userRoom } from './chat-events';

/** Staff sockets, joined on connect (server-side only: joinRoom cannot name it). */
export const STAFF_ROOM = 'chat:staff';

type ConnectionStatus = 'online' | 'away';

export class PresenceTracker {
  private readonly users = new Map<
    string,
    { role: Role; connections: Map<string, ConnectionStatus> }
  >();

  constructor(private readonly io: MarqueeServer) {}

  get onlineCount(): number {
    return this.users.size;
  }

  status(userId: string): PresenceStatus {
    const entry = this.users.get(userId);
    if (!entry || entry.connections.size === 0) return 'offline';
    for (const s of entry.connections.values()) if (s === 'online') return 'online';
    return 'away';
  }

  connect(socket: MarqueeSocket): void {
    const user = socket.data.user;
    if (isStaff(user)) void socket.join(STAFF_ROOM);
    const before = this.status(user.id);
    let entry = this.users.get(user.id);
    if (!entry) {
      entry = { role: user.role, connections: new Map() };
      this.users.set(user.id, entry);
    }
    entry.connections.set(socket.id, 'online');
    this.announce(user, before);
  }

  /** Sets one connection's status; returns the user's resulting status. */
  set(socket: MarqueeSocket, status: ConnectionStatus): PresenceStatus {
    const user = socket.data.user;
    const entry = this.users.get(user.id);
    // A setPresence racing the socket's disconnect changes nothing.
    if (!entry?.connections.has(socket.id)) return this.status(user.id);
    const before = this.status(user.id);
    entry.connections.set(socket.id, status);
    this.announce(user, before);
    return this.status(user.id);
  }

  disconnect(socket: MarqueeSocket): void {
    const user = socket.data.user;
    const entry = this.users.get(user.id);
    if (!entry?.connections.has(socket.id)) return;
    const before = this.status(user.id);
    entry.connections.delete(socket.id);
    if (entry.connections.size === 0) this.users.delete(user.id);
    this.announce(user, before);
  }

  /** The users `viewer` may see as online or away (absent means offline). */
  snapshot(viewer: User): { userId: string; status: PresenceStatus }[] {
    const out: { userId: string; status: PresenceStatus }[] = [];
    const all = isStaff(viewer);
    for (const [userId, entry] of this.users) {
      if (all || userId === viewer.id || isStaff({ role: entry.role })) {
        out.push({ userId, status: this.status(userId) });
      }
    }
    return out;
  }

  private announce(user: User, before: PresenceStatus): void {
    const after = this.status(user.id);
    if (after === before) return;
    const audience = isStaff(user) ? this.io : this.io.to([STAFF_ROOM, userRoom(user.id)]);
    if (after === 'offline')
      audience.emit('userOffline', { userId: user.id, onlineCount: this.onlineCount });
    else
      audience.emit('userOnline', {
        userId: user.id,
        status: after,
        onlineCount: this.onlineCount,
      });
  }
}
