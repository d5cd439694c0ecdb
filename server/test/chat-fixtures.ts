/**
 * Shared set-up for the chat suites: one server per describe block, a handful of users
 * created once per block, sockets that record what they receive, and small REST helpers.
 */
import { randomBytes } from 'node:crypto';
import type { Conversation, Message, Role, ServerToClientEvents, User } from '../../protocol';
import { createSession } from '../src/auth/sessions';
import { toUser } from '../src/auth/users';
import {
  ADMIN,
  api,
  connectSocket,
  startTestServer,
  type ConsoleSocket,
  type TestServer,
} from '../../test/helpers/server';
import type { DbKind } from '../../test/helpers/databases';

export interface TestUser extends User {
  token: string;
}

export interface ChatWorld {
  server: TestServer;
  admin: TestUser;
  users: Record<string, TestUser>;
}

export async function startChatWorld(
  dbKind: DbKind,
  people: Record<string, Role>,
): Promise<ChatWorld> {
  const server = await startTestServer(dbKind);
  const { knex } = server.ctx;
  // The first admin exists (created with a real scrypt hash at start). The test users reuse
  // that hash instead of paying ~1 s of scrypt each on a busy CI box; they sign in with a
  // session made directly, as login's own path is covered by the auth tests.
  const adminRow = await knex('users').where({ email: ADMIN.email }).first();
  const now = Date.now();
  const entries = Object.entries(people).map(([key, role]) => {
    const user: User = {
      id: `u_${key}_${randomBytes(4).toString('hex')}`,
      email: `${key}@test.local`,
      name: key[0]!.toUpperCase() + key.slice(1),
      role,
    };
    return [key, user] as const;
  });
  if (entries.length) {
    await knex('users').insert(
      entries.map(([, u]) => ({ ...u, password_hash: adminRow.password_hash, created_at: now })),
    );
  }
  const withToken = async (u: User): Promise<TestUser> => ({
    ...u,
    token: (await createSession(knex, u.id, 3600_000)).token,
  });
  const users: Record<string, TestUser> = {};
  for (const [key, u] of entries) users[key] = await withToken(u);
  return { server, admin: await withToken(toUser(adminRow)), users };
}

export const clientId = (): string => `c_${randomBytes(9).toString('base64url')}`;

type EventName = keyof ServerToClientEvents;
type EventPayload<E extends EventName> = Parameters<ServerToClientEvents[E]>[0];

/** A socket plus everything it received, by event name. */
export interface Recorder {
  socket: ConsoleSocket;
  got<E extends EventName>(event: E): EventPayload<E>[];
  clear(): void;
  close(): void;
}

const EVENTS: EventName[] = [
  'newMessage',
  'messageRead',
  'typing',
  'userOnline',
  'userOffline',
  'notification',
  'conversationUpdate',
];

export function record(socket: ConsoleSocket): Recorder {
  const seen = new Map<string, unknown[]>();
  for (const e of EVENTS) {
    seen.set(e, []);
    (socket.on as (e: string, fn: (p: unknown) => void) => void)(e, (p) => seen.get(e)!.push(p));
  }
  return {
    socket,
    got: <E extends EventName>(event: E) => seen.get(event) as EventPayload<E>[],
    clear: () => {
      for (const list of seen.values()) list.length = 0;
    },
    close: () => void socket.close(),
  };
}

export async function connect(server: TestServer, user: TestUser): Promise<Recorder> {
  return record(await connectSocket(server, user.token));
}

export type AckOf<T> =
  { ok: true; data: T } | { ok: false; error: { code: string; message: string } };

/** Emits with an acknowledgement timeout (a socket that drops mid-flight never answers). */
export function request<T>(
  socket: ConsoleSocket,
  event: string,
  payload: unknown,
  timeoutMs = 3000,
): Promise<AckOf<T>> {
  return new Promise((resolve, reject) => {
    (
      socket.timeout(timeoutMs).emit as (
        e: string,
        p: unknown,
        cb: (err: Error | null, r: AckOf<T>) => void,
      ) => void
    )(event, payload, (err, res) => (err ? reject(err) : resolve(res)));
  });
}

/** Emits and expects `ok: true`; returns the data. */
export async function call<T>(socket: ConsoleSocket, event: string, payload: unknown): Promise<T> {
  const res = await request<T>(socket, event, payload);
  if (!res.ok) throw new Error(`${event} failed: ${res.error.code} ${res.error.message}`);
  return res.data;
}

export async function openConversation(
  world: ChatWorld,
  by: TestUser,
  body: {
    kind: 'direct' | 'group';
    participantIds: string[];
    title?: string;
    screenId?: string;
    about?: { type: 'screen' | 'booking' | 'campaign'; id: string };
  },
): Promise<Conversation> {
  const res = await api<{ conversation: Conversation }>(
    world.server,
    'POST',
    '/api/conversations',
    body,
    by.token,
  );
  if (res.status !== 201 && res.status !== 200)
    throw new Error(`open conversation: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.conversation;
}

export async function history(
  world: ChatWorld,
  by: TestUser,
  conversationId: string,
): Promise<Message[]> {
  const out: Message[] = [];
  let beforeSeq: number | undefined;
  for (;;) {
    const q = beforeSeq ? `?beforeSeq=${beforeSeq}&limit=200` : '?limit=200';
    const res = await api<{ messages: Message[]; hasMore: boolean }>(
      world.server,
      'GET',
      `/api/conversations/${conversationId}/messages${q}`,
      undefined,
      by.token,
    );
    if (res.status !== 200) throw new Error(`history: ${res.status} ${JSON.stringify(res.body)}`);
    out.unshift(...res.body.messages);
    if (!res.body.hasMore) return out;
    beforeSeq = res.body.messages[0]!.seq;
  }
}

/** Lets every test start with a fresh message budget. */
export function resetRateLimits(world: ChatWorld): void {
  for (const u of [world.admin, ...Object.values(world.users)])
    world.server.chat.messages.limiter.reset(u.id);
}
