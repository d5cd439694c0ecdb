/**
 * Alarm routing to real channels: a real SMTP server and a real HTTP receiver on this machine,
 * a screen lost through the real MQTT ingest path, on SQLite and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeliveryLogPage } from '../../protocol';
import { testDatabases } from '../../test/helpers/databases';
import { api, waitFor } from '../../test/helpers/server';
import {
  addRoute,
  addScreen,
  addWebhook,
  bringBack,
  consoleNotes,
  logOf,
  loseScreen,
  quiet,
  startAlertingWorld,
  type AlertingWorld,
} from './alerting-fixtures';

describe.each(testDatabases())(
  'alerting: routes to e-mail, webhooks and consoles (%s)',
  (dbKind) => {
    let w: AlertingWorld;
    beforeAll(async () => {
      w = await startAlertingWorld(dbKind);
    }, 60_000);
    afterAll(async () => {
      await w?.close();
    });

    it('sends one e-mail and one webhook to the routed person only, and one "back online" when the screen returns', async () => {
      const { ana, ben } = w.people;
      const hook = await addWebhook(w, '/north');
      await addRoute(w, {
        name: 'North to Ana',
        tags: ['region:north'],
        minSeverity: 'warning',
        steps: [{ type: 'user', id: ana!.id }],
        channels: { console: true, email: true },
        webhookIds: [hook],
      });
      const screen = await addScreen(w, 'north-1', ['region:north']);
      const alarm = await loseScreen(w, screen);

      await waitFor(() => w.mail.to('ana@ops.test').length === 1, 10_000, 'e-mail to ana');
      await waitFor(() => w.hooks.taken('/north').length === 1, 10_000, 'webhook');
      await waitFor(
        async () => (await consoleNotes(w, ana!.id, alarm.id)).length === 1,
        5000,
        'console',
      );
      await quiet(w);
      const mail = w.mail.to('ana@ops.test')[0]!;
      expect(mail.subject).toBe('Critical: Screen north-1');
      expect(mail.from?.text).toContain('alarms@marquee.test');
      expect(mail.text).toContain('Screen: Screen north-1 (north-1)');
      expect(mail.headers.get('x-marquee-idempotency-key')).toBe(
        `${alarm.id}:raise:email:${ana!.id}`,
      );
      const hit = w.hooks.taken('/north')[0]!;
      expect(hit.headers['idempotency-key']).toBe(`${alarm.id}:raise:webhook:${hook}`);
      expect(hit.body).toMatchObject({
        event: 'alarm.raised',
        title: 'Critical: Screen north-1',
        alarm: { id: alarm.id, kind: 'lost', severity: 'critical' },
        screen: { id: 'north-1', tags: ['region:north'] },
      });
      // Nobody else: no mail, no console notification for the unrouted operator.
      expect(w.mail.mails).toHaveLength(1);
      expect(await consoleNotes(w, ben!.id, alarm.id)).toHaveLength(0);
      expect(w.hooks.hits.filter((h) => h.path === '/north')).toHaveLength(1);

      await bringBack(w, screen);
      await waitFor(() => w.mail.to('ana@ops.test').length === 2, 10_000, 'back-online e-mail');
      await waitFor(() => w.hooks.taken('/north').length === 2, 10_000, 'back-online webhook');
      await quiet(w);
      expect(w.mail.to('ana@ops.test')[1]!.subject).toBe('Back online: Screen north-1');
      expect(w.hooks.taken('/north')[1]!.body).toMatchObject({ event: 'alarm.cleared' });
      expect(w.mail.mails).toHaveLength(2);
      expect(await consoleNotes(w, ana!.id, alarm.id)).toHaveLength(2);
      expect(await consoleNotes(w, ben!.id, alarm.id)).toHaveLength(0);

      // The delivery log has each attempt, readable over REST by admins, newest first.
      const page = await api<DeliveryLogPage>(
        w.server,
        'GET',
        `/api/alerting/deliveries?alarmId=${alarm.id}`,
        undefined,
        w.token,
      );
      expect(page.status).toBe(200);
      expect(page.body.entries.map((e) => `${e.event}/${e.channel}/${e.status}`).sort()).toEqual(
        [
          'cleared/console/delivered',
          'cleared/email/delivered',
          'cleared/webhook/delivered',
          'raised/console/delivered',
          'raised/email/delivered',
          'raised/webhook/delivered',
        ].sort(),
      );
      expect(page.body.entries[0]!.seq).toBeGreaterThan(page.body.entries.at(-1)!.seq);
      const byPerson = await api<DeliveryLogPage>(
        w.server,
        'GET',
        `/api/alerting/deliveries?userId=${ana!.id}&status=delivered`,
        undefined,
        w.token,
      );
      expect(
        byPerson.body.entries.every((e) => e.recipientId === ana!.id && e.status === 'delivered'),
      ).toBe(true);
      expect(byPerson.body.entries.length).toBeGreaterThanOrEqual(4);
    });

    it('gives a webhook that fails twice the message on the third try, exactly once', async () => {
      const hook = await addWebhook(w, '/flaky');
      await addRoute(w, {
        name: 'Flaky receiver',
        tags: ['region:flaky'],
        steps: [{ type: 'user', id: w.people.cai!.id }],
        channels: { console: false, email: false },
        webhookIds: [hook],
      });
      w.hooks.failNext('/flaky', 2, 503);
      const screen = await addScreen(w, 'flaky-1', ['region:flaky']);
      const alarm = await loseScreen(w, screen);
      await waitFor(() => w.hooks.taken('/flaky').length === 1, 10_000, 'third try taken');
      await quiet(w, 600);
      const tries = w.hooks.hits.filter((h) => h.path === '/flaky');
      expect(tries.map((h) => h.status)).toEqual([503, 503, 200]);
      // All three carry the same idempotency key: one message, tried three times.
      expect(new Set(tries.map((h) => h.headers['idempotency-key'])).size).toBe(1);
      const log = (await logOf(w, alarm.id)).filter(
        (r: { channel: string }) => r.channel === 'webhook',
      );
      expect(
        log.map((r: { status: string; attempt: number }) => `${r.status}#${r.attempt}`),
      ).toEqual(['retrying#1', 'retrying#2', 'delivered#3']);
      expect(log[0].error).toBe('the webhook answered 503');
      await bringBack(w, screen);
    });

    it('gives up on a webhook that refuses for good (404) at once, and logs why', async () => {
      const hook = await addWebhook(w, '/gone');
      await addRoute(w, {
        name: 'Gone receiver',
        tags: ['region:gone'],
        steps: [{ type: 'user', id: w.people.cai!.id }],
        channels: { console: false, email: false },
        webhookIds: [hook],
      });
      w.hooks.failNext('/gone', 10, 404);
      const screen = await addScreen(w, 'gone-1', ['region:gone']);
      const alarm = await loseScreen(w, screen);
      await waitFor(
        async () =>
          (await logOf(w, alarm.id)).some((r: { status: string }) => r.status === 'failed'),
        10_000,
        'failed',
      );
      await quiet(w);
      expect(w.hooks.hits.filter((h) => h.path === '/gone')).toHaveLength(1);
      expect(
        (await logOf(w, alarm.id)).map((r: { status: string; error: string }) => [
          r.status,
          r.error,
        ]),
      ).toEqual([['failed', 'the webhook answered 404']]);
      await bringBack(w, screen);
    });

    it('sends Slack- and Teams-shaped bodies to those formats', async () => {
      const slack = await addWebhook(w, '/slack', 'slack');
      const teams = await addWebhook(w, '/teams', 'teams');
      await addRoute(w, {
        name: 'Chat rooms',
        tags: ['region:chat'],
        steps: [{ type: 'user', id: w.people.cai!.id }],
        channels: { console: false, email: false },
        webhookIds: [slack, teams],
      });
      const screen = await addScreen(w, 'chat-1', ['region:chat']);
      await loseScreen(w, screen);
      await waitFor(
        () => w.hooks.taken('/slack').length === 1 && w.hooks.taken('/teams').length === 1,
        10_000,
        'both',
      );
      expect(w.hooks.taken('/slack')[0]!.body).toEqual({
        text: expect.stringMatching(/^Critical: Screen chat-1 — /),
        blocks: [
          { type: 'header', text: { type: 'plain_text', text: 'Critical: Screen chat-1' } },
          { type: 'section', text: { type: 'mrkdwn', text: expect.any(String) } },
          {
            type: 'context',
            elements: [{ type: 'mrkdwn', text: 'critical · lost · Screen chat-1 (chat-1)' }],
          },
        ],
      });
      const card = w.hooks.taken('/teams')[0]!.body as {
        type: string;
        attachments: {
          contentType: string;
          content: { type: string; version: string; body: { text: string }[] };
        }[];
      };
      expect(card.type).toBe('message');
      expect(card.attachments).toHaveLength(1);
      expect(card.attachments[0]!.contentType).toBe('application/vnd.microsoft.card.adaptive');
      expect(card.attachments[0]!.content).toMatchObject({ type: 'AdaptiveCard', version: '1.4' });
      expect(card.attachments[0]!.content.body[0]!.text).toBe('Critical: Screen chat-1');
      await bringBack(w, screen);
    });

    it('still tells every operator and admin in the console when no route takes an alarm', async () => {
      const screen = await addScreen(w, 'nowhere-1', ['region:nowhere']);
      const before = w.mail.mails.length;
      const alarm = await loseScreen(w, screen);
      for (const p of Object.values(w.people))
        await waitFor(
          async () => (await consoleNotes(w, p.id, alarm.id)).length === 1,
          5000,
          `console of ${p.name}`,
        );
      await quiet(w);
      expect(w.mail.mails.length).toBe(before);
      await bringBack(w, screen);
    });
  },
);
