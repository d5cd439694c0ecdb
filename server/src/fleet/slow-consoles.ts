/**
 * Socket.IO's per-client write buffer is unbounded: a console that cannot keep up (a slow link,
 * a frozen laptop) would make the server queue every fleet batch for it. Instead, a console whose
 * backlog passes a limit is moved to a "behind" room that live batches skip; once its buffer has
 * drained it gets `resync` and fetches the latest state with `sync` — one answer instead of every
 * batch it missed. Only this node's sockets are looked at (each node owns its own connections).
 */
import type { MarqueeServer, MarqueeSocket } from '../realtime/socket-router';

export const BEHIND_ROOM = 'fleet:behind';
/** Bytes waiting in the socket, or packets waiting in engine.io, before a console is "behind". */
const HIGH_BYTES = 1024 * 1024;
const HIGH_PACKETS = 32;
/** A behind console returns to live batches when its backlog is this small again. */
const LOW_BYTES = 64 * 1024;
const LOW_PACKETS = 4;

interface EngineInternals {
  writeBuffer?: unknown[];
  transport?: { socket?: { bufferedAmount?: number } };
}

export function backlogOf(socket: MarqueeSocket): { bytes: number; packets: number } {
  const conn = socket.conn as unknown as EngineInternals;
  return {
    bytes: conn.transport?.socket?.bufferedAmount ?? 0,
    packets: conn.writeBuffer?.length ?? 0,
  };
}

export class SlowConsoles {
  private readonly behind = new Set<string>();

  constructor(
    private readonly io: MarqueeServer,
    /** Rooms whose sockets get live batches (operators' fleet room, advertisers' room). */
    private readonly rooms: string[],
  ) {}

  get count(): number {
    return this.behind.size;
  }

  /** Called before each broadcast: moves consoles into and out of the behind room. */
  update(): void {
    for (const socket of this.io.of('/').sockets.values()) {
      if (!this.rooms.some((room) => socket.rooms.has(room))) continue;
      const { bytes, packets } = backlogOf(socket);
      if (!this.behind.has(socket.id) && (bytes > HIGH_BYTES || packets > HIGH_PACKETS)) {
        this.behind.add(socket.id);
        void socket.join(BEHIND_ROOM);
      } else if (this.behind.has(socket.id) && bytes < LOW_BYTES && packets < LOW_PACKETS) {
        this.behind.delete(socket.id);
        void socket.leave(BEHIND_ROOM);
        socket.emit('resync');
      }
    }
    for (const id of this.behind) if (!this.io.of('/').sockets.has(id)) this.behind.delete(id);
  }
}
