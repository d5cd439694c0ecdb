/** Server configuration from the environment, validated once at start. */
import path from 'node:path';
import { z } from 'zod';
import { describeZodError } from '../../protocol';
import { AlertingConfig, alertingConfigFromEnv } from './alerting/alerting-config';

const port = z.coerce.number().int().min(0).max(65535);

export const ServerConfig = z.object({
  /** HTTP + Socket.IO port; 0 picks a free one (tests). */
  port: port.default(4000),
  host: z.string().default('0.0.0.0'),
  /** External broker; when absent the embedded Aedes broker listens on mqttPort. */
  mqttUrl: z.string().url().optional(),
  mqttPort: port.default(1883),
  /**
   * Mosquitto with the dynamic security plugin: the server provisions, rotates and removes
   * device logins live over `$CONTROL/dynamic-security/v1` with MQTT_URL's login.
   */
  mqttDynsec: z.boolean().default(false),
  /**
   * The broker address written into screens' agent configs (provisioning), when screens reach
   * the broker by another name than the server does (a public host, mqtts://). Default: the
   * server's own broker address without its login.
   */
  deviceBrokerUrl: z.string().url().optional(),
  /**
   * The server's public HTTP address (`https://marquee.example.com`), written into screens'
   * agent configs as `httpUrl` (where screenshots are uploaded). Default: the address the
   * admin's console used to register the screen (provisioning.ts).
   */
  publicUrl: z
    .url({ protocol: /^https?$/, error: 'MARQUEE_PUBLIC_URL must be an http:// or https:// URL' })
    .transform((u) => u.replace(/\/+$/, ''))
    .optional(),
  dataDir: z.string().default('./data'),
  /** `postgres://...` or `sqlite:/path/file.db`; default a SQLite file under dataDir. */
  databaseUrl: z.string().optional(),
  redisUrl: z.string().optional(),
  adminEmail: z.string().email().optional(),
  adminPassword: z.string().min(8).optional(),
  /**
   * How often coalesced screen changes are written and fanned out. 25 ms: the same bench run
   * at 5,000 msg/s gave console p99 44 ms at 25 ms against 75–83 ms at 50 ms, at the same
   * server CPU (bench/README.md).
   */
  statusTickMs: z.coerce.number().int().min(5).max(5000).default(25),
  sessionTtlHours: z.coerce
    .number()
    .positive()
    .default(24 * 7),
  /** Alarms: how long a screen may be lost/offline before it is an alarm (blips are not). */
  alarmGraceMs: z.coerce.number().int().min(0).default(30_000),
  /** Alarms: an online agent silent this long is "connected but silent". */
  heartbeatTimeoutMs: z.coerce.number().int().min(1000).default(45_000),
  temperatureMaxC: z.coerce.number().default(75),
  /** Alarms: this many state changes within flapWindowMs mark a screen's alarm as flapping. */
  flapTransitions: z.coerce.number().int().min(2).default(4),
  flapWindowMs: z.coerce
    .number()
    .int()
    .min(1000)
    .default(10 * 60_000),
  /**
   * Alarms: this many screens of one site down together make one site alarm instead of one
   * alarm each (server/src/alarms/README.md, storms). 0 turns grouping off.
   */
  stormMinScreens: z.coerce
    .number()
    .int()
    .refine((n) => n === 0 || n >= 2, 'MARQUEE_STORM_MIN_SCREENS must be 0 (off) or at least 2')
    .default(5),
  /** Desired state: a screen reporting other than desired this long is drift (server/src/desired-state/). */
  driftGraceMs: z.coerce.number().int().min(0).default(15_000),
  /** Desired state: the time zone of schedules that name none (default: the server's own). */
  desiredTimeZone: z.string().optional(),
  /** How often alarm timers and command expiry are evaluated (against the database). */
  sweepMs: z.coerce.number().int().min(50).default(2000),
  /** Telemetry history: full resolution this long, then 5-minute averages; pruned after retention. */
  telemetryRawDays: z.coerce.number().positive().default(2),
  telemetryRetentionDays: z.coerce.number().positive().default(30),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /**
   * Whose X-Forwarded-For to believe (the client address for sign-in limits). Default off: the
   * TCP peer is the client. Behind a reverse proxy name it: `loopback`, addresses or CIDRs
   * (comma-separated), or a hop count — as Express's `trust proxy` takes them.
   */
  trustProxy: z
    .union([z.boolean(), z.number().int().min(0), z.string()])
    .default(false)
    .transform((v, ctx): boolean | number | string => {
      if (typeof v !== 'string') return v;
      const t = v.trim().toLowerCase();
      if (t === '' || t === 'off' || t === 'false' || t === 'no') return false;
      if (t === 'true' || t === 'all' || t === 'on') {
        ctx.addIssue({
          code: 'custom',
          message:
            "TRUST_PROXY=true would believe any client's X-Forwarded-For; name the proxy instead (loopback, its address or CIDR, or a hop count)",
        });
        return z.NEVER;
      }
      return /^\d+$/.test(t) ? Number(t) : v.trim();
    }),
  /** Concurrent sockets one user may hold (per node); the next one is refused. */
  maxSocketsPerUser: z.coerce.number().int().min(1).max(1000).default(8),
  /** How often expired and revoked sessions are deleted (also done for a user at sign-in). */
  sessionPruneMs: z.coerce
    .number()
    .int()
    .min(100)
    .default(10 * 60_000),
  /** Who may read /metrics (http/metrics-route.ts): loopback-only unless opened. */
  metrics: z.enum(['off', 'loopback', 'public', 'token']).default('loopback'),
  metricsToken: z.string().optional(),
  /** Screenshots (server/src/screenshots/README.md): where the image files are kept. */
  screenshotDir: z.string().optional(),
  /** The largest upload taken, refused before the device's credentials are checked. */
  screenshotMaxBytes: z.coerce
    .number()
    .int()
    .min(1024)
    .max(64 * 1024 * 1024)
    .default(8 * 1024 * 1024),
  /** Images are scaled down to fit this many pixels on their longer side. */
  screenshotMaxSide: z.coerce.number().int().min(64).max(8192).default(1920),
  /** Retention per screen: the newest this many, and none older than screenshotMaxAgeDays. */
  screenshotsKeep: z.coerce.number().int().min(1).max(100_000).default(50),
  screenshotMaxAgeDays: z.coerce.number().positive().default(30),
  /** How often the per-tag screenshot schedules are looked at. */
  screenshotScheduleTickMs: z.coerce.number().int().min(50).default(30_000),
  /** Alarm routing and channels: SMTP, webhooks, retries (alerting/alerting-config.ts). */
  alerting: AlertingConfig.default(AlertingConfig.parse({})),
  /** Files in chat (server/src/chat/README.md "Attachments"): where, how big, how long. */
  attachmentDir: z.string().optional(),
  attachmentMaxBytes: z.coerce
    .number()
    .int()
    .min(1024)
    .max(256 * 1024 * 1024)
    .default(10 * 1024 * 1024),
  /** Days an attachment is kept; 0 keeps them for ever. */
  attachmentRetentionDays: z.coerce.number().min(0).default(365),
});
export type ServerConfig = z.infer<typeof ServerConfig>;
export type ServerConfigInput = z.input<typeof ServerConfig>;

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const raw = {
    port: env.PORT,
    host: env.HOST,
    mqttUrl: env.MQTT_URL || undefined,
    mqttPort: env.MQTT_PORT,
    mqttDynsec: env.MQTT_DYNSEC === '1' || env.MQTT_DYNSEC === 'true',
    deviceBrokerUrl: env.MARQUEE_DEVICE_BROKER_URL || undefined,
    publicUrl: env.MARQUEE_PUBLIC_URL || undefined,
    dataDir: env.MARQUEE_DATA_DIR,
    databaseUrl: env.DATABASE_URL || undefined,
    redisUrl: env.REDIS_URL || undefined,
    adminEmail: env.MARQUEE_ADMIN_EMAIL || undefined,
    adminPassword: env.MARQUEE_ADMIN_PASSWORD || undefined,
    statusTickMs: env.MARQUEE_STATUS_TICK_MS,
    logLevel: env.LOG_LEVEL,
    alarmGraceMs: env.MARQUEE_ALARM_GRACE_MS,
    driftGraceMs: env.MARQUEE_DRIFT_GRACE_MS,
    desiredTimeZone: env.MARQUEE_TIME_ZONE || undefined,
    heartbeatTimeoutMs: env.MARQUEE_HEARTBEAT_TIMEOUT_MS,
    temperatureMaxC: env.MARQUEE_TEMPERATURE_MAX_C,
    flapTransitions: env.MARQUEE_FLAP_TRANSITIONS,
    flapWindowMs: env.MARQUEE_FLAP_WINDOW_MS,
    stormMinScreens: env.MARQUEE_STORM_MIN_SCREENS,
    telemetryRawDays: env.MARQUEE_TELEMETRY_RAW_DAYS,
    telemetryRetentionDays: env.MARQUEE_TELEMETRY_RETENTION_DAYS,
    trustProxy: env.TRUST_PROXY,
    maxSocketsPerUser: env.MARQUEE_MAX_SOCKETS_PER_USER,
    sessionPruneMs: env.MARQUEE_SESSION_PRUNE_MS,
    metrics: env.METRICS || undefined,
    metricsToken: env.METRICS_TOKEN || undefined,
    screenshotDir: env.MARQUEE_SCREENSHOT_DIR || undefined,
    screenshotMaxBytes: env.MARQUEE_SCREENSHOT_MAX_BYTES,
    screenshotMaxSide: env.MARQUEE_SCREENSHOT_MAX_SIDE,
    screenshotsKeep: env.MARQUEE_SCREENSHOTS_KEEP,
    screenshotMaxAgeDays: env.MARQUEE_SCREENSHOT_MAX_AGE_DAYS,
    screenshotScheduleTickMs: env.MARQUEE_SCREENSHOT_SCHEDULE_TICK_MS,
    alerting: alertingConfigFromEnv(env),
    attachmentDir: env.MARQUEE_ATTACHMENT_DIR || undefined,
    attachmentMaxBytes: env.MARQUEE_ATTACHMENT_MAX_BYTES,
    attachmentRetentionDays: env.MARQUEE_ATTACHMENT_RETENTION_DAYS,
  };
  const parsed = ServerConfig.safeParse(raw);
  if (!parsed.success) throw new Error(`invalid configuration: ${describeZodError(parsed.error)}`);
  return parsed.data;
}

export function resolveDatabaseUrl(config: ServerConfig): string {
  return config.databaseUrl ?? `sqlite:${path.resolve(config.dataDir, 'marquee.db')}`;
}
