/**
 * Hardening (issue 10): a session that ends — logout, expiry, a disabled account, a changed
 * password — ends its open sockets at once, with `session_ended {reason}` before the
 * disconnect; dead sessions are pruned from the table. Real server, real socket.io-client,
 * SQLite and PostgreSQL.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionEnded, User } from '../../protocol';
import { createSession } from '../src/auth/sessions';
import { testDatabases } from '../../test/helpers/databases';
import {
  ADMIN,
  api,
  connectSocket,
  login,
  startTestServer,
  waitFor,
  type ConsoleSocket,
  type TestServer,
} from '../../test/helpers/server';

/** A socket that records how it ended. */
async function watched(server: TestServer, token: string) {
  const socket = await connectSocket(server, token);
  const seen: { ended: SessionEnded | null; disconnect: string | null } = {
    ended: null,
    disconnect: null,
  };
  socket.on('session_ended', (e) => (seen.ended = e));
  socket.on('disconnect', (reason) => (seen.disconnect = reason));
  return { socket, seen };
}

describe.each(testDatabases())('sessions end their sockets (%s)', (dbKind) => {
  let server: TestServer;
  let adminToken: string;
  const sockets: ConsoleSocket[] = [];

  /** A user with the admin's password hash (no scrypt per user) and a session of its own. */
  async function makeUser(): Promise<User & { token: string }> {
    const { knex } = server.ctx;
    const hash = (await knex('users').where({ email: ADMIN.email }).first()).password_hash;
    const user: User = {
      id: `u_${randomBytes(4).toString('hex')}`,
      email: `${randomBytes(4).toString('hex')}@test.local`,
      name: 'Somebody',
      role: 'operator',
    };
    await knex('users').insert({ ...user, password_hash: hash, created_at: Date.now() });
    return { ...user, token: (await createSession(knex, user.id, 3600_000)).token };
  }

  beforeAll(async () => {
    server = await startTestServer(dbKind, { sessionPruneMs: 300 });
    adminToken = (await login(server)).token;
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await server?.stop();
  });

  it('logout ends that session’s open sockets at once, not the user’s other sessions', async () => {
    const user = await makeUser();
    const other = (await createSession(server.ctx.knex, user.id, 3600_000)).token;
    const a = await watched(server, user.token);
    const b = await watched(server, other);
    sockets.push(a.socket, b.socket);
    const t0 = Date.now();
    expect((await api(server, 'POST', '/api/auth/logout', {}, user.token)).status).toBe(204);
    await waitFor(() => a.seen.disconnect, 2000, 'the logged-out socket to be disconnected');
    const ms = Date.now() - t0;
    expect(a.seen.ended?.reason).toBe('logout');
    expect(a.seen.ended?.message).toMatch(/signed out/);
    expect(a.seen.disconnect).toBe('io server disconnect');
    expect(ms).toBeLessThan(1000);
    // The other session is untouched.
    await new Promise((r) => setTimeout(r, 100));
    expect(b.socket.connected).toBe(true);
    expect(b.seen.ended).toBeNull();
  });

  it('expiry is enforced on an open socket', async () => {
    const user = await makeUser();
    const { token, expiresAt } = await createSession(server.ctx.knex, user.id, 1200);
    const a = await watched(server, token);
    sockets.push(a.socket);
    await waitFor(() => a.seen.disconnect, 4000, 'the expired socket to be disconnected');
    expect(a.seen.ended?.reason).toBe('expired');
    expect(Date.now()).toBeGreaterThanOrEqual(expiresAt);
    expect(Date.now() - expiresAt).toBeLessThan(1000);
  });

  it('disabling a user ends all their sockets, refuses their token and their sign-in', async () => {
    const user = await makeUser();
    const second = (await createSession(server.ctx.knex, user.id, 3600_000)).token;
    const a = await watched(server, user.token);
    const b = await watched(server, second);
    sockets.push(a.socket, b.socket);
    const res = await api(server, 'PATCH', `/api/users/${user.id}`, { disabled: true }, adminToken);
    expect(res.status).toBe(200);
    await waitFor(() => a.seen.disconnect && b.seen.disconnect, 2000, 'both sockets to end');
    expect(a.seen.ended?.reason).toBe('disabled');
    expect(b.seen.ended?.reason).toBe('disabled');
    expect((await api(server, 'GET', '/api/me', undefined, second)).status).toBe(401);
    await expect(connectSocket(server, second)).rejects.toThrow(/unauthorized/);
    const signIn = await api<{ error: { message: string } }>(server, 'POST', '/api/auth/login', {
      email: user.email,
      password: ADMIN.password,
    });
    expect(signIn.status).toBe(403);
    expect(signIn.body.error.message).toMatch(/disabled/);
    // Enabled again: may sign in (the old sessions stay revoked).
    await api(server, 'PATCH', `/api/users/${user.id}`, { disabled: false }, adminToken);
    expect((await api(server, 'GET', '/api/me', undefined, second)).status).toBe(401);
  });

  it('a changed password ends the user’s other sessions; the one that changed it stays', async () => {
    const user = await makeUser();
    const other = (await createSession(server.ctx.knex, user.id, 3600_000)).token;
    const mine = await watched(server, user.token);
    const theirs = await watched(server, other);
    sockets.push(mine.socket, theirs.socket);
    const wrong = await api<{ error: { message: string } }>(
      server,
      'POST',
      '/api/me/password',
      { currentPassword: 'not-the-password', newPassword: 'a-brand-new-password' },
      user.token,
    );
    expect(wrong.status).toBe(403);
    expect(theirs.socket.connected).toBe(true);
    const res = await api(
      server,
      'POST',
      '/api/me/password',
      { currentPassword: ADMIN.password, newPassword: 'a-brand-new-password' },
      user.token,
    );
    expect(res.status).toBe(204);
    await waitFor(() => theirs.seen.disconnect, 2000, 'the other session’s socket to end');
    expect(theirs.seen.ended?.reason).toBe('password_changed');
    expect((await api(server, 'GET', '/api/me', undefined, other)).status).toBe(401);
    expect((await api(server, 'GET', '/api/me', undefined, user.token)).status).toBe(200);
    expect(mine.socket.connected).toBe(true);
    // An admin setting the password also ends the sessions.
    const res2 = await api(
      server,
      'PATCH',
      `/api/users/${user.id}`,
      { password: 'set-by-the-admin-123' },
      adminToken,
    );
    expect(res2.status).toBe(200);
    await waitFor(() => mine.seen.disconnect, 2000, 'the remaining socket to end');
    expect(mine.seen.ended?.reason).toBe('password_changed');
  });

  it('prunes expired and revoked sessions from the table', async () => {
    const user = await makeUser();
    const { knex } = server.ctx;
    const now = Date.now();
    const row = (id: string, over: object) => ({
      id,
      user_id: user.id,
      token_hash: randomBytes(32).toString('hex'),
      created_at: now - 10_000,
      expires_at: now + 3600_000,
      ...over,
    });
    await knex('sessions').insert([
      row(`exp_${user.id}`, { expires_at: now - 1000 }),
      row(`rev_${user.id}`, { revoked_at: now - 1000 }),
      row(`live_${user.id}`, {}),
    ]);
    await waitFor(
      async () => (await knex('sessions').where({ user_id: user.id }).count({ n: '*' }))[0]!.n == 2,
      3000,
      'the dead sessions to be pruned',
    );
    const ids = (await knex('sessions').where({ user_id: user.id }).pluck('id')).sort();
    expect(ids).toContain(`live_${user.id}`);
    expect(ids).not.toContain(`exp_${user.id}`);
    expect(ids).not.toContain(`rev_${user.id}`);
  });
});
