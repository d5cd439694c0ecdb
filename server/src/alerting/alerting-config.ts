/**
 * Alerting's part of the server configuration (ServerConfig.alerting), from the environment:
 *
 *   SMTP_URL                      smtp://user:pass@host:587 or smtps://…:465 (wins over the parts)
 *   SMTP_HOST, SMTP_PORT (587), SMTP_SECURE (1: TLS from the start, default when port is 465),
 *   SMTP_USER, SMTP_PASS
 *   SMTP_FROM                     the sender, default "Marquee <marquee@HOSTNAME>"
 *   MARQUEE_WEBHOOKS_ALLOW_PRIVATE=1   let webhooks reach loopback and private addresses
 *   MARQUEE_ALERT_TICK_MS         how often due deliveries and escalations are looked at (1000)
 *   MARQUEE_ALERT_RETRY_MS        the first retry's delay; each next one doubles (5000)
 *   MARQUEE_ALERT_ATTEMPTS        attempts per delivery before it is failed (5)
 *
 * No SMTP host → the e-mail channel is off, and the server says so once at startup.
 */
import os from 'node:os';
import { z } from 'zod';

const flag = z
  .union([z.boolean(), z.string()])
  .transform((v) => (typeof v === 'boolean' ? v : ['1', 'true', 'yes', 'on'].includes(v.trim())));

export const AlertingConfig = z.object({
  smtpUrl: z.string().optional(),
  smtpHost: z.string().optional(),
  smtpPort: z.coerce.number().int().min(1).max(65535).optional(),
  smtpSecure: flag.optional(),
  smtpUser: z.string().optional(),
  smtpPass: z.string().optional(),
  smtpFrom: z.string().optional(),
  webhooksAllowPrivate: flag.default(false),
  tickMs: z.coerce.number().int().min(20).max(60_000).default(1000),
  retryBaseMs: z.coerce.number().int().min(10).max(3_600_000).default(5000),
  maxAttempts: z.coerce.number().int().min(1).max(20).default(5),
  /** How long a claimed delivery is someone's before another node may take it over. */
  leaseMs: z.coerce.number().int().min(1000).default(60_000),
});
export type AlertingConfig = z.output<typeof AlertingConfig>;
export type AlertingConfigInput = z.input<typeof AlertingConfig>;

const nonEmpty = (v: string | undefined) => (v && v.trim() ? v : undefined);

export function alertingConfigFromEnv(env: NodeJS.ProcessEnv): AlertingConfigInput {
  return {
    smtpUrl: nonEmpty(env.SMTP_URL),
    smtpHost: nonEmpty(env.SMTP_HOST),
    smtpPort: nonEmpty(env.SMTP_PORT),
    smtpSecure: nonEmpty(env.SMTP_SECURE),
    smtpUser: nonEmpty(env.SMTP_USER),
    smtpPass: nonEmpty(env.SMTP_PASS),
    smtpFrom: nonEmpty(env.SMTP_FROM),
    webhooksAllowPrivate: nonEmpty(env.MARQUEE_WEBHOOKS_ALLOW_PRIVATE) ?? false,
    tickMs: nonEmpty(env.MARQUEE_ALERT_TICK_MS),
    retryBaseMs: nonEmpty(env.MARQUEE_ALERT_RETRY_MS),
    maxAttempts: nonEmpty(env.MARQUEE_ALERT_ATTEMPTS),
  };
}

export interface SmtpSettings {
  /** nodemailer SMTP options: `url`, or host/port/secure/auth. */
  transport: Record<string, unknown>;
  from: string;
  /** Where it goes, without the password (for the startup line). */
  describe: string;
}

/** The SMTP transport this configuration names, or null when e-mail is off. */
export function smtpSettings(c: AlertingConfig): SmtpSettings | null {
  const from = c.smtpFrom ?? `Marquee <marquee@${os.hostname() || 'localhost'}>`;
  if (c.smtpUrl) {
    const u = new URL(c.smtpUrl);
    return { transport: { url: c.smtpUrl }, from, describe: `${u.protocol}//${u.host}` };
  }
  if (!c.smtpHost) return null;
  const port = c.smtpPort ?? 587;
  const secure = c.smtpSecure ?? port === 465;
  return {
    transport: {
      host: c.smtpHost,
      port,
      secure,
      ...(c.smtpUser ? { auth: { user: c.smtpUser, pass: c.smtpPass ?? '' } } : {}),
    },
    from,
    describe: `${secure ? 'smtps' : 'smtp'}://${c.smtpHost}:${port}`,
  };
}
