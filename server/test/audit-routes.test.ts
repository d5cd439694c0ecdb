/**
 * GET /api/audit: the actions of today's routes are recorded with who, when and what (never a
 * secret), admins search, filter and page them, export CSV; nobody else reads them and no
 * route changes them. SQLite and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alarm, AuditEntry, AuditPage, CreateScreenResponse, User } from '../../protocol';
import { csvCell } from '../src/audit/audit-feature';
import { testDatabases } from '../../test/helpers/databases';
import { connectDevice } from '../../test/helpers/device';
import {
  api,
  connectSocket,
  emitAck,
  login,
  startTestServer,
  waitFor,
  type ConsoleSocket,
  type TestServer,
} from '../../test/helpers/server';

const OPERATOR = { email: 'op@test.local', password: 'operator-password-1', name: 'Olga Operator' };
const ADVERTISER = {
  email: 'ad@test.local',
  password: 'advertiser-pass-1',
  name: 'Ari Advertiser',
};

describe.each(testDatabases())('audit log routes (%s)', (dbKind) => {
  let server: TestServer;
  let admin: { token: string; user: User };
  let operator: { token: string; user: User };
  let advertiserToken: string;
  let socket: ConsoleSocket;
  const secrets: string[] = [];
  const alarms = new Map<string, Alarm>();

  const audit = (query: string, token = admin.token) =>
    api<AuditPage & { error?: { message: string } }>(
      server,
      'GET',
      `/api/audit${query}`,
      undefined,
      token,
    );

  beforeAll(async () => {
    server = await startTestServer(dbKind, { alarmGraceMs: 200, sweepMs: 100 });
    admin = await login(server);
    socket = await connectSocket(server, admin.token);
    socket.on('alarm', (a) => alarms.set(a.id, a));

    // Users: created, disabled, re-enabled, password reset; a user changes their own password.
    const op = await api<{ user: User }>(
      server,
      'POST',
      '/api/users',
      { ...OPERATOR, role: 'operator' },
      admin.token,
    );
    expect(op.status).toBe(201);
    await api(server, 'POST', '/api/users', { ...ADVERTISER, role: 'advertiser' }, admin.token);
    await api(server, 'PATCH', `/api/users/${op.body.user.id}`, { disabled: true }, admin.token);
    await api(server, 'PATCH', `/api/users/${op.body.user.id}`, { disabled: false }, admin.token);
    const reset = 'reset-password-secret-42';
    secrets.push(OPERATOR.password, ADVERTISER.password, reset, 'changed-password-secret-43');
    await api(server, 'PATCH', `/api/users/${op.body.user.id}`, { password: reset }, admin.token);
    const opLogin = await login(server, { email: OPERATOR.email, password: reset });
    const changed = await api(
      server,
      'POST',
      '/api/me/password',
      { currentPassword: reset, newPassword: 'changed-password-secret-43' },
      opLogin.token,
    );
    expect(changed.status).toBe(204);
    operator = await login(server, {
      email: OPERATOR.email,
      password: 'changed-password-secret-43',
    });
    advertiserToken = (await login(server, ADVERTISER)).token;

    // Screens: registered, edited, credentials rotated, a command, an alarm acknowledged, retired.
    const created = await api<CreateScreenResponse>(
      server,
      'POST',
      '/api/screens',
      { id: 'au-lobby', name: 'Lobby 100%_wall' },
      admin.token,
    );
    expect(created.status).toBe(201);
    secrets.push(created.body.credentials.password);
    await api(server, 'PATCH', '/api/screens/au-lobby', { name: '=Lobby, "east"' }, admin.token);
    const rotated = await api<{ credentials: { password: string } }>(
      server,
      'POST',
      '/api/screens/au-lobby/credentials',
      {},
      admin.token,
    );
    secrets.push(rotated.body.credentials.password);
    const device = await connectDevice(
      server.mqttUrl,
      'au-lobby',
      rotated.body.credentials.password,
    );
    await device.publishState('online');
    await waitFor(() => server.fleet.state.get('au-lobby')?.state === 'online', 5000, 'online');
    const sent = await emitAck<{ ok: boolean }>(socket, 'sendCommand', {
      commandId: 'audit-cmd-0001',
      target: { screenIds: ['au-lobby'] },
      type: 'reboot',
      params: {},
    });
    expect(sent.ok).toBe(true);
    // The same request again (a retry) is stored once and recorded once.
    await emitAck(socket, 'sendCommand', {
      commandId: 'audit-cmd-0001',
      target: { screenIds: ['au-lobby'] },
      type: 'reboot',
      params: {},
    });
    device.client.stream.destroy(); // Last Will: lost → an alarm
    const alarm = await waitFor(
      () => [...alarms.values()].find((a) => a.screenId === 'au-lobby' && a.kind === 'lost'),
      5000,
      'lost alarm',
    );
    const ack = await api(server, 'POST', `/api/alarms/${alarm.id}/ack`, {}, operator.token);
    expect(ack.status).toBe(200);
    await api(server, 'DELETE', '/api/screens/au-lobby', undefined, admin.token);

    // Chat: a conversation and an announcement.
    await api(
      server,
      'POST',
      '/api/conversations',
      { kind: 'direct', participantIds: [op.body.user.id] },
      admin.token,
    );
    await api(
      server,
      'POST',
      '/api/announcements',
      { title: 'Maintenance', body: 'Tonight at 2' },
      admin.token,
    );
  });
  afterAll(async () => {
    socket?.close();
    await server?.stop();
  });

  it('records every action with who and what, newest first, and never a secret', async () => {
    const page = await audit('?limit=200');
    expect(page.status).toBe(200);
    const actions = page.body.entries.map((e) => e.action).reverse();
    expect(actions).toEqual([
      'user.created',
      'user.created',
      'user.disabled',
      'user.enabled',
      'user.password_reset',
      'user.password_changed',
      'screen.registered',
      'screen.updated',
      'screen.credentials_rotated',
      'command.sent',
      'alarm.acknowledged',
      'screen.retired',
      'conversation.created',
      'announcement.sent',
    ]);
    const seqs = page.body.entries.map((e) => e.seq);
    expect([...seqs].sort((a, b) => b - a)).toEqual(seqs);
    const ack = page.body.entries.find((e) => e.action === 'alarm.acknowledged')!;
    expect(ack.actor).toEqual({ id: operator.user.id, name: OPERATOR.name, role: 'operator' });
    expect(ack.summary).toContain('au-lobby');
    const registered = page.body.entries.find((e) => e.action === 'screen.registered')!;
    expect(registered).toMatchObject({
      actor: { id: admin.user.id, role: 'admin' },
      targetType: 'screen',
      targetId: 'au-lobby',
      summary: 'Registered screen Lobby 100%_wall (au-lobby)',
    });
    const everything = JSON.stringify(await server.ctx.knex('audit_log').select());
    for (const secret of secrets) expect(everything).not.toContain(secret);
  });

  it('searches summary, actor and target, case-insensitively, with % and _ taken literally', async () => {
    const byScreen = (await audit('?q=AU-LOBBY')).body.entries;
    expect(byScreen.map((e) => e.action)).toEqual([
      'screen.retired',
      'alarm.acknowledged',
      'command.sent',
      'screen.credentials_rotated',
      'screen.updated',
      'screen.registered',
    ]);
    expect((await audit(`?q=${encodeURIComponent('100%_w')}`)).body.entries).toHaveLength(1);
    expect((await audit(`?q=${encodeURIComponent('0%')}`)).body.entries).toHaveLength(1);
    expect((await audit('?q=Lobby_1')).body.entries).toHaveLength(0); // _ is not "any character"
    // Olga acted twice, and is named in what was done to her account and in a conversation.
    expect((await audit('?q=olga')).body.entries.map((e) => e.action)).toEqual([
      'conversation.created',
      'alarm.acknowledged',
      'user.password_changed',
      'user.password_reset',
      'user.enabled',
      'user.disabled',
      'user.created',
    ]);
  });

  it('filters by action (exact or area), actor, target and time, and pages by seq', async () => {
    expect((await audit('?action=screen.retired')).body.entries).toHaveLength(1);
    const users = (await audit('?action=user.')).body.entries;
    expect(users.every((e) => e.action.startsWith('user.'))).toBe(true);
    expect(users).toHaveLength(6);
    expect((await audit(`?actor=${operator.user.id}`)).body.entries).toHaveLength(2);
    expect(
      (await audit('?targetType=screen&targetId=au-lobby')).body.entries.map((e) => e.action),
    ).toEqual([
      'screen.retired',
      'command.sent',
      'screen.credentials_rotated',
      'screen.updated',
      'screen.registered',
    ]);
    const all = (await audit('?limit=200')).body.entries;
    const middle = all[5]!.ts;
    const newer = (await audit(`?from=${middle}`)).body.entries;
    expect(newer.every((e) => e.ts >= middle)).toBe(true);
    expect((await audit(`?to=${middle}`)).body.entries.every((e) => e.ts < middle)).toBe(true);
    expect((await audit('?from=0&to=1')).body.entries).toHaveLength(0);

    const seen: AuditEntry[] = [];
    let before: number | null = null;
    for (let i = 0; i < 20; i++) {
      const page: { body: AuditPage } = await audit(`?limit=4${before ? `&before=${before}` : ''}`);
      seen.push(...page.body.entries);
      before = page.body.nextBefore;
      if (before === null) break;
    }
    expect(seen.map((e) => e.seq)).toEqual(all.map((e) => e.seq));
  });

  it('exports CSV for the record, quoted, with formula-like cells defused', async () => {
    const res = await fetch(`${server.url}/api/audit?format=csv&q=au-lobby`, {
      headers: { authorization: `Bearer ${admin.token}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="marquee-audit-/);
    const lines = (await res.text()).trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'seq,time_utc,actor_name,actor_role,actor_id,action,target_type,target_id,summary,details',
    );
    expect(lines).toHaveLength(7);
    // Newest first: the retirement, by the admin, in UTC (an actor id that happens to start
    // with '-' is written as text too, with an apostrophe).
    expect(lines[1]).toMatch(
      /^\d+,\d{4}-\d\d-\d\dT[\d:.]+Z,Administrator,admin,'?[\w-]+,screen\.retired,screen,au-lobby,/,
    );
    const updated = lines.find((l) => l.includes('screen.updated'))!;
    expect(updated).toContain(',"Edited screen =Lobby, ""east"" (au-lobby): name",');
    expect(updated).toContain(
      '"{""changes"":{""name"":{""from"":""Lobby 100%_wall"",""to"":""=Lobby, \\""east\\""""}}}"',
    );
    // A cell a spreadsheet would run as a formula is written as text.
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('-1+2')).toBe("'-1+2");
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell(null)).toBe('');
  });

  it('is for admins only, with a sentence; bad queries get a sentence too', async () => {
    const asOperator = await audit('', operator.token);
    expect(asOperator.status).toBe(403);
    expect(asOperator.body.error?.message).toBe(
      "The audit log is for admins; your account is an operator's.",
    );
    const asAdvertiser = await audit('?format=csv', advertiserToken);
    expect(asAdvertiser.status).toBe(403);
    expect(asAdvertiser.body.error?.message).toMatch(/for admins; your account is an advertiser's/);
    expect((await api(server, 'GET', '/api/audit')).status).toBe(401);

    const bad = await audit('?limit=abc');
    expect(bad.status).toBe(400);
    expect(bad.body.error?.message).toBe('limit: limit must be a number');
    expect((await audit('?limit=1000')).body.error?.message).toMatch(/at most 200/);
    expect((await audit('?from=10&to=5')).body.error?.message).toMatch(/from must be before to/);
    expect((await audit('?sort=asc')).status).toBe(400);
    expect((await audit('?q=a&q=b')).body.error?.message).toMatch(/q must be given once/);
  });

  it('offers no way to change or delete an entry', async () => {
    const before = await server.ctx.knex('audit_log').orderBy('seq').select();
    const first = before[0] as { seq: number | string };
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      for (const path of ['/api/audit', `/api/audit/${first.seq}`]) {
        const res = await api<{ error: { message: string } }>(
          server,
          method,
          path,
          method === 'DELETE' ? undefined : { summary: 'nothing happened' },
          admin.token,
        );
        expect(res.status, `${method} ${path}`).toBe(405);
        expect(res.body.error.message).toBe('The audit log cannot be changed: it is read-only.');
      }
    }
    expect(await server.ctx.knex('audit_log').orderBy('seq').select()).toEqual(before);
  });
});
