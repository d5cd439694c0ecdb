/**
 * Desired state end to end through real parts: the server (SQLite and PostgreSQL, embedded
 * Aedes), real agents with the simulated player. Covers: a desired brightness reaching the
 * display; tag-level state with screen-level overrides and the device ACL on the retained
 * topic; bad input and advertisers refused with a sentence; drift judged from what agents
 * report; re-application after a reboot command; storage across a server restart.
 */
import { randomUUID } from 'node:crypto';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DesiredStatePayload,
  topics,
  type AdminCreateUserResponse,
  type CreateScreenResponse,
  type ScreenDesiredResponse,
  type TagDesired,
  type TagDesiredListResponse,
} from '../../protocol';
import { testDatabases } from '../../test/helpers/databases';
import {
  api,
  connectSocket,
  emitAck,
  login,
  startRestartableServer,
  startTestServer,
  waitFor,
  type TestServer,
} from '../../test/helpers/server';
import { startDesiredAgent, type DesiredTestAgent } from './helpers/desired-agents';

describe.each(testDatabases())('desired state (%s)', (dbKind) => {
  let server: TestServer;
  let admin: string;
  let operator: string;
  let advertiser: string;
  const agents: DesiredTestAgent[] = [];

  beforeAll(async () => {
    server = await startTestServer(dbKind, { driftGraceMs: 300, desiredTimeZone: 'UTC' });
    admin = (await login(server)).token;
    const people = [
      ['Olga Ops', 'olga@ops.test', 'operator'],
      ['Ada Ads', 'ada@ads.test', 'advertiser'],
    ] as const;
    const tokens: string[] = [];
    for (const [name, email, role] of people) {
      const password = `${role}-password-123`;
      const res = await api<AdminCreateUserResponse>(
        server,
        'POST',
        '/api/users',
        { name, email, role, password },
        admin,
      );
      expect(res.status).toBe(201);
      tokens.push((await login(server, { email, password })).token);
    }
    [operator, advertiser] = tokens as [string, string];
  });
  afterAll(async () => {
    for (const a of agents) await a.agent.stop();
    await server?.stop();
  });

  const register = async (id: string, tags: string[] = []) => {
    const res = await api<CreateScreenResponse>(
      server,
      'POST',
      '/api/screens',
      { id, name: `Screen ${id}`, tags },
      admin,
    );
    expect(res.status).toBe(201);
    return res.body.credentials.password;
  };
  const agentFor = async (id: string, password: string, extra: { displayFails?: boolean } = {}) => {
    const a = await startDesiredAgent({
      screenId: id,
      password,
      brokerUrl: server.mqttUrl,
      ...extra,
    });
    agents.push(a);
    return a;
  };
  const putScreen = (id: string, body: unknown, token = operator) =>
    api<ScreenDesiredResponse & { error?: { message: string } }>(
      server,
      'PUT',
      `/api/screens/${id}/desired`,
      body,
      token,
    );
  const view = (id: string) => server.fleet.state.get(id)?.desired;

  it('a desired brightness set on the server reaches the agent and its display, without drift', async () => {
    const agent = await agentFor('ds-a', await register('ds-a'));
    const res = await putScreen('ds-a', { brightness: 35 });
    expect(res.status).toBe(200);
    expect(res.body.own).toEqual({ brightness: 35 });
    expect(res.body.effective).toMatchObject({
      brightness: 35,
      power: null,
      timeZone: 'UTC',
      sources: { brightness: 'screen' },
    });
    const version = res.body.effective!.version;
    await waitFor(async () => (await agent.display()).brightness === 35, 5000, 'display at 35');
    // The agent reports the version it applies; the server sees no drift.
    // Both in one report: the agent reports a version once its application has finished
    // (desired-keeper.ts), so the report that names it also reads the panel as set.
    await waitFor(
      () => {
        const t = server.fleet.state.get('ds-a')?.telemetry;
        return t?.desired?.version === version && t.display.brightness === 35;
      },
      5000,
      'reported version and brightness',
    );
    await new Promise((r) => setTimeout(r, 500));
    expect(view('ds-a')?.drift).toEqual([]);

    // Stored: the spec, the screen's view in its row (so `sync` carries it), the audit record.
    await server.fleet.writer.flush();
    const row = await server.ctx.knex('screens').where({ id: 'ds-a' }).first('desired');
    expect(JSON.parse(row.desired)).toMatchObject({ brightness: 35, version });
    const spec = await server.ctx.knex('screen_desired').where({ screen_id: 'ds-a' }).first();
    expect(JSON.parse(spec.spec)).toEqual({ brightness: 35 });
    const audit = await server.ctx
      .knex('audit_log')
      .where({ action: 'desired.screen_set', target_id: 'ds-a' });
    expect(audit).toHaveLength(1);
    expect(audit[0].summary).toBe('Set the desired state of Screen ds-a (ds-a): brightness 35');
    const socket = await connectSocket(server, operator);
    const synced = await emitAck<{
      ok: boolean;
      data: { screens: { id: string; desired?: unknown }[] };
    }>(socket, 'sync', { cursor: 0 });
    expect(synced.data.screens.find((s) => s.id === 'ds-a')?.desired).toMatchObject({
      brightness: 35,
    });
    socket.close();
  });

  it('re-applies after a reboot command: the panel comes back at its defaults and is set again', async () => {
    const agent = agents[0]!;
    const socket = await connectSocket(server, operator);
    const sent = await emitAck<{ ok: boolean }>(socket, 'sendCommand', {
      commandId: randomUUID(),
      target: { screenIds: ['ds-a'] },
      type: 'reboot',
      params: {},
    });
    expect(sent.ok).toBe(true);
    await waitFor(
      () => agent.lines.some((l) => l.includes('desired state applied') && l.includes('"reboot"')),
      5000,
      're-applied after the reboot',
    );
    await agent.agent.desiredSettled();
    expect((await agent.display()).brightness).toBe(35);
    socket.close();
  });

  it('tag-level state applies to tagged screens; the screen’s own fields override; the device reads only its own', async () => {
    const p1 = await register('ds-t1', ['north', 'lobby']);
    const p2 = await register('ds-t2', ['north']);
    const north = await api<TagDesired>(
      server,
      'PUT',
      '/api/tags/north/desired',
      {
        brightness: 70,
        schedule: {
          windows: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], on: '06:00', off: '01:00' }],
        },
        timeZone: 'Europe/Berlin',
      },
      operator,
    );
    expect(north.status).toBe(200);
    await waitFor(() => view('ds-t1') && view('ds-t2'), 3000, 'both tagged screens resolved');
    expect(view('ds-t2')).toMatchObject({
      brightness: 70,
      timeZone: 'Europe/Berlin',
      sources: { brightness: 'tag:north', schedule: 'tag:north', timeZone: 'tag:north' },
    });

    await putScreen('ds-t1', { brightness: 20 });
    await api(server, 'PUT', '/api/tags/lobby/desired', { power: 'off', brightness: 50 }, operator);
    expect(view('ds-t1')).toMatchObject({
      brightness: 20,
      power: 'off',
      sources: { brightness: 'screen', power: 'tag:lobby', schedule: 'tag:north' },
    });
    expect(view('ds-t2')).toMatchObject({ brightness: 70, power: null });

    const listed = await api<TagDesiredListResponse>(
      server,
      'GET',
      '/api/tags/desired',
      undefined,
      operator,
    );
    expect(listed.body.tags.map((t) => t.tag)).toEqual(['lobby', 'north']);
    const detail = await api<ScreenDesiredResponse>(
      server,
      'GET',
      '/api/screens/ds-t1/desired',
      undefined,
      admin,
    );
    expect(detail.body.own).toEqual({ brightness: 20 });
    expect(detail.body.tags.map((t) => t.tag)).toEqual(['north', 'lobby']);

    // The device gets its retained desired state, and only its own.
    const device = await mqtt.connectAsync(server.mqttUrl, {
      clientId: 'ds-t2',
      username: 'ds-t2',
      password: p2,
      protocolVersion: 4,
      reconnectPeriod: 0,
    });
    const got: { topic: string; payload: DesiredStatePayload }[] = [];
    device.on('message', (topic, payload) =>
      got.push({ topic, payload: DesiredStatePayload.parse(JSON.parse(payload.toString())) }),
    );
    const own = await device.subscribeAsync(topics.desired('ds-t2'), { qos: 1 });
    expect(own.map((g) => g.qos)).toEqual([1]);
    await expect(device.subscribeAsync(topics.desired('ds-t1'), { qos: 1 })).rejects.toThrow(
      /Subscribe error/,
    );
    await waitFor(() => got.length > 0, 3000, 'retained desired state');
    expect(got[0]).toMatchObject({
      topic: topics.desired('ds-t2'),
      payload: { brightness: 70, version: view('ds-t2')!.version, timeZone: 'Europe/Berlin' },
    });
    // Removing the tag's state: the screen is no longer managed, told with a newer version.
    const before = view('ds-t2')!.version;
    expect(
      (await api(server, 'DELETE', '/api/tags/north/desired', undefined, operator)).status,
    ).toBe(200);
    expect(view('ds-t2')).toBeNull();
    await waitFor(() => got.length > 1, 3000, 'the cleared desired state');
    expect(got[1]!.payload).toMatchObject({ brightness: null, power: null, schedule: null });
    expect(got[1]!.payload.version).toBeGreaterThan(before);
    expect(got.every((g) => g.topic === topics.desired('ds-t2'))).toBe(true);
    await device.endAsync();

    // A device may not publish desired state, not even its own: the broker refuses it (and
    // drops the connection), and the retained copy stays the server's.
    const forger = await mqtt.connectAsync(server.mqttUrl, {
      clientId: 'ds-t2',
      username: 'ds-t2',
      password: p2,
      protocolVersion: 4,
      reconnectPeriod: 0,
    });
    const closed = new Promise<void>((r) => forger.once('close', () => r()));
    forger.publish(topics.desired('ds-t2'), '{"forged":true}', { qos: 1 }, () => undefined);
    await closed;
    forger.end(true);
    const reader = await mqtt.connectAsync(server.mqttUrl, {
      clientId: 'ds-t2',
      username: 'ds-t2',
      password: p2,
      protocolVersion: 4,
      reconnectPeriod: 0,
    });
    const retained = new Promise<string>((r) => reader.once('message', (_t, p) => r(p.toString())));
    await reader.subscribeAsync(topics.desired('ds-t2'), { qos: 1 });
    expect(DesiredStatePayload.parse(JSON.parse(await retained))).toMatchObject({
      version: got[1]!.payload.version,
    });
    await reader.endAsync();

    // An admin moves ds-t2 into "lobby": it takes the lobby's state at the next sweep.
    const moved = await api(
      server,
      'PATCH',
      '/api/admin/screens/ds-t2',
      { tags: ['lobby'] },
      admin,
    );
    expect(moved.status).toBe(200);
    await waitFor(() => view('ds-t2')?.power === 'off', 5000, 'lobby state after retagging');
    void p1;
  });

  it('refuses bad input with a sentence and changes nothing; refuses advertisers', async () => {
    const cases: [unknown, RegExp][] = [
      [
        { brightness: 140 },
        /^The desired state was not saved: Brightness must be a whole number from 0 to 100\.$/,
      ],
      [{ brightness: 'bright' }, /Brightness must be a whole number from 0 to 100/],
      [{ power: 'dim' }, /Power must be "on" or "off"/],
      [
        { schedule: { windows: [{ days: ['mon'], on: '25:00', off: '01:00' }] } },
        /The schedule windows #1 on time must be a time of day as HH:MM/,
      ],
      [
        { schedule: { windows: [{ days: ['someday'], on: '06:00', off: '01:00' }] } },
        /days #1 must be one of mon/,
      ],
      [{ timeZone: 'Mars/Olympus' }, /The time zone must be an IANA time zone/],
      [{ colour: 'red' }, /unknown field "colour"/],
      ['not json at all', /./],
    ];
    for (const [body, sentence] of cases) {
      const res = await putScreen('ds-a', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error!.message).toMatch(sentence);
    }
    const tagRes = await api<{ error: { message: string } }>(
      server,
      'PUT',
      '/api/tags/x/desired',
      {},
      operator,
    );
    expect(tagRes.status).toBe(400);
    expect(tagRes.body.error.message).toMatch(/Set at least one of brightness/);
    expect((await putScreen('nope', { brightness: 1 })).body.error!.message).toBe(
      'No screen has the id "nope".',
    );
    // Nothing changed.
    const after = await api<ScreenDesiredResponse>(
      server,
      'GET',
      '/api/screens/ds-a/desired',
      undefined,
      operator,
    );
    expect(after.body.own).toEqual({ brightness: 35 });

    for (const [method, path, body] of [
      ['GET', '/api/screens/ds-a/desired', undefined],
      ['PUT', '/api/screens/ds-a/desired', { brightness: 1 }],
      ['GET', '/api/tags/desired', undefined],
      ['PUT', '/api/tags/lobby/desired', { brightness: 1 }],
      ['DELETE', '/api/tags/lobby/desired', undefined],
    ] as const) {
      const res = await api<{ error: { message: string } }>(server, method, path, body, advertiser);
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.body.error.message).toBe(
        "Only operators and admins can see or change a screen's desired state.",
      );
    }
    expect(view('ds-a')?.brightness).toBe(35);
  });

  it('shows drift when an agent cannot apply, and when a one-shot change leaves the display elsewhere', async () => {
    const stuck = await agentFor('ds-stuck', await register('ds-stuck'), { displayFails: true });
    const start = (await stuck.display()).brightness;
    const res = await putScreen('ds-stuck', { brightness: start === 80 ? 75 : 80 });
    const wanted = res.body.effective!.brightness!;
    const drift = await waitFor(() => view('ds-stuck')?.drift[0], 5000, 'drift on ds-stuck');
    expect(drift).toMatchObject({ field: 'brightness', desired: wanted, reported: start });
    expect(drift.since).toBeLessThanOrEqual(Date.now());
    expect(server.fleet.state.get('ds-stuck')?.telemetry?.desired?.error).toMatch(
      /simulated failure/,
    );

    // ds-a applies fine; a person (or a one-shot command) turns it down: drift until the next
    // application, here a new desired state.
    const fine = agents[0]!;
    await waitFor(() => view('ds-a')?.drift.length === 0, 3000, 'ds-a without drift');
    const socket = await connectSocket(server, operator);
    await emitAck(socket, 'sendCommand', {
      commandId: randomUUID(),
      target: { screenIds: ['ds-a'] },
      type: 'setBrightness',
      params: { brightness: 10 },
    });
    await waitFor(
      () => view('ds-a')?.drift[0]?.reported === 10,
      5000,
      'drift after the one-shot command',
    );
    await putScreen('ds-a', { brightness: 36 });
    await waitFor(async () => (await fine.display()).brightness === 36, 5000, 'display at 36');
    await waitFor(() => view('ds-a')?.drift.length === 0, 5000, 'drift cleared');
    socket.close();
  });
});

describe.each(testDatabases())('desired state across a server restart (%s)', (dbKind) => {
  it('keeps specs, views and versions; a restarted server publishes the same version again', async () => {
    const server = await startRestartableServer(dbKind, { desiredTimeZone: 'UTC' });
    try {
      const token = (await login(server)).token;
      const created = await api<CreateScreenResponse>(
        server,
        'POST',
        '/api/screens',
        { id: 'ds-r', name: 'Restart', tags: ['hall'] },
        token,
      );
      await api(server, 'PUT', '/api/tags/hall/desired', { brightness: 44 }, token);
      const set = await api<ScreenDesiredResponse>(
        server,
        'PUT',
        '/api/screens/ds-r/desired',
        { power: 'off' },
        token,
      );
      const version = set.body.effective!.version;
      await server.stopServer();
      await server.startAgain();
      const again = (await login(server)).token;
      const after = await api<ScreenDesiredResponse>(
        server,
        'GET',
        '/api/screens/ds-r/desired',
        undefined,
        again,
      );
      expect(after.body.own).toEqual({ power: 'off' });
      expect(after.body.tags.map((t) => t.tag)).toEqual(['hall']);
      expect(after.body.effective).toMatchObject({ version, brightness: 44, power: 'off' });
      // The embedded broker lost its retained copies with the restart: the new one has them again.
      const device = await mqtt.connectAsync(server.mqttUrl, {
        clientId: 'ds-r',
        username: 'ds-r',
        password: created.body.credentials.password,
        protocolVersion: 4,
        reconnectPeriod: 0,
      });
      const got = new Promise<string>((r) => device.once('message', (_t, p) => r(p.toString())));
      await device.subscribeAsync(topics.desired('ds-r'), { qos: 1 });
      expect(DesiredStatePayload.parse(JSON.parse(await got))).toMatchObject({
        version,
        brightness: 44,
        power: 'off',
      });
      await device.endAsync();
    } finally {
      await server.stop();
    }
  });
});
