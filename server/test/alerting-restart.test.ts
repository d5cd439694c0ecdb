/**
 * A server restart in the middle of pending deliveries neither loses nor doubles one: a webhook
 * waiting for its retry, a message held for quiet hours, and a send a dead node had started
 * (its lease ran out) are each delivered once by the next run, on the same database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertRoute, CreateScreenResponse, LoginResponse, Person } from '../../protocol';
import { startServer, type RunningServer } from '../../server/src/app';
import {
  startMailBox,
  startWebhookReceiver,
  type MailBox,
  type WebhookReceiver,
} from '../../test/helpers/alert-receivers';
import { createTestDatabase, testDatabases, type TestDatabase } from '../../test/helpers/databases';
import { connectDevice } from '../../test/helpers/device';
import { ADMIN, api, login, waitFor } from '../../test/helpers/server';

const BERLIN_23H = Date.UTC(2031, 2, 4, 22, 0);
const BERLIN_07H = Date.UTC(2031, 2, 5, 6, 0);

describe.each(testDatabases())('alerting across a restart (%s)', (dbKind) => {
  let db: TestDatabase;
  let mail: MailBox;
  let hooks: WebhookReceiver;
  let server: RunningServer | null = null;

  const boot = async (at?: number) => {
    server = await startServer({
      port: 0,
      host: '127.0.0.1',
      mqttPort: 0,
      dataDir: db.dataDir,
      databaseUrl: db.url,
      adminEmail: ADMIN.email,
      adminPassword: ADMIN.password,
      logLevel: 'silent',
      statusTickMs: 20,
      alarmGraceMs: 300,
      sweepMs: 100,
      alerting: {
        smtpUrl: mail.url,
        webhooksAllowPrivate: true,
        tickMs: 50,
        retryBaseMs: 500,
        leaseMs: 1000,
      },
    });
    if (at !== undefined) {
      const offset = at - Date.now();
      server.alerting.clock.now = () => Date.now() + offset;
    }
    return server;
  };

  beforeAll(async () => {
    db = await createTestDatabase(dbKind);
    mail = await startMailBox();
    hooks = await startWebhookReceiver();
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
    await mail?.close();
    await hooks?.close();
  });

  it('delivers a retrying webhook, a held message and an abandoned send once each after a restart', async () => {
    let s = await boot(BERLIN_23H);
    const { token } = (await login(s)) as LoginResponse;
    const mk = async (email: string) =>
      (
        await api<{ user: Person }>(
          s,
          'POST',
          '/api/users',
          { email, name: email.split('@')[0], role: 'operator', password: 'restart-password-1' },
          token,
        )
      ).body.user;
    const day = await mk('day@ops.test');
    const night = await mk('night@ops.test');
    await api(
      s,
      'PUT',
      `/api/alerting/contacts/${night.id}`,
      {
        email: 'night@ops.test',
        timeZone: 'Europe/Berlin',
        quietHours: { start: '22:00', end: '07:00' },
        workingHours: null,
      },
      token,
    );
    const hook = (
      await api<{ webhook: { id: string } }>(
        s,
        'POST',
        '/api/alerting/webhooks',
        { name: 'ops', url: `${hooks.url}/restart` },
        token,
      )
    ).body.webhook.id;
    const route = await api<{ route: AlertRoute }>(
      s,
      'POST',
      '/api/alerting/routes',
      {
        name: 'Restart',
        tags: ['restart'],
        steps: [{ type: 'user', id: day.id }],
        channels: { console: true, email: true },
        webhookIds: [hook],
      },
      token,
    );
    expect(route.status).toBe(201);
    await api(
      s,
      'POST',
      '/api/alerting/routes',
      {
        name: 'Night',
        tags: ['restart'],
        steps: [{ type: 'user', id: night.id }],
        channels: { console: false, email: true },
      },
      token,
    );

    hooks.failNext('/restart', 1, 503);
    const screen = await api<CreateScreenResponse>(
      s,
      'POST',
      '/api/screens',
      { id: 'rs-1', name: 'Restart One', tags: ['restart'] },
      token,
    );
    const device = await connectDevice(s.mqttUrl, 'rs-1', screen.body.credentials.password);
    await device.publishState('online');
    await waitFor(() => s.fleet.state.get('rs-1')?.state === 'online', 20_000, 'online');
    device.client.stream.destroy();
    const alarm = await waitFor(
      () => s.ctx.knex('alarms').where({ screen_id: 'rs-1', kind: 'lost' }).first('id'),
      20_000,
      'alarm',
    );
    const key = (ch: string, who: string) => `${alarm.id}:raise:${ch}:${who}`;
    const row = (k: string) => s.ctx.knex('alert_dispatches').where({ key: k }).first();
    // The day person's e-mail went; the webhook failed once and waits for its retry; the night
    // person's e-mail is held for quiet hours.
    await waitFor(() => mail.to('day@ops.test').length === 1, 20_000, 'day e-mail');
    await waitFor(
      async () => (await row(key('webhook', hook)))?.attempts === 1,
      20_000,
      'first webhook try',
    );
    expect((await row(key('email', night.id))).status).toBe('held');
    await s.close();
    server = null;

    // As if a node had died mid-send: the day person's console delivery is "sending", its lease run out.
    const knexRow = { status: 'sending', lease_until: 1 };
    s = await boot(BERLIN_23H + 1000);
    await s.ctx
      .knex('alert_dispatches')
      .where({ key: key('console', day.id) })
      .update({ ...knexRow, attempts: 0 });
    await s.ctx.knex('notifications').where({ ref_id: alarm.id, user_id: day.id }).delete();
    s.alerting.engine.kick();
    await waitFor(() => hooks.taken('/restart').length === 1, 20_000, 'webhook after restart');
    await waitFor(
      async () =>
        (await s.ctx.knex('notifications').where({ ref_id: alarm.id, user_id: day.id })).length ===
        1,
      20_000,
      'console re-sent',
    );
    await new Promise((r) => setTimeout(r, 600));
    expect(hooks.hits.filter((h) => h.path === '/restart').map((h) => h.status)).toEqual([
      503, 200,
    ]);
    expect(mail.to('day@ops.test')).toHaveLength(1);
    expect(mail.to('night@ops.test')).toHaveLength(0);
    await s.close();
    server = null;

    // Quiet hours end while the server is down; the next start delivers the held e-mail once.
    s = await boot(BERLIN_07H + 60_000);
    await waitFor(
      () => mail.to('night@ops.test').length === 1,
      20_000,
      'held e-mail after restart',
    );
    await new Promise((r) => setTimeout(r, 600));
    expect(mail.to('night@ops.test')).toHaveLength(1);
    expect(mail.to('day@ops.test')).toHaveLength(1);
    expect(hooks.taken('/restart')).toHaveLength(1);
    const statuses = await s.ctx
      .knex('alert_dispatches')
      .where({ alarm_id: alarm.id })
      .pluck('status');
    expect(new Set(statuses)).toEqual(new Set(['delivered']));
  }, 120_000);
});
