/**
 * Storms, flapping and maintenance windows (issue 14) against a real server on SQLite and
 * PostgreSQL (the shared server and helpers: alarm-rules-world.ts).
 */
import { describe, expect, it } from 'vitest';
import type { Alarm, MaintenanceResponse } from '../../protocol';
import { Alarm as AlarmSchema } from '../../protocol';
import { testDatabases } from '../../test/helpers/databases';
import { api, waitFor } from '../../test/helpers/server';
import { alarmRulesWorld } from './alarm-rules-world';

describe.each(testDatabases())('alarm storms, flapping and maintenance (%s)', (dbKind) => {
  const w = alarmRulesWorld(dbKind);
  const { knex, create, goDown, goOnline, sweep, alarmsOf, openOf, notified, titles } = w;

  it('200 screens of one site lost at once give ONE new site alarm, no per-screen alarm, and one clear when they return', async () => {
    const ids = Array.from({ length: 200 }, (_, i) => `harbour-${String(i).padStart(3, '0')}`);
    const csv = [
      'id,name,address,lat,lng,tags',
      ...ids.map((id) => `${id},Harbour ${id},,,,site:harbour;lobby`),
    ].join('\n');
    const imported = await api<{ created: unknown[] }>(
      w.server,
      'POST',
      '/api/admin/screens/import',
      { csv },
      w.token,
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
      await api<{ alarms: Alarm[] }>(w.server, 'GET', '/api/alarms', undefined, w.token)
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
    await waitFor(() => w.seen.get(harbour.id)?.status === 'cleared', 5000, 'cleared on the wire');
    expect(w.seen.get(harbour.id)?.screenIds).toHaveLength(200);
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
    await w.server.alerting.engine.settled();
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
        w.server,
        'PUT',
        `/api/alarm-rules/maintenance/${scope}/${target}`,
        { endsAt: until, reason: 'Panel replacement' },
        w.token,
      );
      expect(res.status).toBe(200);
    }
    const list = await api<MaintenanceResponse>(
      w.server,
      'GET',
      '/api/alarm-rules/maintenance',
      undefined,
      w.opToken,
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
    const b = w.boots.get('mt-screen')!;
    await w.server.alarms.evaluator.onEvent(w.server.fleet.state.get('mt-screen')!, {
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
      w.server,
      'DELETE',
      '/api/alarm-rules/maintenance/screen/mt-screen',
      undefined,
      w.token,
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
});
