/**
 * Alarm rules (issue 14) against a real server on SQLite and PostgreSQL: resolution per tag
 * and screen, limits, ignored fault codes, never-activated screens, bad input and roles
 * (storms, flapping and maintenance: alarm-storms.test.ts; the shared server: alarm-rules-world.ts).
 */
import { describe, expect, it } from 'vitest';
import type { AlarmRule, AlarmRulesResponse, EffectiveRuleResponse } from '../../protocol';
import { testDatabases } from '../../test/helpers/databases';
import { telemetry } from '../../test/helpers/device';
import { api, login, waitFor } from '../../test/helpers/server';
import { alarmRulesWorld } from './alarm-rules-world';

describe.each(testDatabases())('alarm rules (%s)', (dbKind) => {
  const w = alarmRulesWorld(dbKind);
  const { knex, create, publish, goDown, goOnline, sweep, alarmsOf, openOf, putRule } = w;

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
      w.server,
      'GET',
      '/api/alarm-rules/effective/gr-own',
      undefined,
      w.opToken,
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
      w.server,
      'GET',
      '/api/alarm-rules/effective/st-both',
      undefined,
      w.token,
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
      const b = w.boots.get(id)!;
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
    const screen = w.server.fleet.state.get('fl-quiet')!;
    const fault = (id: string, code: string) => ({
      ts: Date.now(),
      bootId: w.boots.get('fl-quiet')!.bootId,
      seq: 10,
      id,
      kind: 'fault' as const,
      code,
      severity: 'warning' as const,
      message: `${code} trouble`,
    });
    await w.server.alarms.evaluator.onEvent(screen, fault('e1', 'FAN'));
    await w.server.alarms.evaluator.onEvent(screen, fault('e2', 'DISK'));
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
    publish('na-veteran', 'telemetry', telemetry(w.boots.get('na-veteran')!.bootId, 1));
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

  it('refuses bad input with a clear sentence and changes nothing', async () => {
    await create('bad-target');
    const before = await api<AlarmRulesResponse>(
      w.server,
      'GET',
      '/api/alarm-rules',
      undefined,
      w.token,
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
      const res = await api<{ error: { message: string } }>(w.server, method, path, body, w.token);
      expect({ path, body, status: res.status }).toEqual({ path, body, status });
      expect(res.body.error.message).toMatch(message);
    }
    const after = await api<AlarmRulesResponse>(
      w.server,
      'GET',
      '/api/alarm-rules',
      undefined,
      w.token,
    );
    expect(after.body.rules).toEqual(before.body.rules);
    expect((await knex()('audit_log')).length).toBe(auditBefore);
    expect((await api(w.server, 'GET', '/healthz')).status).toBe(200);
  });

  it('lets operators read rules but not change them; advertisers see nothing; admin changes are audited', async () => {
    const read = await api<AlarmRulesResponse>(
      w.server,
      'GET',
      '/api/alarm-rules',
      undefined,
      w.opToken,
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
      const res = await api<{ error: { code: string } }>(w.server, method, path, body, w.opToken);
      expect(res.status).toBe(403);
    }
    await api(
      w.server,
      'POST',
      '/api/users',
      { email: 'ad@adv.test', name: 'Ad', role: 'advertiser', password: 'advertiser-pass-1' },
      w.token,
    );
    const adv = await login(w.server, { email: 'ad@adv.test', password: 'advertiser-pass-1' });
    expect((await api(w.server, 'GET', '/api/alarm-rules', undefined, adv.token)).status).toBe(403);
    expect(
      (await api(w.server, 'GET', '/api/alarm-rules/maintenance', undefined, adv.token)).status,
    ).toBe(403);
    expect((await api(w.server, 'GET', '/api/alarm-rules/tag/patient')).status).toBe(401);

    const del = await api<{ deleted: AlarmRule }>(
      w.server,
      'DELETE',
      '/api/alarm-rules/tag/patient',
      undefined,
      w.token,
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
