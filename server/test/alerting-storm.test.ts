/**
 * Storms end to end (issue 14, "Done when"): 200 screens of one site lost at once reach the
 * routed person as ONE e-mail and ONE webhook naming the site and the count, and one "back
 * online" when they return. The rules side (server/src/alarms/storms.ts) folds the screens into
 * one site alarm; alerting (server/src/alerting/) routes it by its `site:NAME` tag. Real SMTP
 * server and HTTP receiver; screens report through the server's real MQTT ingest path; the
 * sweep is run by the test with a clock ahead (as alarm-rules.test.ts does), so all 200 are
 * down before any of them is past its grace.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/helpers/databases';
import { api, waitFor } from '../../test/helpers/server';
import {
  addRoute,
  addWebhook,
  consoleNotes,
  quiet,
  startAlertingWorld,
  type AlertingWorld,
} from './alerting-fixtures';

describe.each(testDatabases())('alerting: a storm is one message (%s)', (dbKind) => {
  let w: AlertingWorld;
  const boots = new Map<string, { bootId: string; seq: number; n: number }>();
  beforeAll(async () => {
    w = await startAlertingWorld(dbKind, {
      alarmGraceMs: 300,
      // The test runs every sweep itself, with its own clock.
      sweepMs: 3_600_000,
      stormMinScreens: 5,
    });
  }, 60_000);
  afterAll(async () => {
    await w?.close();
  });

  /** A state as the screen's agent publishes it; `online` is a new boot (an agent start). */
  const state = (id: string, s: 'online' | 'lost') => {
    const prev = boots.get(id);
    const boot =
      s === 'online' || !prev
        ? { bootId: `${id}-b${(prev?.n ?? 0) + 1}`, seq: 0, n: (prev?.n ?? 0) + 1 }
        : prev;
    boot.seq += 1;
    boots.set(id, boot);
    const payload = {
      ts: Date.now(),
      bootId: boot.bootId,
      seq: boot.seq,
      state: s,
      agentVersion: '1.0.0',
      capabilities: [],
    };
    const result = w.server.fleet.ingest.handle(
      `marquee/v1/screens/${id}/state`,
      Buffer.from(JSON.stringify(payload)),
    );
    expect(result).toBe('applied');
  };
  const setAll = async (ids: string[], s: 'online' | 'lost') => {
    for (const id of ids) state(id, s);
    await waitFor(
      async () =>
        (await w.server.ctx.knex('screens').whereIn('id', ids).andWhere({ state: s })).length ===
        ids.length,
      20_000,
      `${ids.length} screens ${s} in the database`,
    );
  };
  const sweep = (aheadMs: number) => w.server.alarms.evaluator.sweep(Date.now() + aheadMs);

  it('200 screens of site harbour lost at once: one e-mail, one webhook naming the site and the count; one "back online"', async () => {
    const { ana, ben } = w.people;
    const hook = await addWebhook(w, '/harbour');
    await addRoute(w, {
      name: 'Harbour to Ana',
      tags: ['site:harbour'],
      minSeverity: 'warning',
      steps: [{ type: 'user', id: ana!.id }],
      channels: { console: true, email: true },
      webhookIds: [hook],
    });
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
    await setAll(ids, 'online');

    await setAll(ids, 'lost');
    await sweep(2000);
    await sweep(3000); // a second sweep while they are still down: nothing more is sent
    const site = await waitFor(
      () => w.server.ctx.knex('alarms').where({ kind: 'site', site: 'harbour' }).first(),
      5000,
      'the site alarm',
    );
    expect(await w.server.ctx.knex('alarms').whereIn('screen_id', ids)).toEqual([]);

    await waitFor(() => w.mail.to('ana@ops.test').length === 1, 10_000, 'e-mail to ana');
    await waitFor(() => w.hooks.taken('/harbour').length === 1, 10_000, 'webhook');
    await quiet(w);
    const mail = w.mail.to('ana@ops.test')[0]!;
    expect(mail.subject).toBe('Site harbour: 200 screens down');
    expect(mail.text).toContain('Site harbour: 200 screens down together');
    expect(mail.text).toContain('Site: harbour');
    const hit = w.hooks.taken('/harbour')[0]!;
    expect(hit.body).toMatchObject({
      event: 'alarm.raised',
      title: 'Site harbour: 200 screens down',
      site: 'harbour',
      alarm: { id: site.id, kind: 'site', screenId: 'site:harbour' },
    });
    expect(w.mail.mails).toHaveLength(1);
    expect(w.hooks.hits.filter((h) => h.path === '/harbour')).toHaveLength(1);
    // The console notification reads the same; the unrouted operator gets none.
    const notes = await consoleNotes(w, ana!.id, site.id);
    expect(notes.map((n: { title: string }) => n.title)).toEqual([
      'Site harbour: 200 screens down',
    ]);
    expect(await consoleNotes(w, ben!.id, site.id)).toHaveLength(0);

    // Most come back: an update ("1 of 200 still down"), which sends nothing.
    await setAll(ids.slice(0, 199), 'online');
    await sweep(4000);
    await quiet(w);
    expect(w.mail.mails).toHaveLength(1);
    expect(w.hooks.hits.filter((h) => h.path === '/harbour')).toHaveLength(1);

    await setAll(ids.slice(199), 'online');
    await sweep(5000);
    await waitFor(() => w.mail.to('ana@ops.test').length === 2, 10_000, 'back-online e-mail');
    await waitFor(() => w.hooks.taken('/harbour').length === 2, 10_000, 'back-online webhook');
    await quiet(w);
    const back = w.mail.to('ana@ops.test')[1]!;
    expect(back.subject).toBe('Back online: site harbour (200 screens)');
    expect(back.text).toContain('Site harbour: all 200 screens back');
    expect(w.hooks.taken('/harbour')[1]!.body).toMatchObject({
      event: 'alarm.cleared',
      site: 'harbour',
    });
    expect(w.mail.mails).toHaveLength(2);
    expect(w.hooks.hits.filter((h) => h.path === '/harbour')).toHaveLength(2);
    expect(await consoleNotes(w, ana!.id, site.id)).toHaveLength(2);
    expect(await consoleNotes(w, ben!.id, site.id)).toHaveLength(0);
  }, 120_000);
});
