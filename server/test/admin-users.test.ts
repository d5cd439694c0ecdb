/**
 * Issue 11: admins run accounts and who sees what. Real server, real socket.io-client,
 * SQLite and PostgreSQL:
 * - creating an account (generated password shown once), bad input changes nothing;
 * - the last active admin cannot be disabled or demoted; a role change ends the user's sockets;
 * - a grant shows the screen live to the advertiser (and in `sync`), a revoke makes their
 *   console forget it; grants survive a restart of the live index (load);
 * - every change is in the audit log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  AdminCreateUserResponse,
  AdminUpdateUserResponse,
  BillboardStatusUpdate,
  GrantsResponse,
  PeopleResponse,
  SessionEnded,
  SyncResult,
} from '../../protocol';
import { AdvertiserLive } from '../src/fleet/advertiser-live';
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
import { call } from './chat-fixtures';

describe.each(testDatabases())('people and screen grants (%s)', (dbKind) => {
  let server: TestServer;
  let adminToken: string;
  let adminId: string;
  const sockets: ConsoleSocket[] = [];
  const count = async (table: string) =>
    Number((await server.ctx.knex(table).count<{ n: number }[]>({ n: '*' }))[0]!.n);
  const audit = async (action: string) =>
    server.ctx.knex('audit_log').where({ action }).orderBy('seq');

  beforeAll(async () => {
    server = await startTestServer(dbKind);
    const session = await login(server);
    adminToken = session.token;
    adminId = session.user.id;
    for (const id of ['grant-a', 'grant-b'])
      await api(server, 'POST', '/api/screens', { id, name: `Screen ${id}` }, adminToken);
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await server?.stop();
  });

  it('creates an account with a generated password shown once, and refuses bad input', async () => {
    const created = await api<AdminCreateUserResponse>(
      server,
      'POST',
      '/api/users',
      { name: 'Ada Ads', email: 'Ada@Adverts.test', role: 'advertiser' },
      adminToken,
    );
    expect(created.status).toBe(201);
    expect(created.body.user).toMatchObject({ email: 'ada@adverts.test', role: 'advertiser' });
    const pw = created.body.generatedPassword!;
    expect(pw.length).toBeGreaterThanOrEqual(12);
    await login(server, { email: 'ada@adverts.test', password: pw });
    // The secret is nowhere in the audit record.
    const [rec] = await audit('user.created');
    expect(rec.summary).toBe('Created advertiser Ada Ads (ada@adverts.test)');
    expect(JSON.stringify(rec)).not.toContain(pw);

    const users = await count('users');
    const bad = [
      [{ name: '  ', email: 'x@y.test', role: 'operator' }, 400, /name/],
      [{ name: 'X', email: 'not-an-email', role: 'operator' }, 400, /email/i],
      [{ name: 'X', email: 'x@y.test', role: 'operator', password: 'short' }, 400, /12 characters/],
      [
        { name: 'Dup', email: 'ADA@adverts.test', role: 'operator' },
        409,
        /already an account for ada@adverts.test/,
      ],
    ] as const;
    for (const [body, status, message] of bad) {
      const res = await api<{ error: { message: string } }>(
        server,
        'POST',
        '/api/users',
        body,
        adminToken,
      );
      expect(res.status).toBe(status);
      expect(res.body.error.message).toMatch(message);
    }
    expect(await count('users')).toBe(users);
    const people = await api<PeopleResponse>(
      server,
      'GET',
      '/api/admin/people',
      undefined,
      adminToken,
    );
    expect(people.body.people.map((p) => p.email).sort()).toEqual([
      'ada@adverts.test',
      ADMIN.email,
    ]);
    const me = people.body.people.find((p) => p.id === adminId)!;
    expect(me.openSessions).toBeGreaterThanOrEqual(1);
  });

  it('keeps one active admin, and a role change signs the user out with a sentence', async () => {
    const demote = await api<{ error: { message: string } }>(
      server,
      'PATCH',
      `/api/users/${adminId}`,
      { role: 'operator' },
      adminToken,
    );
    expect(demote.status).toBe(409);
    expect(demote.body.error.message).toMatch(
      /last active admin: make someone else an admin first/,
    );
    expect((await server.ctx.knex('users').where({ id: adminId }).first()).role).toBe('admin');

    const op = await api<AdminCreateUserResponse>(
      server,
      'POST',
      '/api/users',
      { name: 'Olga Ops', email: 'olga@ops.test', role: 'operator', password: 'olga-operator-1' },
      adminToken,
    );
    const olga = await login(server, { email: 'olga@ops.test', password: 'olga-operator-1' });
    const socket = await connectSocket(server, olga.token);
    sockets.push(socket);
    let ended: SessionEnded | null = null;
    socket.on('session_ended', (e) => (ended = e));
    const promoted = await api<AdminUpdateUserResponse>(
      server,
      'PATCH',
      `/api/users/${op.body.user.id}`,
      { role: 'admin' },
      adminToken,
    );
    expect(promoted.body.user.role).toBe('admin');
    await waitFor(() => ended, 3000, 'session_ended');
    expect(ended!.reason).toBe('role_changed');
    expect((await audit('user.role_changed')).at(-1).summary).toBe(
      'Changed the role of Olga Ops (olga@ops.test) from operator to admin',
    );
    // Now there are two: the first admin may step down (and is signed out for it).
    const stepDown = await api(
      server,
      'PATCH',
      `/api/users/${adminId}`,
      { role: 'operator' },
      adminToken,
    );
    expect(stepDown.status).toBe(200);
    const olgaAdmin = await login(server, { email: 'olga@ops.test', password: 'olga-operator-1' });
    await api(server, 'PATCH', `/api/users/${adminId}`, { role: 'admin' }, olgaAdmin.token);
    adminToken = (await login(server)).token;
  });

  it('shows a granted screen live to the advertiser and makes a revoked one forgotten', async () => {
    const ada = (
      await api<PeopleResponse>(server, 'GET', '/api/admin/people', undefined, adminToken)
    ).body.people.find((p) => p.email === 'ada@adverts.test')!;
    await api(
      server,
      'PATCH',
      `/api/users/${ada.id}`,
      { password: 'ada-advertiser-1' },
      adminToken,
    );
    const adaSession = await login(server, {
      email: 'ada@adverts.test',
      password: 'ada-advertiser-1',
    });
    const socket = await connectSocket(server, adaSession.token);
    sockets.push(socket);
    const batches: BillboardStatusUpdate[] = [];
    socket.on('billboardStatusUpdate', (b) => batches.push(b));
    const first = await call<SyncResult>(socket, 'sync', { cursor: 0 });
    expect(first.screens).toEqual([]);

    const unknown = await api<{ error: { message: string } }>(
      server,
      'POST',
      '/api/admin/grants',
      { userId: ada.id, screenIds: ['nope'] },
      adminToken,
    );
    expect(unknown.status).toBe(404);
    expect(await count('screen_grants')).toBe(0);

    const granted = await api<GrantsResponse>(
      server,
      'POST',
      '/api/admin/grants',
      { userId: ada.id, screenIds: ['grant-a'] },
      adminToken,
    );
    expect(granted.body.grants.map((g) => g.screenId)).toEqual(['grant-a']);
    await waitFor(
      () => batches.some((b) => b.screens.some((s) => s.id === 'grant-a')),
      3000,
      'the granted screen, live',
    );
    expect(batches.flatMap((b) => b.screens.map((s) => s.id))).not.toContain('grant-b');
    const later = await call<SyncResult>(socket, 'sync', { cursor: 0 });
    expect(later.screens.map((s) => s.id)).toEqual(['grant-a']);
    // A retry grants nothing new and records nothing new.
    await api(
      server,
      'POST',
      '/api/admin/grants',
      { userId: ada.id, screenIds: ['grant-a'] },
      adminToken,
    );
    expect(await audit('access.granted')).toHaveLength(1);

    // A live index loaded from the database at start (a restarted node) knows the grant.
    const fresh = new AdvertiserLive({
      knex: server.ctx.knex,
      io: server.ctx.io,
      log: server.log,
      screensOf: () => Promise.resolve(new Set()),
      acrossNodes: false,
    });
    await fresh.load();
    expect(fresh.audienceOf('grant-a')?.has(ada.id)).toBe(true);
    expect(fresh.audienceOf('grant-b')).toBeUndefined();

    await api(
      server,
      'POST',
      '/api/admin/grants/revoke',
      { userId: ada.id, screenIds: ['grant-a'] },
      adminToken,
    );
    await waitFor(() => batches.some((b) => b.forget?.includes('grant-a')), 3000, 'forget');
    expect((await call<SyncResult>(socket, 'sync', { cursor: 0 })).screens).toEqual([]);
    expect((await audit('access.revoked')).at(-1).summary).toBe(
      'No longer lets Ada Ads see screen grant-a',
    );
  });

  it('an advertiser made operator leaves the live index', async () => {
    const res = await api<AdminCreateUserResponse>(
      server,
      'POST',
      '/api/users',
      { name: 'Ben Brand', email: 'ben@brand.test', role: 'advertiser' },
      adminToken,
    );
    const ben = res.body.user.id;
    await api(
      server,
      'POST',
      '/api/admin/grants',
      { userId: ben, screenIds: ['grant-b'] },
      adminToken,
    );
    expect(server.fleet.advertisers.audienceOf('grant-b')?.has(ben)).toBe(true);
    await api(server, 'PATCH', `/api/users/${ben}`, { role: 'operator' }, adminToken);
    expect(server.fleet.advertisers.audienceOf('grant-b')?.has(ben) ?? false).toBe(false);
  });

  it('refuses grants for staff with a sentence', async () => {
    const res = await api<{ error: { message: string } }>(
      server,
      'POST',
      '/api/admin/grants',
      { userId: adminId, screenIds: ['grant-a'] },
      adminToken,
    );
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/sees every screen already/);
  });
});
