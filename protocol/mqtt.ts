/**
 * MQTT payload schemas (agent ⇄ broker ⇄ server). Types are inferred from the schemas so the
 * validator and the type cannot drift. Every payload carries `ts` (ms epoch); agent-published
 * ones carry `bootId` (random per agent start) and `seq` (increasing within a boot).
 *
 * Protocol versions: the embedded broker (Aedes) speaks MQTT 3.1.1 only; Mosquitto speaks 5.
 * Agents ask for MQTT 5 and fall back to 3.1.1 when the broker refuses the protocol version
 * (CONNACK "unacceptable protocol version"); on 3.1.1 there is no Will Delay or session expiry,
 * so the Last Will fires as soon as the broker notices the connection is gone.
 */
import { z } from 'zod';
import { DesiredReport } from './desired-state';

/** Largest MQTT payload the server will parse; bigger ones are rejected unread. */
export const MAX_PAYLOAD_BYTES = 16 * 1024;

const ts = z.number().int().nonnegative();
const bootId = z.string().min(1).max(64);
const seq = z.number().int().nonnegative();
const agentStamp = { ts, bootId, seq };

export const commandTypes = [
  'reboot',
  'setBrightness',
  'setPower',
  'refreshContent',
  'screenshot',
] as const;
export const CommandType = z.enum(commandTypes);
export type CommandType = z.infer<typeof CommandType>;

export const ScreenState = z.enum(['online', 'offline', 'lost']);
export type ScreenState = z.infer<typeof ScreenState>;

export const StatePayload = z.object({
  ...agentStamp,
  state: ScreenState,
  agentVersion: z.string().min(1).max(32),
  capabilities: z.array(CommandType).max(commandTypes.length),
});
export type StatePayload = z.infer<typeof StatePayload>;

export const DisplayPower = z.enum(['on', 'off', 'standby']);
export type DisplayPower = z.infer<typeof DisplayPower>;

export const Content = z.object({
  creativeId: z.string().max(128),
  campaignId: z.string().max(128),
  title: z.string().max(256),
  since: ts,
});
export type Content = z.infer<typeof Content>;

const pct = z.number().min(0).max(100);

export const TelemetryPayload = z.object({
  ...agentStamp,
  cpu: z.object({ load1: z.number().nonnegative(), usagePct: pct }),
  memory: z.object({ usedPct: pct, totalMb: z.number().nonnegative() }),
  disk: z.object({ usedPct: pct, totalGb: z.number().nonnegative() }).nullable(),
  temperatureC: z.number().min(-60).max(200).nullable(),
  uptimeS: z.number().nonnegative(),
  display: z.object({ power: DisplayPower, brightness: z.number().int().min(0).max(100) }),
  content: Content.nullable(),
  network: z
    .object({
      iface: z.string().max(32).optional(),
      ip: z.string().max(64).optional(),
      rxBytes: z.number().nonnegative().optional(),
      txBytes: z.number().nonnegative().optional(),
    })
    .nullable(),
  /** The desired state the agent applies (issue 13). Optional: older agents send none. */
  desired: DesiredReport.optional(),
});
export type TelemetryPayload = z.infer<typeof TelemetryPayload>;

export const FaultSeverity = z.enum(['info', 'warning', 'critical']);
export type FaultSeverity = z.infer<typeof FaultSeverity>;

/** Discrete facts the agent must not lose; `id` lets the server drop redeliveries. */
const eventBase = { ...agentStamp, id: z.string().min(1).max(64) };
export const EventPayload = z.discriminatedUnion('kind', [
  z.object({
    ...eventBase,
    kind: z.literal('fault'),
    code: z.string().min(1).max(64),
    severity: FaultSeverity,
    message: z.string().max(500),
  }),
  z.object({ ...eventBase, kind: z.literal('faultCleared'), code: z.string().min(1).max(64) }),
  z.object({ ...eventBase, kind: z.literal('contentChanged'), content: Content.nullable() }),
  z.object({
    ...eventBase,
    kind: z.literal('proofOfPlay'),
    creativeId: z.string().max(128),
    campaignId: z.string().max(128),
    startedAt: ts,
    durationMs: z.number().int().nonnegative(),
  }),
  z.object({ ...eventBase, kind: z.literal('reboot'), reason: z.string().max(200) }),
]);
export type EventPayload = z.infer<typeof EventPayload>;

/** Parameters per command type; the server and the agent validate with the same map. */
export const CommandParams = {
  reboot: z.object({}).strict(),
  setBrightness: z.object({ brightness: z.number().int().min(0).max(100) }).strict(),
  setPower: z.object({ power: DisplayPower }).strict(),
  refreshContent: z.object({}).strict(),
  screenshot: z.object({}).strict(),
} satisfies Record<CommandType, z.ZodType>;

export const CommandPayload = z.discriminatedUnion('type', [
  z.object({ ts, expiresAt: ts, type: z.literal('reboot'), params: CommandParams.reboot }),
  z.object({
    ts,
    expiresAt: ts,
    type: z.literal('setBrightness'),
    params: CommandParams.setBrightness,
  }),
  z.object({ ts, expiresAt: ts, type: z.literal('setPower'), params: CommandParams.setPower }),
  z.object({
    ts,
    expiresAt: ts,
    type: z.literal('refreshContent'),
    params: CommandParams.refreshContent,
  }),
  z.object({ ts, expiresAt: ts, type: z.literal('screenshot'), params: CommandParams.screenshot }),
]);
export type CommandPayload = z.infer<typeof CommandPayload>;

export const CommandResultStatus = z.enum([
  'accepted',
  'succeeded',
  'failed',
  'rejected',
  'expired',
]);
export type CommandResultStatus = z.infer<typeof CommandResultStatus>;

export const CommandResultPayload = z.object({
  ...agentStamp,
  status: CommandResultStatus,
  detail: z.string().max(2000).optional(),
});
export type CommandResultPayload = z.infer<typeof CommandResultPayload>;

/** The topic kind → payload schema map (zigbee2mqtt style), used by the ingest switch. */
export const agentPayloadSchemas = {
  state: StatePayload,
  telemetry: TelemetryPayload,
  events: EventPayload,
  commandResult: CommandResultPayload,
} as const;
