/**
 * The channels that leave the server: e-mail over SMTP (nodemailer) and webhooks (fetch).
 * Each throws a SendError saying whether trying again may help; the dispatcher decides when.
 */
import { createHash } from 'node:crypto';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Webhook } from '../../../../protocol';
import type { SmtpSettings } from '../alerting-config';
import type { AlertMessage } from '../message';
import { refuseResolvedPrivate } from './webhook-address';
import { webhookBody } from './webhook-payloads';

export class SendError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

const WEBHOOK_TIMEOUT_MS = 10_000;

export async function sendWebhook(
  hook: Webhook,
  m: AlertMessage,
  allowPrivate: boolean,
): Promise<void> {
  const refused = await refuseResolvedPrivate(hook.url, allowPrivate).catch(
    (err: unknown) => `cannot resolve the webhook's host: ${(err as Error).message}`,
  );
  if (refused) throw new SendError(refused, refused.startsWith('cannot resolve'));
  let res: Response;
  try {
    res = await fetch(hook.url, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Marquee-Alerting/1',
        'idempotency-key': m.key ?? '',
      },
      body: JSON.stringify(webhookBody(hook.format, m)),
      signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
    });
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    throw new SendError(`could not reach the webhook: ${e.cause?.code ?? e.message}`, true);
  }
  await res.body?.cancel().catch(() => undefined);
  if (res.status >= 200 && res.status < 300) return;
  // Timeouts, rate limits and server errors pass; a refused or missing endpoint does not.
  const retryable = res.status === 408 || res.status === 429 || res.status >= 500;
  throw new SendError(
    res.status >= 300 && res.status < 400
      ? `the webhook answered ${res.status} (a redirect; redirects are not followed)`
      : `the webhook answered ${res.status}`,
    retryable,
  );
}

export class EmailSender {
  private readonly transport: Transporter;

  constructor(private readonly smtp: SmtpSettings) {
    // Bounded well inside a delivery's lease, so a hung SMTP server is a failed attempt
    // (retried) rather than a send another node takes over while this one still waits.
    this.transport = nodemailer.createTransport({
      ...smtp.transport,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    } as never);
  }

  async send(m: AlertMessage): Promise<void> {
    if (!m.address) throw new SendError('no e-mail address', false);
    // The Message-ID is derived from the idempotency key: a repeat after a crash carries the
    // same id, which mail systems and clients use to drop duplicates.
    const digest = createHash('sha256')
      .update(m.key ?? '')
      .digest('hex')
      .slice(0, 32);
    try {
      await this.transport.sendMail({
        from: this.smtp.from,
        to: m.address,
        subject: m.title,
        text: `${m.body}\n\n${m.screen ? `Screen: ${m.screen.name} (${m.screen.id})\n` : ''}${m.site ? `Site: ${m.site}\n` : ''}Severity: ${m.alarm.severity}\nKind: ${m.alarm.kind}\nAlarm: ${m.alarm.id}\n`,
        messageId: `<${digest}@marquee.alerting>`,
        headers: { 'X-Marquee-Idempotency-Key': m.key ?? '', 'X-Marquee-Event': m.event },
      });
    } catch (err) {
      const e = err as Error & { responseCode?: number };
      // 5xx: the server refused this message for good (bad address, policy); the rest passes.
      const permanent = typeof e.responseCode === 'number' && e.responseCode >= 500;
      throw new SendError(`SMTP: ${e.message}`, !permanent);
    }
  }

  close(): void {
    this.transport.close();
  }
}
