/** Starts a real server on free ports with its own database, and signs users in. */
import { io as ioClient, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, LoginResponse, ServerToClientEvents } from '../../protocol';
import { startServer, type RunningServer } from '../../server/src/app';
import type { ServerConfigInput } from '../../server/src/config';
import { createTestDatabase, type DbKind } from './databases';

export const ADMIN = { email: 'admin@test.local', password: 'admin-password-123' };

export interface TestServer extends RunningServer {
  dbKind: DbKind;
  dataDir: string;
  stop(): Promise<void>;
}

export async function startTestServer(
  kind: DbKind = 'sqlite',
  extra: ServerConfigInput = {},
): Promise<TestServer> {
  const db = await createTestDatabase(kind);
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    mqttPort: 0,
    dataDir: db.dataDir,
    databaseUrl: db.url,
    adminEmail: ADMIN.email,
    adminPassword: ADMIN.password,
    logLevel: (process.env.MARQUEE_TEST_LOG as 'info' | undefined) ?? 'silent',
    statusTickMs: 20,
    ...extra,
  });
  return {
    ...server,
    dbKind: kind,
    dataDir: db.dataDir,
    stop: async () => {
      await server.close();
      await db.drop();
    },
  };
}

export async function api<T = unknown>(
  server: { url: string },
  method: string,
  path: string,
  body?: unknown,
  token?: string,
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: {
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

export async function login(server: { url: string }, creds = ADMIN): Promise<LoginResponse> {
  const res = await api<LoginResponse>(server, 'POST', '/api/auth/login', creds);
  if (res.status !== 200)
    throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export type ConsoleSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export async function connectSocket(
  server: { url: string },
  token: string,
): Promise<ConsoleSocket> {
  const socket: ConsoleSocket = ioClient(server.url, {
    auth: { token },
    transports: ['websocket'],
    reconnection: false,
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}

/** Emits a client event and resolves with its acknowledgement. */
export function emitAck<T = unknown>(
  socket: ConsoleSocket,
  event: string,
  payload: unknown,
): Promise<T> {
  return new Promise((resolve) => {
    (socket.emit as (e: string, p: unknown, cb: (r: T) => void) => void)(event, payload, resolve);
  });
}

/** Polls until `check` returns a truthy value or the time runs out. */
export async function waitFor<T>(
  check: () => T | Promise<T>,
  timeoutMs = 5000,
  what = 'condition',
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function freeLocalPort(): Promise<number> {
  const net = await import('node:net');
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as import('node:net').AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/**
 * A server that can be stopped and started again on the same ports with the same database,
 * for tests of what consoles and agents do while it is away.
 */
export async function startRestartableServer(
  kind: DbKind = 'sqlite',
  extra: ServerConfigInput = {},
) {
  const db = await createTestDatabase(kind);
  const config: ServerConfigInput = {
    port: await freeLocalPort(),
    host: '127.0.0.1',
    mqttPort: await freeLocalPort(),
    dataDir: db.dataDir,
    databaseUrl: db.url,
    adminEmail: ADMIN.email,
    adminPassword: ADMIN.password,
    logLevel: (process.env.MARQUEE_TEST_LOG as 'info' | undefined) ?? 'silent',
    statusTickMs: 20,
    ...extra,
  };
  let current: RunningServer | null = await startServer(config);
  const url = current.url;
  return {
    url,
    get server(): RunningServer {
      if (!current) throw new Error('the server is stopped');
      return current;
    },
    get mqttUrl() {
      return `mqtt://127.0.0.1:${config.mqttPort}`;
    },
    async stopServer() {
      await current?.close();
      current = null;
    },
    async startAgain() {
      current = await startServer(config);
    },
    async stop() {
      await current?.close();
      current = null;
      await db.drop();
    },
  };
}
