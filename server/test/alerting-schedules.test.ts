/**
 * Quiet hours (held until they end, or passed to the next step) and escalation of alarms left
 * unacknowledged, with alerting's clock moved by the test; real SMTP, real ingest, both databases.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/helpers/databases';
import { api, waitFor } from '../../test/helpers/server';
import {
  addRoute,
  addScreen,
  bringBack,
  consoleNotes,
  logOf,
  loseScreen,
  quiet,
  startAlertingWorld,
  type AlertingWorld,
} from './alerting-fixtures';

/** 23:00 in Berlin (CET, UTC+1) on a Tuesday; quiet hours there end at 06:00 UTC. */
const BERLIN_23H = Date.UTC(2030, 0, 15, 22, 0);
const BERLIN_07H = Date.UTC(2030, 0, 16, 6, 0);
const MIN = 60_000;

describe.each(testDatabases())('alerting: quiet hours and escalation (%s)', (dbKind) => {
  let w: AlertingWorld;
  beforeAll(async () => {
    w = await startAlertingWorld(dbKind);
    const night = {
      timeZone: 'Europe/Berlin',
      quietHours: { start: '22:00', end: '07:00' },
      workingHours: null,
    };
    const res = await api(
      w.server,
      'PUT',
      `/api/alerting/contacts/${w.people.ana!.id}`,
      { ...night, email: 'ana.night@ops.test' },
      w.token,
    );
    expect(res.status).toBe(200);
  }, 60_000);
  afterAll(async () => {
    await w?.close();
  });

  it('holds a message during quiet hours and delivers it once when they end', async () => {
    const ana = w.people.ana!;
    await addRoute(w, {
      name: 'Hold for Ana',
      tags: ['q:hold'],
      steps: [{ type: 'user', id: ana.id }],
      quietHours: 'hold',
      channels: { console: true, email: true },
    });
    w.setTime(BERLIN_23H);
    const screen = await addScreen(w, 'hold-1', ['q:hold']);
    const alarm = await loseScreen(w, screen);
    await waitFor(async () => (await logOf(w, alarm.id)).length === 2, 5000, 'held entries');
    await quiet(w, 500);
    expect(w.mail.to('ana.night@ops.test')).toHaveLength(0);
    expect(await consoleNotes(w, ana.id, alarm.id)).toHaveLength(0);
    const held = await logOf(w, alarm.id);
    expect(
      held.map((r: { status: string; channel: string }) => `${r.channel}/${r.status}`).sort(),
    ).toEqual(['console/held', 'email/held']);
    expect(held[0].error).toBe(`quiet hours until ${new Date(BERLIN_07H).toISOString()}`);

    w.setTime(BERLIN_07H - 2 * MIN); // still quiet
    await quiet(w, 300);
    expect(w.mail.to('ana.night@ops.test')).toHaveLength(0);

    w.setTime(BERLIN_07H + 1000);
    await waitFor(() => w.mail.to('ana.night@ops.test').length === 1, 10_000, 'morning e-mail');
    await waitFor(
      async () => (await consoleNotes(w, ana.id, alarm.id)).length === 1,
      5000,
      'console',
    );
    await quiet(w, 400);
    expect(w.mail.to('ana.night@ops.test')).toHaveLength(1);
    expect(w.mail.to('ana.night@ops.test')[0]!.subject).toBe('Critical: Screen hold-1');
    await bringBack(w, screen);
    await waitFor(() => w.mail.to('ana.night@ops.test').length === 2, 10_000, 'back online');
    expect(w.mail.to('ana.night@ops.test')[1]!.subject).toBe('Back online: Screen hold-1');
  });

  it('passes the message to the next step at once when the route escalates quiet hours', async () => {
    const { ana, ben } = w.people;
    await addRoute(w, {
      name: 'Ana, else Ben',
      tags: ['q:esc'],
      steps: [
        { type: 'user', id: ana!.id },
        { type: 'user', id: ben!.id },
      ],
      quietHours: 'escalate',
      channels: { console: true, email: true },
    });
    w.setTime(BERLIN_23H + 24 * 60 * MIN);
    const screen = await addScreen(w, 'esc-1', ['q:esc']);
    const alarm = await loseScreen(w, screen);
    await waitFor(() => w.mail.to('ben@ops.test').length === 1, 10_000, 'ben mailed');
    await quiet(w);
    expect(
      w.mail.to('ana.night@ops.test').filter((m) => m.subject?.includes('esc-1')),
    ).toHaveLength(0);
    expect(await consoleNotes(w, ana!.id, alarm.id)).toHaveLength(0);
    expect(await consoleNotes(w, ben!.id, alarm.id)).toHaveLength(1);
    const skipped = (await logOf(w, alarm.id)).find(
      (r: { status: string }) => r.status === 'skipped',
    );
    expect(skipped).toMatchObject({
      recipient_id: ana!.id,
      error: 'quiet hours: passed on to the next step',
    });
    await bringBack(w, screen);
  });

  it('escalates to the next person after N minutes unacknowledged, and not when acknowledged', async () => {
    const { ben, cai } = w.people;
    await addRoute(w, {
      name: 'Ben then Cai',
      tags: ['esc:chain'],
      steps: [
        { type: 'user', id: ben!.id },
        { type: 'user', id: cai!.id },
      ],
      escalateAfterMinutes: 5,
      channels: { console: true, email: true },
    });
    const start = BERLIN_23H + 2 * 24 * 60 * MIN;
    w.setTime(start);
    const first = await addScreen(w, 'chain-1', ['esc:chain']);
    const alarm = await loseScreen(w, first);
    await waitFor(
      async () => (await consoleNotes(w, ben!.id, alarm.id)).length === 1,
      5000,
      'ben first',
    );
    w.advance(4 * MIN);
    await quiet(w, 300);
    expect(await consoleNotes(w, cai!.id, alarm.id)).toHaveLength(0);
    w.advance(1 * MIN + 1000);
    await waitFor(
      async () => (await consoleNotes(w, cai!.id, alarm.id)).length === 1,
      5000,
      'cai escalated',
    );
    const [note] = await consoleNotes(w, cai!.id, alarm.id);
    expect(note.title).toBe('Escalated — Critical: Screen chain-1');
    await waitFor(() => w.mail.to('cai@ops.test').length === 1, 10_000, 'cai mailed');
    expect(w.mail.to('cai@ops.test').map((m) => m.subject)).toEqual([
      'Escalated — Critical: Screen chain-1',
    ]);
    // The chain ends with Cai: no further messages, however long it stays open.
    w.advance(30 * MIN);
    await quiet(w, 300);
    expect(await consoleNotes(w, cai!.id, alarm.id)).toHaveLength(1);
    expect(await consoleNotes(w, ben!.id, alarm.id)).toHaveLength(1);
    await bringBack(w, first);

    const second = await addScreen(w, 'chain-2', ['esc:chain']);
    const acked = await loseScreen(w, second);
    await waitFor(
      async () => (await consoleNotes(w, ben!.id, acked.id)).length === 1,
      5000,
      'ben again',
    );
    expect((await api(w.server, 'POST', `/api/alarms/${acked.id}/ack`, {}, w.token)).status).toBe(
      200,
    );
    await waitFor(
      async () =>
        (await w.server.ctx.knex('alert_escalations').where({ alarm_id: acked.id, status: 'done' }))
          .length === 1,
      5000,
      'escalation ended',
    );
    w.advance(10 * MIN);
    await quiet(w, 400);
    expect(await consoleNotes(w, cai!.id, acked.id)).toHaveLength(0);
    await bringBack(w, second);
  });

  it('reaches the first member of an on-call group who is on duty', async () => {
    const { ana, ben, cai } = w.people;
    const group = await api<{ group: { id: string } }>(
      w.server,
      'POST',
      '/api/alerting/groups',
      { name: 'Night shift', memberIds: [ana!.id, cai!.id, ben!.id] },
      w.token,
    );
    expect(group.status).toBe(201);
    await addRoute(w, {
      name: 'Night shift group',
      tags: ['grp:night'],
      steps: [{ type: 'group', id: group.body.group.id }],
      channels: { console: true, email: false },
    });
    w.setTime(BERLIN_23H + 3 * 24 * 60 * MIN); // Ana is in quiet hours: Cai is next in order
    const screen = await addScreen(w, 'grp-1', ['grp:night']);
    const alarm = await loseScreen(w, screen);
    await waitFor(async () => (await consoleNotes(w, cai!.id, alarm.id)).length === 1, 5000, 'cai');
    await quiet(w);
    expect(await consoleNotes(w, ana!.id, alarm.id)).toHaveLength(0);
    expect(await consoleNotes(w, ben!.id, alarm.id)).toHaveLength(0);
    await bringBack(w, screen);
  });
});
