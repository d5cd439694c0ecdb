/**
 * A server with alerting wired to real receivers (SMTP, HTTP), a few operators, and helpers to
 * make screens go lost and come back through the real MQTT ingest path.
 */
import type { AlertRoute, AlertRouteInput, CreateScreenResponse, Person } from '../../protocol';
import {
  startMailBox,
  startWebhookReceiver,
  type MailBox,
  type WebhookReceiver,
} from '../../test/helpers/alert-receivers';
import type { ServerConfigInput } from '../src/config';
import type { DbKind } from '../../test/helpers/databases';
import { connectDevice, type FakeDevice } from '../../test/helpers/device';
import { api, login, startTestServer, waitFor, type TestServer } from '../../test/helpers/server';

export interface AlertingWorld {
  server: TestServer;
  mail: MailBox;
  hooks: WebhookReceiver;
  token: string;
  people: Record<string, Person>;
  /** Moves alerting's clock to this instant (it then runs on from there). */
  setTime(at: number): void;
  /** Moves alerting's clock on by `ms`. */
  advance(ms: number): void;
  close(): Promise<void>;
}

export const NAMES = ['ana', 'ben', 'cai'] as const;

/** `overrides`: server settings for one suite (storms, flapping), over the defaults below. */
export async function startAlertingWorld(
  dbKind: DbKind,
  overrides: ServerConfigInput = {},
): Promise<AlertingWorld> {
  const mail = await startMailBox();
  const hooks = await startWebhookReceiver();
  const server = await startTestServer(dbKind, {
    alarmGraceMs: 300,
    sweepMs: 100,
    alerting: {
      smtpUrl: mail.url,
      smtpFrom: 'Marquee Alarms <alarms@marquee.test>',
      webhooksAllowPrivate: true,
      tickMs: 50,
      retryBaseMs: 50,
      leaseMs: 2000,
    },
    ...overrides,
  });
  const { token } = await login(server);
  const people: Record<string, Person> = {};
  for (const name of NAMES) {
    const res = await api<{ user: Person }>(
      server,
      'POST',
      '/api/users',
      {
        email: `${name}@ops.test`,
        name: name.toUpperCase(),
        role: 'operator',
        password: `${name}-password-123`,
      },
      token,
    );
    if (res.status !== 201)
      throw new Error(`could not create ${name}: ${JSON.stringify(res.body)}`);
    people[name] = res.body.user;
  }
  let offset = 0;
  server.alerting.clock.now = () => Date.now() + offset;
  return {
    server,
    mail,
    hooks,
    token,
    people,
    setTime: (at) => {
      offset = at - Date.now();
    },
    advance: (ms) => {
      offset += ms;
    },
    close: async () => {
      await server.stop();
      await mail.close();
      await hooks.close();
    },
  };
}

export async function addRoute(w: AlertingWorld, input: AlertRouteInput): Promise<AlertRoute> {
  const res = await api<{ route: AlertRoute }>(
    w.server,
    'POST',
    '/api/alerting/routes',
    input,
    w.token,
  );
  if (res.status !== 201) throw new Error(`route refused: ${JSON.stringify(res.body)}`);
  return res.body.route;
}

export async function addWebhook(
  w: AlertingWorld,
  path: string,
  format: 'json' | 'slack' | 'teams' = 'json',
): Promise<string> {
  const res = await api<{ webhook: { id: string } }>(
    w.server,
    'POST',
    '/api/alerting/webhooks',
    { name: `hook ${path}`, url: `${w.hooks.url}${path}`, format },
    w.token,
  );
  if (res.status !== 201) throw new Error(`webhook refused: ${JSON.stringify(res.body)}`);
  return res.body.webhook.id;
}

export interface TestScreen {
  id: string;
  password: string;
  device: FakeDevice | null;
}

export async function addScreen(w: AlertingWorld, id: string, tags: string[]): Promise<TestScreen> {
  const res = await api<CreateScreenResponse>(
    w.server,
    'POST',
    '/api/screens',
    { id, name: `Screen ${id}`, tags },
    w.token,
  );
  if (res.status !== 201) throw new Error(`screen refused: ${JSON.stringify(res.body)}`);
  const device = await connectDevice(w.server.mqttUrl, id, res.body.credentials.password);
  await device.publishState('online');
  await waitFor(() => w.server.fleet.state.get(id)?.state === 'online', 5000, `${id} online`);
  return { id, password: res.body.credentials.password, device };
}

/** The device dies (its Last Will says lost); resolves with the alarm once raised. */
export async function loseScreen(w: AlertingWorld, s: TestScreen): Promise<{ id: string }> {
  s.device?.client.stream.destroy();
  s.device = null;
  return waitFor(
    () =>
      w.server.ctx
        .knex('alarms')
        .where({ screen_id: s.id, kind: 'lost' })
        .whereNot({ status: 'cleared' })
        .first('id'),
    10_000,
    `lost alarm on ${s.id}`,
  );
}

export async function bringBack(w: AlertingWorld, s: TestScreen): Promise<void> {
  s.device = await connectDevice(w.server.mqttUrl, s.id, s.password);
  await s.device.publishState('online');
  await waitFor(
    async () =>
      !(await w.server.ctx
        .knex('alarms')
        .where({ screen_id: s.id })
        .whereNot({ status: 'cleared' })
        .first()),
    10_000,
    `${s.id} alarm cleared`,
  );
}

export const consoleNotes = (w: AlertingWorld, userId: string, alarmId: string) =>
  w.server.ctx.knex('notifications').where({ user_id: userId, ref_type: 'alarm', ref_id: alarmId });

export const logOf = (w: AlertingWorld, alarmId: string) =>
  w.server.ctx.knex('alert_delivery_log').where({ alarm_id: alarmId }).orderBy('seq');

/** Waits a little and lets every pass finish, so "nothing more arrived" means something. */
export async function quiet(w: AlertingWorld, ms = 400): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
  await w.server.alerting.engine.settled();
}
