/**
 * Alarm rules, storms, flapping and maintenance (issue 14) against a real server on SQLite and
 * PostgreSQL. Screens report through the server's real MQTT ingest path (the same parser, fleet
 * state and status writer a broker message goes through); the sweep is run by the test with a
 * clock ahead of time (`sweep(now)`), so a 60 s grace needs no 60 s wait.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  Alarm,
  AlarmRule,
  AlarmRulesResponse,
  CreateScreenResponse,
  EffectiveRuleResponse,
  MaintenanceResponse,
} from '../../protocol';
import { Alarm as AlarmSchema } from '../../protocol';
import { testDatabases } from '../../test/helpers/databases';
import { telemetry } from '../../test/helpers/device';
import {
  api,
  connectSocket,
  login,
  startTestServer,
  waitFor,
  type ConsoleSocket,
  type TestServer,
} from '../../test/helpers/server';

const OPERATOR = { email: 'olga@ops.test', password: 'olga-operator-1', name: 'Olga Ops' };

describe.each(testDatabases())('alarm rules (%s)', (dbKind) => {
  let server: TestServer;
  let token: string;
  let opToken: string;
  let socket: ConsoleSocket;
  const seen = new Map<string, Alarm>();
  const boots = new Map<string, { bootId: string; seq: number; n: number }>();

  beforeAll(async () => {
    server = await startTestServer(dbKind, {
      alarmGraceMs: 300,
      heartbeatTimeoutMs: 600_000,
      // The test runs every sweep itself, with its own clock.
      sweepMs: 3_600_000,
      flapTransitions: 4,
      flapWindowMs: 60_000,
      stormMinScreens: 5,
    });
    token = (await login(server)).token;
    await api(server, 'POST', '/api/users', { ...OPERATOR, role: 'operator' }, token);
    opToken = (await login(server, OPERATOR)).token;
    socket = await connectSocket(server, token);
    socket.on('alarm', (a) => seen.set(a.id, a));
  }, 60_000);
  afterAll(async () => {
    socket?.close();
    await server?.stop();
  });

  const knex = () => server.ctx.knex;
  const create = async (id: string, tags: string[] = [], address?: string) => {
    const res = await api<CreateScreenResponse>(
      server,
      'POST',
      '/api/screens',
      { id, name: `Screen ${id}`, tags, ...(address ? { address } : {}) },
      token,
    );
    expect(res.status).toBe(201);
  };
  const publish = (id: string, suffix: string, payload: object) =>
    server.fleet.ingest.handle(
      `marquee/v1/screens/${id}/${suffix}`,
      Buffer.from(JSON.stringify(payload)),
    );
  /** A state as the screen's agent publishes it; `online` is a new boot (an agent start). */
  const state = (id: string, s: 'online' | 'offline' | 'lost') => {
    const prev = boots.get(id);
    const boot =
      s === 'online' || !prev
        ? { bootId: `${id}-b${(prev?.n ?? 0) + 1}`, seq: 0, n: (prev?.n ?? 0) + 1 }
        : prev;
    boot.seq += 1;
    boots.set(id, boot);
    const result = publish(id, 'state', {
      ts: Date.now(),
      bootId: boot.bootId,
      seq: boot.seq,
      state: s,
      agentVersion: '1.0.0',
      capabilities: [],
    });
    expect(result).toBe('applied');
  };
  const stored = async (ids: string[], s: string) =>
    waitFor(
      async () =>
        (await knex()('screens').whereIn('id', ids).andWhere({ state: s })).length === ids.length,
      10_000,
      `${ids.length} screen(s) ${s} in the database`,
    );
  const goDown = async (ids: string[], s: 'lost' | 'offline' = 'lost') => {
    for (const id of ids) state(id, s);
    await stored(ids, s);
  };
  const goOnline = async (ids: string[]) => {
    for (const id of ids) state(id, 'online');
    await stored(ids, 'online');
  };
  const sweep = (aheadMs = 1000) => server.alarms.evaluator.sweep(Date.now() + aheadMs);
  const alarmsOf = async (screenId: string, kind?: string): Promise<Alarm[]> => {
    const res = await api<{ alarms: Alarm[] }>(
      server,
      'GET',
      `/api/alarms?screenId=${encodeURIComponent(screenId)}`,
      undefined,
      token,
    );
    return res.body.alarms.filter((a) => !kind || a.kind === kind);
  };
  const openOf = async (screenId: string, kind: string) =>
    (await alarmsOf(screenId, kind)).filter((a) => a.status !== 'cleared');
  const putRule = (scope: string, target: string, settings: unknown, as = token) =>
    api<{ rule: AlarmRule; error?: { message: string } }>(
      server,
      'PUT',
      `/api/alarm-rules/${scope}/${encodeURIComponent(target)}`,
      settings,
      as,
    );
  /**
   * Notifications of a new alarm (one per admin/operator, no route being set: alerting's
   * fallback), not counting its "back online" ones.
   */
  const notified = async (alarmId: string) =>
    Number(
      (
        await knex()('notifications')
          .where({ ref_type: 'alarm', ref_id: alarmId })
          .whereNot('title', 'like', 'Back online%')
          .count<{ n: number }[]>({ n: '*' })
      )[0]!.n,
    );
  /** Every console notification title of an alarm, for the admin, in order. */
  const titles = async (alarmId: string) =>
    (
      await knex()('notifications')
        .join('users', 'users.id', 'notifications.user_id')
        .where({ ref_type: 'alarm', ref_id: alarmId, 'users.role': 'admin' })
        .orderBy('notifications.rev')
        .select('notifications.title')
    ).map((r: { title: string }) => r.title);

  it('a tag rule with a longer grace delays the lost alarm, a screen rule overrides it, severity per rule', async () => {
    await create('gr-tagged', ['patient']);
    await create('gr-own', ['patient']);
    await create('gr-plain');
    expect((await putRule('tag', 'patient', { graceMs: 60_000 })).status).toBe(200);
    const own = await putRule('screen', 'gr-own', { graceMs: 2000, severity: { lost: 'info' } });
    expect(own.status).toBe(200);
    expect(own.body.rule).toMatchObject({ scope: 'screen', target: 'gr-own' });

    const ids = ['gr-tagged', 'gr-own', 'gr-plain'];
    await goOnline(ids);
    await goDown(ids);
    await sweep(5000);
    expect(await openOf('gr-plain', 'lost')).toHaveLength(1); // the default 300 ms
    expect(await openOf('gr-tagged', 'lost')).toHaveLength(0); // the tag's 60 s
    const [mine] = await openOf('gr-own', 'lost'); // the screen's own 2 s beats the tag
    expect(mine).toMatchObject({ severity: 'info' });
    expect((await openOf('gr-plain', 'lost'))[0]!.severity).toBe('critical');

    await sweep(61_000);
    expect(await openOf('gr-tagged', 'lost')).toHaveLength(1);

    const effective = await api<EffectiveRuleResponse>(
      server,
      'GET',
      '/api/alarm-rules/effective/gr-own',
      undefined,
      opToken,
    );
    expect(effective.body).toMatchObject({
      rule: { graceMs: 2000, severity: { lost: 'info' } },
      from: ['screen:gr-own', 'tag:patient'],
    });
  });

  it('between tags the strictest value applies, per field', async () => {
    await create('st-both', ['st-a', 'st-b']);
    await putRule('tag', 'st-a', {
      graceMs: 10_000,
      temperatureMaxC: 60,
      ignoreFaultCodes: ['FAN', 'DOOR'],
      severity: { offline: 'info' },
    });
    await putRule('tag', 'st-b', {
      graceMs: 5000,
      temperatureMaxC: 65,
      ignoreFaultCodes: ['FAN'],
      severity: { offline: 'critical' },
    });
    const res = await api<EffectiveRuleResponse>(
      server,
      'GET',
      '/api/alarm-rules/effective/st-both',
      undefined,
      token,
    );
    expect(res.body.rule).toMatchObject({
      graceMs: 5000,
      temperatureMaxC: 60,
      ignoreFaultCodes: ['FAN'],
      severity: { offline: 'critical', lost: null },
      heartbeatTimeoutMs: 600_000,
    });
  });

  it('heartbeat timeout and temperature limit per rule', async () => {
    await create('hb-strict', ['strict']);
    await create('hb-plain');
    await putRule('tag', 'strict', {
      heartbeatTimeoutMs: 2000,
      temperatureMaxC: 40,
      severity: { temperature: 'info', heartbeat: 'critical' },
    });
    await goOnline(['hb-strict', 'hb-plain']);
    for (const id of ['hb-strict', 'hb-plain']) {
      const b = boots.get(id)!;
      publish(id, 'telemetry', telemetry(b.bootId, 1, { temperatureC: 45 }));
    }
    const temp = await waitFor(
      async () => (await openOf('hb-strict', 'temperature'))[0],
      5000,
      'temperature alarm under the rule',
    );
    expect(temp).toMatchObject({ severity: 'info' });
    expect(temp.message).toMatch(/40 °C limit/);
    expect(await openOf('hb-plain', 'temperature')).toHaveLength(0); // 45 < the default 75
    await waitFor(
      async () => (await knex()('screens').where({ id: 'hb-strict' }).first()).telemetry !== null,
    );

    await sweep(5000);
    expect((await openOf('hb-strict', 'heartbeat'))[0]).toMatchObject({ severity: 'critical' });
    expect(await openOf('hb-plain', 'heartbeat')).toHaveLength(0);
  });

  it('an ignored fault code raises nothing; other codes raise with the rule severity', async () => {
    await create('fl-quiet', ['quiet']);
    await putRule('tag', 'quiet', { ignoreFaultCodes: ['FAN'], severity: { fault: 'critical' } });
    await goOnline(['fl-quiet']);
    const screen = server.fleet.state.get('fl-quiet')!;
    const fault = (id: string, code: string) => ({
      ts: Date.now(),
      bootId: boots.get('fl-quiet')!.bootId,
      seq: 10,
      id,
      kind: 'fault' as const,
      code,
      severity: 'warning' as const,
      message: `${code} trouble`,
    });
    await server.alarms.evaluator.onEvent(screen, fault('e1', 'FAN'));
    await server.alarms.evaluator.onEvent(screen, fault('e2', 'DISK'));
    const faults = await alarmsOf('fl-quiet', 'fault');
    expect(faults.map((a) => [a.code, a.severity])).toEqual([['DISK', 'critical']]);
  });

  it('a screen never activated raises no offline or lost', async () => {
    await create('na-never');
    await create('na-first-offline');
    // Its first word is a shutdown: it was never online, so never in service.
    await goDown(['na-first-offline'], 'offline');
    await sweep(120_000);
    expect(await alarmsOf('na-never')).toEqual([]);
    expect(await alarmsOf('na-first-offline')).toEqual([]);
    const row = await knex()('screens').where({ id: 'na-never' }).first();
    expect(row.last_seen).toBeNull();
  });

  it('a screen long in service still alarms after its state history was pruned', async () => {
    await create('na-veteran');
    await goOnline(['na-veteran']);
    publish('na-veteran', 'telemetry', telemetry(boots.get('na-veteran')!.bootId, 1));
    await waitFor(
      async () => (await knex()('screens').where({ id: 'na-veteran' }).first()).telemetry !== null,
      5000,
      'telemetry stored',
    );
    // History maintenance drops state changes older than the retention (30 days by default).
    await knex()('screen_state_history').where({ screen_id: 'na-veteran' }).delete();
    await goDown(['na-veteran']);
    await sweep();
    expect(await openOf('na-veteran', 'lost')).toHaveLength(1);
  });

  it('200 screens of one site lost at once give ONE new site alarm, no per-screen alarm, and one clear when they return', async () => {
    const ids = Array.from({ length: 200 }, (_, i) => `harbour-${String(i).padStart(3, '0')}`);
    const csv = [
      'id,name,address,lat,lng,tags',
      ...ids.map((id) => `${id},Harbour ${id},,,,site:harbour;lobby`),
    ].join('\n');
    const imported = await api<{ created: unknown[] }>(
      server,
      'POST',
      '/api/admin/screens/import',
      { csv },
      token,
    );
    expect(imported.status).toBe(200);
    expect(imported.body.created).toHaveLength(200);
    // A smaller site under the threshold alarms screen by screen; an address is a site too.
    await create('small-1', ['site:small']);
    await create('small-2', ['site:small']);
    const street = ['st-1', 'st-2', 'st-3', 'st-4', 'st-5'];
    for (const id of street) await create(id, [], '12 Quay Street');

    await goOnline([...ids, 'small-1', 'small-2', ...street]);
    await goDown([...ids, 'small-1', 'small-2', ...street]);
    await sweep(2000);

    const sites = (
      await api<{ alarms: Alarm[] }>(server, 'GET', '/api/alarms', undefined, token)
    ).body.alarms.filter((a) => a.kind === 'site');
    const harbour = sites.find((a) => a.site === 'harbour')!;
    expect(harbour).toMatchObject({
      kind: 'site',
      code: 'harbour',
      screenId: 'site:harbour',
      status: 'active',
      severity: 'critical',
      count: 200,
    });
    expect(harbour.screenIds).toHaveLength(200);
    // The wire shape is the protocol's (what consoles validate and cache).
    expect(AlarmSchema.parse(harbour)).toEqual(harbour);
    expect(harbour.message).toMatch(/Site harbour: 200 screens down/);
    expect(sites.find((a) => a.site === '12 Quay Street')?.screenIds).toHaveLength(5);
    const perScreen = await knex()('alarms').whereIn('screen_id', ids);
    expect(perScreen).toEqual([]);
    expect(await openOf('small-1', 'lost')).toHaveLength(1);
    // One new alarm: the admin and the operator are notified of it once each.
    await waitFor(async () => (await notified(harbour.id)) === 2, 5000, 'site notification');

    // A second sweep while they are still down changes nothing and notifies no one again.
    await sweep(3000);
    expect(await knex()('alarms').where({ kind: 'site', site: 'harbour' })).toHaveLength(1);

    await goOnline(ids.slice(0, 199));
    await sweep(4000);
    const partly = (await alarmsOf('site:harbour'))[0]!;
    expect(partly).toMatchObject({ status: 'active', id: harbour.id });
    expect(partly.message).toMatch(/1 of 200 screens still down/);

    await goOnline(ids.slice(199));
    await sweep(5000);
    const back = await alarmsOf('site:harbour');
    expect(back).toHaveLength(1);
    expect(back[0]).toMatchObject({ id: harbour.id, status: 'cleared' });
    expect(await notified(harbour.id)).toBe(2);
    // Consoles got it on the wire with its site and screens.
    await waitFor(() => seen.get(harbour.id)?.status === 'cleared', 5000, 'cleared on the wire');
    expect(seen.get(harbour.id)?.screenIds).toHaveLength(200);
  }, 120_000);

  it('a flapping screen keeps one alarm marked flapping, cleared once it is stable; a reopen is told as "down again"', async () => {
    const id = 'flap-1';
    await create(id);
    await goOnline([id]);
    await goDown([id]);
    await sweep();
    const first = (await openOf(id, 'lost'))[0]!;
    expect(first.flapping).toBe(false);
    await goOnline([id]);
    await sweep();
    expect(await openOf(id, 'lost')).toHaveLength(0); // one bounce is not flapping
    await goDown([id]);
    await sweep();
    const reopened = (await openOf(id, 'lost'))[0]!;
    expect(reopened).toMatchObject({ id: first.id, flapping: true, status: 'active', count: 2 });
    await goOnline([id]);
    await sweep();
    expect((await openOf(id, 'lost'))[0]?.id).toBe(first.id); // held open while flapping
    await goDown([id]);
    await sweep();
    await goOnline([id]);
    await sweep(30_000); // up, but it changed state within the window: still open
    expect((await openOf(id, 'lost'))[0]?.id).toBe(first.id);
    await sweep(120_000); // stable for longer than the flap window
    const all = await alarmsOf(id, 'lost');
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ id: first.id, status: 'cleared', flapping: true });
    // No route: every console hears of it. Raised, back, down again once (the bounces while
    // it was held open send nothing), and back once it is stable.
    const expected = [
      `Critical: Screen ${id}`,
      `Back online: Screen ${id}`,
      `Critical: Screen ${id} down again (flapping)`,
      `Back online: Screen ${id}`,
    ];
    await waitFor(async () => (await titles(first.id)).length === 4, 5000, 'four notifications');
    await server.alerting.engine.settled();
    expect(await titles(first.id)).toEqual(expected);
    expect(await notified(first.id)).toBe(4); // two raises, for the admin and the operator
  });

  it('maintenance suppresses alarms and says so; its end re-enables them; open alarms stay', async () => {
    await create('mt-screen');
    await create('mt-tagged', ['works']);
    await create('mt-open');
    await goOnline(['mt-screen', 'mt-tagged', 'mt-open']);
    await goDown(['mt-open']);
    await sweep();
    expect(await openOf('mt-open', 'lost')).toHaveLength(1);

    const until = Date.now() + 3600_000;
    for (const [scope, target] of [
      ['screen', 'mt-screen'],
      ['tag', 'works'],
      ['screen', 'mt-open'],
    ]) {
      const res = await api(
        server,
        'PUT',
        `/api/alarm-rules/maintenance/${scope}/${target}`,
        { endsAt: until, reason: 'Panel replacement' },
        token,
      );
      expect(res.status).toBe(200);
    }
    const list = await api<MaintenanceResponse>(
      server,
      'GET',
      '/api/alarm-rules/maintenance',
      undefined,
      opToken,
    );
    expect(list.body.windows.map((w) => `${w.scope}:${w.target}`).sort()).toEqual([
      'screen:mt-open',
      'screen:mt-screen',
      'tag:works',
    ]);
    expect(list.body.windows[0]).toMatchObject({ endsAt: until, setByName: expect.any(String) });
    // The open alarm of a screen entering maintenance stays open (decision: README).
    expect(await openOf('mt-open', 'lost')).toHaveLength(1);

    await goDown(['mt-screen', 'mt-tagged']);
    const b = boots.get('mt-screen')!;
    await server.alarms.evaluator.onEvent(server.fleet.state.get('mt-screen')!, {
      ts: Date.now(),
      bootId: b.bootId,
      seq: 50,
      id: 'mt-e1',
      kind: 'fault',
      code: 'PSU',
      severity: 'critical',
      message: 'power supply',
    });
    await sweep(5000);
    expect(await alarmsOf('mt-screen')).toEqual([]);
    expect(await alarmsOf('mt-tagged')).toEqual([]);

    const ended = await api(
      server,
      'DELETE',
      '/api/alarm-rules/maintenance/screen/mt-screen',
      undefined,
      token,
    );
    expect(ended.status).toBe(200);
    await sweep(5000);
    expect(await openOf('mt-screen', 'lost')).toHaveLength(1);
    expect(await alarmsOf('mt-tagged')).toEqual([]); // its tag is still in maintenance
    const audit = await knex()('audit_log').whereIn('action', [
      'maintenance.started',
      'maintenance.ended',
    ]);
    expect(audit.map((a: { action: string }) => a.action).sort()).toEqual([
      'maintenance.ended',
      'maintenance.started',
      'maintenance.started',
      'maintenance.started',
    ]);
  });

  it('refuses bad input with a clear sentence and changes nothing', async () => {
    await create('bad-target');
    const before = await api<AlarmRulesResponse>(
      server,
      'GET',
      '/api/alarm-rules',
      undefined,
      token,
    );
    const auditBefore = (await knex()('audit_log')).length;
    const cases: [string, string, unknown, number, RegExp][] = [
      ['PUT', '/api/alarm-rules/tag/x', { graceMs: -1 }, 400, /graceMs cannot be negative/],
      ['PUT', '/api/alarm-rules/tag/x', { graceMs: 'soon' }, 400, /graceMs must be a number/],
      ['PUT', '/api/alarm-rules/tag/x', { temperatureMaxC: 900 }, 400, /between -40 and 150/],
      ['PUT', '/api/alarm-rules/tag/x', { loudness: 11 }, 400, /loudness/],
      ['PUT', '/api/alarm-rules/tag/x', {}, 400, /sets nothing/],
      [
        'PUT',
        '/api/alarm-rules/tag/x',
        { severity: { lost: 'apocalyptic' } },
        400,
        /severity\.lost/,
      ],
      ['PUT', '/api/alarm-rules/planet/x', { graceMs: 1 }, 400, /"tag" or a "screen"/],
      ['PUT', '/api/alarm-rules/screen/nobody', { graceMs: 1 }, 404, /no screen "nobody"/],
      ['PUT', '/api/alarm-rules/tag/x', '{"graceMs":', 400, /malformed JSON/],
      [
        'DELETE',
        '/api/alarm-rules/tag/never-set',
        undefined,
        404,
        /no alarm rule for tag "never-set"/,
      ],
      [
        'PUT',
        '/api/alarm-rules/maintenance/screen/bad-target',
        { endsAt: Date.now() - 1000, reason: 'x' },
        400,
        /in the future/,
      ],
      [
        'PUT',
        '/api/alarm-rules/maintenance/screen/bad-target',
        { endsAt: Date.now() + 60_000 },
        400,
        /reason/,
      ],
      [
        'PUT',
        '/api/alarm-rules/maintenance/screen/bad-target',
        { endsAt: Date.now() + 200 * 86400_000, reason: 'x' },
        400,
        /at most 90 days/,
      ],
      [
        'DELETE',
        '/api/alarm-rules/maintenance/screen/bad-target',
        undefined,
        404,
        /no maintenance/,
      ],
    ];
    for (const [method, path, body, status, message] of cases) {
      const res = await api<{ error: { message: string } }>(server, method, path, body, token);
      expect({ path, body, status: res.status }).toEqual({ path, body, status });
      expect(res.body.error.message).toMatch(message);
    }
    const after = await api<AlarmRulesResponse>(
      server,
      'GET',
      '/api/alarm-rules',
      undefined,
      token,
    );
    expect(after.body.rules).toEqual(before.body.rules);
    expect((await knex()('audit_log')).length).toBe(auditBefore);
    expect((await api(server, 'GET', '/healthz')).status).toBe(200);
  });

  it('lets operators read rules but not change them; advertisers see nothing; admin changes are audited', async () => {
    const read = await api<AlarmRulesResponse>(
      server,
      'GET',
      '/api/alarm-rules',
      undefined,
      opToken,
    );
    expect(read.status).toBe(200);
    expect(read.body.defaults).toMatchObject({
      graceMs: 300,
      heartbeatTimeoutMs: 600_000,
      temperatureMaxC: 75,
    });
    expect(read.body.storm).toEqual({ minScreens: 5 });
    expect(read.body.rules.find((r) => r.target === 'patient')?.settings).toEqual({
      graceMs: 60_000,
    });
    for (const [method, path, body] of [
      ['PUT', '/api/alarm-rules/tag/patient', { graceMs: 1 }],
      ['DELETE', '/api/alarm-rules/tag/patient', undefined],
      [
        'PUT',
        '/api/alarm-rules/maintenance/tag/patient',
        { endsAt: Date.now() + 60_000, reason: 'x' },
      ],
      ['DELETE', '/api/alarm-rules/maintenance/tag/works', undefined],
    ] as const) {
      const res = await api<{ error: { code: string } }>(server, method, path, body, opToken);
      expect(res.status).toBe(403);
    }
    await api(
      server,
      'POST',
      '/api/users',
      { email: 'ad@adv.test', name: 'Ad', role: 'advertiser', password: 'advertiser-pass-1' },
      token,
    );
    const adv = await login(server, { email: 'ad@adv.test', password: 'advertiser-pass-1' });
    expect((await api(server, 'GET', '/api/alarm-rules', undefined, adv.token)).status).toBe(403);
    expect(
      (await api(server, 'GET', '/api/alarm-rules/maintenance', undefined, adv.token)).status,
    ).toBe(403);
    expect((await api(server, 'GET', '/api/alarm-rules/tag/patient')).status).toBe(401);

    const del = await api<{ deleted: AlarmRule }>(
      server,
      'DELETE',
      '/api/alarm-rules/tag/patient',
      undefined,
      token,
    );
    expect(del.status).toBe(200);
    expect(del.body.deleted.settings).toEqual({ graceMs: 60_000 });
    const actions = (
      await knex()('audit_log').where('target_type', 'alarm_rule').orderBy('seq')
    ).map((r: { action: string; target_id: string }) => `${r.action} ${r.target_id}`);
    expect(actions).toContain('alarm_rule.created tag:patient');
    expect(actions.at(-1)).toBe('alarm_rule.deleted tag:patient');
  });
});
