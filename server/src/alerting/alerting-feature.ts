/**
 * Alerting (issue 14, routing and channels): who hears of an alarm, when and how. app.ts hands
 * every published alarm change to `onAlarmChange`; the engine plans and sends; the routes
 * let admins set it up and read the delivery log. README.md beside this file has the model.
 */
import type { AlertingStatus, Screen } from '../../../protocol';
import type { NotificationService } from '../chat/notifications';
import type { Feature, ServerContext } from '../context';
import { smtpSettings } from './alerting-config';
import { AlertingEngine, type Clock } from './alerting-engine';
import { alertingRoutes } from './alerting-routes';
import { EmailSender } from './channels/senders';

export interface AlertingFeature extends Feature {
  onAlarmChange: AlertingEngine['onAlarmChange'];
  /** The time alerting reads (schedules, escalations, retries); tests move it. */
  clock: Clock;
  engine: AlertingEngine;
}

export function createAlertingFeature(
  ctx: ServerContext,
  deps: {
    screenOf(id: string): Screen | undefined;
    notifications: Pick<NotificationService, 'deliver'>;
    alarmIsActive(alarmId: string): Promise<boolean>;
  },
): AlertingFeature {
  const config = ctx.config.alerting;
  const clock: Clock = { now: () => Date.now() };
  const smtp = smtpSettings(config);
  const email = smtp ? new EmailSender(smtp) : null;
  const engine = new AlertingEngine({
    knex: ctx.knex,
    log: ctx.log,
    config,
    clock: { now: () => clock.now() },
    screenOf: deps.screenOf,
    notifications: deps.notifications,
    alarmIsActive: deps.alarmIsActive,
    email,
  });
  const status = (): AlertingStatus => ({
    email: smtp
      ? { enabled: true, detail: `Alarm e-mail goes out through ${smtp.describe} as ${smtp.from}` }
      : {
          enabled: false,
          detail: 'Alarm e-mail is off: no SMTP server is configured (SMTP_URL or SMTP_HOST)',
        },
    webhooks: { privateAddresses: config.webhooksAllowPrivate },
  });
  return {
    name: 'alerting',
    clock,
    engine,
    onAlarmChange: (alarm, isNew, reopened) => engine.onAlarmChange(alarm, isNew, reopened),
    registerRoutes(router) {
      router.use(alertingRoutes({ knex: ctx.knex, config, now: () => clock.now(), status }));
    },
    start() {
      if (smtp)
        ctx.log.info({ smtp: smtp.describe, from: smtp.from }, 'alerting: e-mail channel on');
      else ctx.log.info('alerting: e-mail channel off (no SMTP_URL or SMTP_HOST configured)');
      engine.start();
    },
    async stop() {
      await engine.stop();
      email?.close();
    },
  };
}
