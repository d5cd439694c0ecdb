/**
 * What the embedded broker checks on a raw TCP connection before Aedes sees a byte of it.
 * Aedes (and mqtt-packet under it) buffers a packet of whatever size its fixed header
 * declares — up to 256 MB — and does so before authentication: three connections streaming
 * a 64 MB CONNECT grew the server by > 500 MB. Here every packet's declared size is read from
 * its fixed header as the bytes arrive and a connection that declares too much is cut at once,
 * before its body is buffered anywhere:
 * - before login: the first packet must be a CONNECT and everything received until the login
 *   is accepted must fit `connectMaxBytes`;
 * - after login: no packet over `packetMaxBytes` (one payload at the ingest limit plus topic
 *   and headers).
 * It also caps how many connections may be unauthenticated at once and for how long.
 */
import type net from 'node:net';
import { MAX_PAYLOAD_BYTES } from '../../../protocol';

export interface ConnectionLimits {
  /**
   * Everything a client may send before its login is accepted. An agent's CONNECT carries its
   * client id, username, password (each ≤ 64 characters) and its Will (a `lost` state payload
   * of ~0.3 KB): well under 1 KB. 4 KB leaves room and keeps 256 pending logins under 1 MB.
   */
  connectMaxBytes: number;
  /** Largest packet after login: a payload at the ingest limit plus topic and headers. */
  packetMaxBytes: number;
  /**
   * Connections that have not logged in yet, at once. A fleet's reconnect storm passes
   * through quickly (a login is one indexed lookup); a flood of idle sockets cannot hold more.
   */
  maxUnauthenticated: number;
  /** How long a connection may stay unauthenticated; an agent sends CONNECT at once. */
  loginTimeoutMs: number;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  connectMaxBytes: 4096,
  packetMaxBytes: MAX_PAYLOAD_BYTES + 4096,
  maxUnauthenticated: 256,
  loginTimeoutMs: 5000,
};

/** One accepted connection: told when its login succeeded. */
export interface GuardedConnection {
  authenticated(): void;
}

const CONNECT = 1;

/**
 * Reads MQTT fixed headers (type byte + "remaining length", 1–4 bytes of 7-bit groups) as
 * the bytes go by, skipping bodies without looking at them. Returns a reason to cut the
 * connection, or null.
 */
class FrameScanner {
  private phase: 'type' | 'length' | 'body' = 'type';
  private type = 0;
  private length = 0;
  private lengthBytes = 0;
  private bodyLeft = 0;
  private packets = 0;
  private preAuthBytes = 0;
  loggedIn = false;

  constructor(private readonly limits: ConnectionLimits) {}

  scan(buf: Buffer): string | null {
    if (!this.loggedIn) {
      this.preAuthBytes += buf.length;
      if (this.preAuthBytes > this.limits.connectMaxBytes)
        return `sent over ${this.limits.connectMaxBytes} bytes before logging in`;
    }
    let i = 0;
    while (i < buf.length) {
      if (this.phase === 'body') {
        const take = Math.min(this.bodyLeft, buf.length - i);
        i += take;
        this.bodyLeft -= take;
        if (this.bodyLeft === 0) this.phase = 'type';
        continue;
      }
      const byte = buf[i++]!;
      if (this.phase === 'type') {
        this.type = byte >> 4;
        if (this.packets === 0 && this.type !== CONNECT) return 'first packet is not a CONNECT';
        this.phase = 'length';
        this.length = 0;
        this.lengthBytes = 0;
        continue;
      }
      // phase 'length'
      this.length += (byte & 0x7f) * 128 ** this.lengthBytes;
      this.lengthBytes += 1;
      if (byte & 0x80) {
        if (this.lengthBytes === 4) return 'malformed remaining length';
        continue;
      }
      const reason = this.refuse();
      if (reason) return reason;
      this.packets += 1;
      this.bodyLeft = this.length;
      this.phase = this.length > 0 ? 'body' : 'type';
    }
    return null;
  }

  private refuse(): string | null {
    const max = this.loggedIn ? this.limits.packetMaxBytes : this.limits.connectMaxBytes;
    if (this.length > max)
      return `declared a ${this.length}-byte packet (limit ${max} ${this.loggedIn ? 'after' : 'before'} login)`;
    return null;
  }
}

/**
 * Admits TCP connections for the broker: refuses them over the unauthenticated cap, closes
 * the ones that do not log in within the timeout, and cuts any that declare an oversized
 * packet. Aedes reads its socket with `read()` on 'readable'; the guard inspects what each
 * read returns and, when it cuts, destroys the socket and hands Aedes nothing.
 */
export class ConnectionGuard {
  private pending = 0;

  constructor(
    private readonly limits: ConnectionLimits,
    private readonly onCut: (remote: string, reason: string) => void,
  ) {}

  get unauthenticated(): number {
    return this.pending;
  }

  /** Returns null when the connection is refused (already destroyed). */
  admit(socket: net.Socket): GuardedConnection | null {
    const remote = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    if (this.pending >= this.limits.maxUnauthenticated) {
      this.onCut(remote, `over ${this.limits.maxUnauthenticated} connections waiting to log in`);
      socket.destroy();
      return null;
    }
    this.pending += 1;
    let counted = true;
    const release = () => {
      if (!counted) return;
      counted = false;
      this.pending -= 1;
      clearTimeout(timer);
    };
    const cut = (reason: string) => {
      release();
      if (socket.destroyed) return;
      this.onCut(remote, reason);
      socket.destroy();
    };
    const timer = setTimeout(
      () => cut(`did not log in within ${this.limits.loginTimeoutMs} ms`),
      this.limits.loginTimeoutMs,
    );
    timer.unref();
    socket.once('close', release);

    const scanner = new FrameScanner(this.limits);
    const read = socket.read.bind(socket);
    socket.read = (size?: number) => {
      if (socket.destroyed) return null;
      const chunk = read(size) as Buffer | string | null;
      if (chunk === null || typeof chunk === 'string') return chunk;
      const reason = scanner.scan(chunk);
      if (reason) {
        cut(reason);
        return null;
      }
      return chunk;
    };
    return {
      authenticated: () => {
        scanner.loggedIn = true;
        release();
      },
    };
  }
}
