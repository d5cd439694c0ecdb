/**
 * The agent's configuration file: one JSON document validated here, before anything connects.
 * Secrets may come from the environment instead of the file (MARQUEE_AGENT_PASSWORD, ...), so a
 * config can be copied between screens and kept in version control without the password.
 */
import { readFileSync } from 'node:fs';
import { platform } from 'node:os';
import { z } from 'zod';
import { CommandType, ScreenId, commandTypes } from '../../protocol';

const positiveMs = z.number().int().positive();

/** Where a probe reads one value from. `field` is a dot path into a JSON answer. */
export const ProbeSpec = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('exec'),
      /** Program to run with execFile: never a shell string, arguments are passed as-is. */
      file: z.string().min(1),
      args: z.array(z.string()).default([]),
      timeoutMs: positiveMs.default(5000),
      field: z.string().min(1).optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('file'),
      path: z.string().min(1),
      field: z.string().min(1).optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('http'),
      url: z.url({ protocol: /^https?$/ }),
      timeoutMs: positiveMs.default(3000),
      field: z.string().min(1).optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('static'),
      value: z.union([z.string(), z.number(), z.null(), z.record(z.string(), z.unknown())]),
    })
    .strict(),
]);
export type ProbeSpec = z.infer<typeof ProbeSpec>;

/** How a command is carried out when the player does not carry it out itself. */
export const HandlerSpec = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('exec'),
      file: z.string().min(1),
      /** `{brightness}` and `{power}` are replaced by the command's parameter, as one argument. */
      args: z.array(z.string()).default([]),
      timeoutMs: positiveMs.optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('http'),
      url: z.url({ protocol: /^https?$/ }),
      method: z.enum(['POST', 'PUT']).default('POST'),
      timeoutMs: positiveMs.optional(),
    })
    .strict(),
]);
export type HandlerSpec = z.infer<typeof HandlerSpec>;

/**
 * How a screenshot is taken: a program that writes the image (PNG, JPEG or X11 XWD) to
 * stdout, run with a timeout and a cap on what it may write. `exec` runs the file with its
 * arguments as-is (no shell); `shell` runs the one command line written in this config file with
 * /bin/sh (for pipes such as `xwd -root | convert xwd:- png:-`); `http` GETs the player's own
 * screenshot URL.
 */
const captureLimits = {
  timeoutMs: positiveMs.default(10_000),
  /** What the capture may write before it is stopped (a 4K RGBA XWD is ~33 MB). */
  maxBytes: z
    .number()
    .int()
    .min(1024)
    .max(256 * 1024 * 1024)
    .default(64 * 1024 * 1024),
};
export const CaptureSpec = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('exec'),
      file: z.string().min(1),
      args: z.array(z.string()).default([]),
      /** Extra environment (e.g. DISPLAY, WAYLAND_DISPLAY, XAUTHORITY). */
      env: z.record(z.string(), z.string()).default({}),
      ...captureLimits,
    })
    .strict(),
  z
    .object({
      kind: z.literal('shell'),
      command: z.string().min(1),
      env: z.record(z.string(), z.string()).default({}),
      ...captureLimits,
    })
    .strict(),
  z
    .object({ kind: z.literal('http'), url: z.url({ protocol: /^https?$/ }), ...captureLimits })
    .strict(),
]);
export type CaptureSpec = z.infer<typeof CaptureSpec>;

/** Screenshots and blank/frozen detection (device-agent/README.md, "Screenshots"). */
const ScreenshotsConfig = z
  .object({
    /** Absent: the player takes them itself (the simulated player renders what it plays). */
    capture: CaptureSpec.optional(),
    /**
     * How often the screen is captured to look for a blank or frozen picture (nothing is
     * uploaded for that). Absent: every 60 s when `capture` is configured, never otherwise
     * (a simulated fleet of a thousand would render all the time). 0: never.
     */
    watchIntervalMs: z.union([z.literal(0), z.number().int().min(200)]).optional(),
    /** Upload every Nth-ms watched capture too (0: only on command and as a fault's evidence). */
    uploadEveryMs: z.union([z.literal(0), z.number().int().min(1000)]).default(0),
    /** A picture whose luma spread (1st to 99th percentile, 0–255) is at most this is blank. */
    blankMaxLumaRange: z.number().min(0).max(255).default(16),
    /** Consecutive blank captures before `blank_screen` (one black frame between creatives is not). */
    blankAfterCaptures: z.number().int().min(1).max(100).default(2),
    /** Two captures whose mean luma difference (0–255) is at most this are the same picture. */
    frozenMaxDiff: z.number().min(0).max(255).default(1.5),
    /** The same picture for this long is `frozen_screen` (longer than any creative should stay). */
    frozenAfterMs: z
      .number()
      .int()
      .min(100)
      .default(10 * 60_000),
    /** Upload the capture that raised a fault, as its evidence. */
    uploadFaultEvidence: z.boolean().default(true),
    uploadTimeoutMs: positiveMs.default(30_000),
  })
  .strict();
export type ScreenshotsConfig = z.infer<typeof ScreenshotsConfig>;

const SimulatedPlayerConfig = z
  .object({
    type: z.literal('simulated'),
    /** How long each creative of the simulated playlist stays on screen. */
    slotMs: positiveMs.default(15_000),
    /** Chance per minute of a simulated fault (signal loss, fan); 0 turns faults off. */
    faultsPerHour: z.number().min(0).max(3600).default(0.5),
    /** Chance per day of a spontaneous simulated reboot. */
    rebootsPerDay: z.number().min(0).max(1440).default(0.2),
    /**
     * The creatives to rotate, in order (a booked campaign's id, say); absent: a believable
     * random playlist from the built-in catalogue.
     */
    playlist: z
      .array(
        z
          .object({
            campaignId: z.string().min(1).max(128),
            creativeId: z.string().min(1).max(128),
            title: z.string().max(200).default(''),
          })
          .strict(),
      )
      .min(1)
      .max(100)
      .optional(),
    /** Simulate host metrics too (fleets: a thousand screens should not report one host). */
    simulateSystem: z.boolean().default(false),
    /** Commands the simulated player carries out itself. */
    commands: z.array(CommandType).default([...commandTypes]),
    /** The simulated panel refuses brightness and power changes (to see drift in tests). */
    displayFails: z.boolean().default(false),
  })
  .strict();

const ExternalPlayerConfig = z.object({ type: z.literal('external') }).strict();

export const PlayerConfig = z.discriminatedUnion('type', [
  SimulatedPlayerConfig,
  ExternalPlayerConfig,
]);
export type PlayerConfig = z.infer<typeof PlayerConfig>;
export type SimulatedPlayerConfig = z.infer<typeof SimulatedPlayerConfig>;

const BrokerConfig = z
  .object({
    url: z.url({
      protocol: /^(mqtts?|wss?)$/,
      error: 'must be an mqtt://, mqtts://, ws:// or wss:// URL',
    }),
    username: z.string().min(1).optional(),
    password: z.string().min(1).optional(),
    /** 5 is the contract; 'auto' falls back to 3.1.1 for brokers without MQTT 5 (Aedes). */
    protocolVersion: z.union([z.literal(5), z.literal(4), z.literal('auto')]).default('auto'),
    /**
     * How often the link is proven alive. A frozen agent or a power cut leaves the TCP
     * connection open, and the broker sends the Will only after 1.5 × keepalive without a
     * packet. Aedes times that exactly (5 s → 7.5 s); Mosquitto 2.0.11 counts whole seconds and
     * looks only every ~6 s, so 5 s → `lost` within 8–14 s there (8 s took up to 19 s: over
     * the 15 s target). An idle agent sends a 2-byte PINGREQ every 5 s; nothing else changes.
     */
    keepaliveS: z.number().int().min(5).max(3600).default(5),
    /** How long the broker keeps the session (subscription + queued commands) while offline. */
    sessionExpiryS: z
      .number()
      .int()
      .min(0)
      .max(4_294_967_295)
      .default(7 * 24 * 3600),
    connectTimeoutMs: positiveMs.default(10_000),
    reconnectMinMs: positiveMs.default(1_000),
    reconnectMaxMs: positiveMs.default(60_000),
    /** PEM file of the CA that signed the broker's certificate, for mqtts:// with a private CA. */
    caFile: z.string().min(1).optional(),
  })
  .strict()
  .refine((b) => b.reconnectMaxMs >= b.reconnectMinMs, {
    message: 'must be >= reconnectMinMs',
    path: ['reconnectMaxMs'],
  });

export const AgentConfig = z
  .object({
    screenId: ScreenId,
    broker: BrokerConfig,
    /** Holds the event queue and the record of commands already run. */
    dataDir: z.string().min(1),
    telemetryIntervalMs: z.number().int().min(100).default(10_000),
    /** How often the desired power schedule is checked against the clock (device-agent/README.md). */
    desiredCheckMs: z.number().int().min(10).max(60_000).default(15_000),
    /**
     * MQTT 5 Will Delay Interval. 0: the console learns of a crash at once (≤ 2 s); short
     * blips are absorbed by the server's alarm grace period, not by hiding the state.
     */
    willDelayS: z.number().int().min(0).max(86_400).default(0),
    player: PlayerConfig.prefault({ type: 'simulated' }),
    /** Probes override what the player reports; each is optional. */
    probes: z
      .object({
        power: ProbeSpec.optional(),
        brightness: ProbeSpec.optional(),
        content: ProbeSpec.optional(),
        temperatureC: ProbeSpec.optional(),
        /** How often display/content probes are polled to notice a change between telemetry. */
        pollMs: positiveMs.default(5_000),
      })
      .strict()
      .prefault({}),
    system: z
      .object({
        diskPath: z
          .string()
          .min(1)
          .default(platform() === 'win32' ? 'C:\\' : '/'),
        /** Network interface to report; the first non-internal IPv4 one when absent. */
        iface: z.string().min(1).optional(),
      })
      .strict()
      .prefault({}),
    commands: z.partialRecord(CommandType, HandlerSpec).default({}),
    commandTimeoutMs: positiveMs.default(30_000),
    /**
     * The server's HTTP address, where screenshots are uploaded. Absent: the broker's host with
     * http:// (https:// for mqtts:// and wss://) on port 4000, the server's default PORT.
     */
    httpUrl: z
      .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
      .optional(),
    screenshots: ScreenshotsConfig.prefault({}),
    queue: z
      .object({
        maxEvents: z.number().int().min(1).max(1_000_000).default(1_000),
        /** fsync every append; off only for simulated fleets where losing events is harmless. */
        fsync: z.boolean().default(true),
      })
      .strict()
      .prefault({}),
    logLevel: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  })
  .strict()
  .refine((c) => c.player.type !== 'external' || (c.probes.power && c.probes.brightness), {
    message: 'an external player needs probes.power and probes.brightness (use kind "static")',
    path: ['probes'],
  });
export type AgentConfig = z.infer<typeof AgentConfig>;
export type AgentConfigInput = z.input<typeof AgentConfig>;

/** A config problem, worded as the single line the agent prints before exiting. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Environment variables that override secrets in the file. */
export const SECRET_ENV = {
  MARQUEE_AGENT_USERNAME: 'username',
  MARQUEE_AGENT_PASSWORD: 'password',
} as const;

function applyEnvOverrides(raw: unknown, env: NodeJS.ProcessEnv): unknown {
  if (typeof raw !== 'object' || raw === null) return raw;
  const doc = raw as Record<string, unknown>;
  const broker =
    typeof doc.broker === 'object' && doc.broker !== null
      ? { ...(doc.broker as Record<string, unknown>) }
      : doc.broker;
  if (typeof broker !== 'object' || broker === null) return raw;
  for (const [name, field] of Object.entries(SECRET_ENV)) {
    const value = env[name];
    if (value !== undefined && value !== '') (broker as Record<string, unknown>)[field] = value;
  }
  return { ...doc, broker };
}

/** Validates an already-parsed document; throws ConfigError naming the first bad field. */
export function parseConfig(raw: unknown, env: NodeJS.ProcessEnv = {}): AgentConfig {
  const result = AgentConfig.safeParse(applyEnvOverrides(raw, env));
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  // An unknown key is named itself (a typo like "telemetryIntervalMS" is the usual cause).
  const path =
    issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0] ?? ''] : issue.path;
  const field = path.length > 0 ? path.map(String).join('.') : '(root)';
  const message = issue.code === 'unrecognized_keys' ? 'unknown field' : issue.message;
  throw new ConfigError(`${field}: ${message}`);
}

/** Reads, parses and validates a config file. */
export function loadConfig(file: string, env: NodeJS.ProcessEnv = process.env): AgentConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? err}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${file} is not valid JSON: ${(err as Error).message}`);
  }
  return parseConfig(raw, env);
}
