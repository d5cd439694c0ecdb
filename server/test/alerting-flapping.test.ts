/**
 * A flapping screen end to end (issue 14): the rules side keeps ONE alarm and reopens it
 * (flapping.ts); alerting tells a reopen as "down again (flapping)" with keys of its own, so the
 * person who heard "back online" is not left believing it. A screen bouncing many times gives a
 * bounded number of messages, the last one true to its state. Real agents (MQTT, Last Will),
 * real SMTP server and HTTP receiver, SQLite and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/helpers/databases';
import { connectDevice } from '../../test/helpers/device';
import { waitFor } from '../../test/helpers/server';
import {
  addRoute,
  addScreen,
  addWebhook,
  consoleNotes,
  quiet,
  startAlertingWorld,
  type AlertingWorld,
  type TestScreen,
} from './alerting-fixtures';

const FLAP_WINDOW_MS = 60_000;
const BOUNCES = 6;

describe.each(testDatabases())('alerting: a flapping screen (%s)', (dbKind) => {
  let w: AlertingWorld;
  beforeAll(async () => {
    w = await startAlertingWorld(dbKind, {
      alarmGraceMs: 300,
      sweepMs: 100,
      flapTransitions: 4,
      flapWindowMs: FLAP_WINDOW_MS,
      // The last sweep runs a flap window ahead: the screen must not look silent then.
      heartbeatTimeoutMs: 3_600_000,
    });
  }, 60_000);
  afterAll(async () => {
    await w?.close();
  });

  const knex = () => w.server.ctx.knex;
  const openAlarm = (id: string) =>
    knex()('alarms').where({ screen_id: id, kind: 'lost' }).whereNot({ status: 'cleared' }).first();
  const stateIs = (id: string, s: string) =>
    waitFor(
      async () => (await knex()('screens').where({ id, state: s }).first()) !== undefined,
      10_000,
      `${id} ${s}`,
    );
  /** The agent dies (Last Will: lost); resolves once the screen has an open lost alarm. */
  const kill = async (s: TestScreen) => {
    s.device?.client.stream.destroy();
    s.device = null;
    await stateIs(s.id, 'lost');
    await waitFor(() => openAlarm(s.id), 10_000, `open lost alarm on ${s.id}`);
  };
  const revive = async (s: TestScreen) => {
    s.device = await connectDevice(w.server.mqttUrl, s.id, s.password);
    await s.device.publishState('online');
    await stateIs(s.id, 'online');
  };
  const subjects = () => w.mail.to('ana@ops.test').map((m) => m.subject);
  const hookTitles = () => w.hooks.taken('/flap').map((h) => (h.body as { title: string }).title);

  it(`a screen lost and back ${BOUNCES} times: one alarm, raised / back / down again, and "back online" once it is stable`, async () => {
    const { ana, ben } = w.people;
    const hook = await addWebhook(w, '/flap');
    await addRoute(w, {
      name: 'Lobby to Ana',
      tags: ['lobby'],
      minSeverity: 'warning',
      steps: [{ type: 'user', id: ana!.id }],
      channels: { console: true, email: true },
      webhookIds: [hook],
    });
    const screen = await addScreen(w, 'flap-lobby', ['lobby']);

    // First loss, past its grace: the alarm; back: cleared ("back online"), not flapping yet.
    await kill(screen);
    const alarm = (await openAlarm(screen.id)) as { id: string };
    await revive(screen);
    await waitFor(async () => !(await openAlarm(screen.id)), 10_000, 'first clear');
    // 30 s, not 10: a fresh-clone CI run once saw these two e-mails take longer on PostgreSQL
    // (cause not found; the exact subjects are still asserted below).
    await waitFor(() => subjects().length === 2, 30_000, 'raise and back-online e-mails');

    // It bounces on: the first loss again reopens the same alarm (now flapping); the alarm is
    // then held open, so further bounces send nothing.
    for (let i = 0; i < BOUNCES - 1; i++) {
      await kill(screen);
      await revive(screen);
      if (i === 0) await waitFor(() => subjects().length === 3, 30_000, '"down again" e-mail');
    }
    await kill(screen); // it ends down
    await new Promise((r) => setTimeout(r, 800)); // past its grace, several sweeps
    await quiet(w);

    const expected = [
      'Critical: Screen flap-lobby',
      'Back online: Screen flap-lobby',
      'Critical: Screen flap-lobby down again (flapping)',
    ];
    expect(subjects()).toEqual(expected);
    expect(hookTitles()).toEqual(expected);
    expect(w.hooks.taken('/flap').map((h) => (h.body as { event: string }).event)).toEqual([
      'alarm.raised',
      'alarm.cleared',
      'alarm.reopened',
    ]);
    // Each round has keys of its own (the reopen's round is the alarm's count).
    const keys = w.mail.to('ana@ops.test').map((m) => m.headers.get('x-marquee-idempotency-key'));
    expect(keys).toEqual([
      `${alarm.id}:raise:email:${ana!.id}`,
      `${alarm.id}:clear:email:${ana!.id}`,
      `${alarm.id}:raise#2:email:${ana!.id}`,
    ]);
    // One alarm, flapping, active: the last message is true.
    const all = await knex()('alarms').where({ screen_id: screen.id });
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ id: alarm.id, status: 'active' });
    expect(Boolean(all[0].flapping)).toBe(true);
    expect(await consoleNotes(w, ana!.id, alarm.id)).toHaveLength(3);
    expect(await consoleNotes(w, ben!.id, alarm.id)).toHaveLength(0);

    // Back, and stable for a whole flap window: one "back online" closes the loop.
    await revive(screen);
    await w.server.alarms.evaluator.sweep(Date.now() + FLAP_WINDOW_MS + 5000);
    await waitFor(() => subjects().length === 4, 10_000, 'final back-online e-mail');
    await waitFor(() => w.hooks.taken('/flap').length === 4, 10_000, 'final back-online webhook');
    await quiet(w);
    expect(subjects()[3]).toBe('Back online: Screen flap-lobby');
    expect(w.mail.to('ana@ops.test')[3]!.headers.get('x-marquee-idempotency-key')).toBe(
      `${alarm.id}:clear#2:email:${ana!.id}`,
    );
    expect(hookTitles()).toEqual([...expected, 'Back online: Screen flap-lobby']);
    expect(w.mail.mails).toHaveLength(4);
    expect(await consoleNotes(w, ana!.id, alarm.id)).toHaveLength(4);
    expect(await knex()('alarms').where({ screen_id: screen.id })).toHaveLength(1);
  }, 180_000);
});
