/** Server configuration from the environment, validated once at start. */
import path from 'node:path';
import { z } from 'zod';
import { describeZodError } from '../../protocol';

const port = z.coerce.number().int().min(0).max(65535);

export const ServerConfig = z.object({
  /** HTTP + Socket.IO port; 0 picks a free one (tests). */
  port: port.default(4000),
  host: z.string().default('0.0.0.0'),
  /** External broker; when absent the embedded Aedes broker listens on mqttPort. */
  mqttUrl: z.string().url().optional(),
  mqttPort: port.default(1883),
  dataDir: z.string().default('./data'),
  /** `postgres://...` or `sqlite:/path/file.db`; default a SQLite file under dataDir. */
  databaseUrl: z.string().optional(),
  redisUrl: z.string().optional(),
  adminEmail: z.string().email().optional(),
  adminPassword: z.string().min(8).optional(),
  /** How often coalesced screen changes are written and fanned out. */
  statusTickMs: z.coerce.number().int().min(5).max(5000).default(50),
  sessionTtlHours: z.coerce
    .number()
    .positive()
    .default(24 * 7),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});
export type ServerConfig = z.infer<typeof ServerConfig>;
export type ServerConfigInput = z.input<typeof ServerConfig>;

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const raw = {
    port: env.PORT,
    host: env.HOST,
    mqttUrl: env.MQTT_URL || undefined,
    mqttPort: env.MQTT_PORT,
    dataDir: env.MARQUEE_DATA_DIR,
    databaseUrl: env.DATABASE_URL || undefined,
    redisUrl: env.REDIS_URL || undefined,
    adminEmail: env.MARQUEE_ADMIN_EMAIL || undefined,
    adminPassword: env.MARQUEE_ADMIN_PASSWORD || undefined,
    statusTickMs: env.MARQUEE_STATUS_TICK_MS,
    logLevel: env.LOG_LEVEL,
  };
  const parsed = ServerConfig.safeParse(raw);
  if (!parsed.success) throw new Error(`invalid configuration: ${describeZodError(parsed.error)}`);
  return parsed.data;
}

export function resolveDatabaseUrl(config: ServerConfig): string {
  return config.databaseUrl ?? `sqlite:${path.resolve(config.dataDir, 'marquee.db')}`;
}
