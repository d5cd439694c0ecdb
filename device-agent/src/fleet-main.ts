/**
 * `npm run fleet -- --screens N [--server URL] [--broker URL]`: N simulated agents in one
 * process, provisioned against a running server. Admin credentials come from
 * MARQUEE_ADMIN_EMAIL / MARQUEE_ADMIN_PASSWORD.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { startFleet } from './fleet';
import { createLogger, errorText } from './log';

const Args = z.object({
  screens: z.coerce.number().int().min(1).max(20_000),
  server: z.url({ protocol: /^https?$/ }),
  broker: z.url({ protocol: /^(mqtts?|wss?)$/ }),
  dataDir: z.string().min(1),
  prefix: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/),
  interval: z.coerce.number().int().min(100),
});

const USAGE =
  'usage: npm run fleet -- --screens N [--server URL] [--broker URL] [--data-dir DIR] [--prefix ID] [--interval MS]';

function fail(line: string): never {
  process.stderr.write(`marquee-fleet: ${line}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  let values: Record<string, string | undefined>;
  try {
    values = parseArgs({
      options: {
        screens: { type: 'string', short: 'n' },
        server: { type: 'string' },
        broker: { type: 'string' },
        'data-dir': { type: 'string' },
        prefix: { type: 'string' },
        interval: { type: 'string' },
      },
    }).values;
  } catch (err) {
    fail(`${errorText(err)}; ${USAGE}`);
  }
  const parsed = Args.safeParse({
    screens: values.screens,
    server: values.server ?? process.env.MARQUEE_SERVER_URL ?? 'http://127.0.0.1:4000',
    broker: values.broker ?? process.env.MQTT_URL ?? 'mqtt://127.0.0.1:1883',
    dataDir: resolve(values['data-dir'] ?? './data/fleet'),
    prefix: values.prefix ?? 'sim',
    interval: values.interval ?? 10_000,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    fail(`--${issue.path.join('.')}: ${issue.message}; ${USAGE}`);
  }
  const args = parsed.data;
  const log = createLogger('info', { component: 'fleet' });
  const fleet = await startFleet({
    serverUrl: args.server,
    email: process.env.MARQUEE_ADMIN_EMAIL ?? 'admin@marquee.local',
    password: process.env.MARQUEE_ADMIN_PASSWORD ?? 'marquee-admin',
    count: args.screens,
    brokerUrl: args.broker,
    dataDir: args.dataDir,
    idPrefix: args.prefix,
    telemetryIntervalMs: args.interval,
    log: log,
  });
  log.info('fleet running', { screens: fleet.screenIds.length, broker: args.broker });

  let stopping = false;
  const shutdown = () => {
    if (stopping) process.exit(1);
    stopping = true;
    log.info('fleet stopping');
    fleet.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error('fleet stop failed', { error: errorText(err) });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main().catch((err: unknown) => {
  process.stderr.write(`marquee-fleet: ${errorText(err)}\n`);
  process.exit(1);
});
