/**
 * Entities the server owns and hands to consoles (over Socket.IO and REST). The console cache
 * stores exactly these shapes. `rev` is the entity's position in the server's change log: a
 * console that has seen cursor C has every entity whose rev ≤ C.
 */
import { z } from 'zod';
import { AttachmentRef, ConversationAbout } from './attachments';
import { CommandType, Content, DisplayPower, ScreenState, FaultSeverity } from './mqtt';
import { SCREEN_ID_PATTERN } from './topics';
import { AlarmNote } from './alarms';
import { DesiredReport, ScreenDesired } from './desired-state';

const ts = z.number().int().nonnegative();
const rev = z.number().int().nonnegative();

export const Role = z.enum(['admin', 'operator', 'advertiser']);
export type Role = z.infer<typeof Role>;

export const User = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: Role,
});
export type User = z.infer<typeof User>;

export const ScreenId = z.string().regex(SCREEN_ID_PATTERN, 'letters, digits, - and _ only (1-64)');

/** What the console shows on a tile; a compact summary of the latest telemetry. */
export const TelemetrySummary = z.object({
  ts,
  temperatureC: z.number().nullable(),
  cpuPct: z.number(),
  memoryPct: z.number(),
  diskPct: z.number().nullable(),
  uptimeS: z.number(),
  display: z.object({ power: DisplayPower, brightness: z.number() }),
  content: Content.nullable(),
  // Host details for the screen detail. Optional: summaries stored before they existed (the
  // server's rows, console caches) still parse.
  load1: z.number().nullable().optional(),
  memoryTotalMb: z.number().nullable().optional(),
  diskTotalGb: z.number().nullable().optional(),
  network: z
    .object({
      iface: z.string().optional(),
      ip: z.string().optional(),
      rxBytes: z.number().optional(),
      txBytes: z.number().optional(),
    })
    .nullable()
    .optional(),
  /** The desired state the agent reports applying (issue 13); absent from older agents. */
  desired: DesiredReport.optional(),
});
export type TelemetrySummary = z.infer<typeof TelemetrySummary>;

/** `unknown`: registered but never heard from. */
export const ScreenStatus = z.enum([...ScreenState.options, 'unknown']);
export type ScreenStatus = z.infer<typeof ScreenStatus>;

export const Screen = z.object({
  id: ScreenId,
  name: z.string(),
  address: z.string().nullable(),
  lat: z.number().nullable(),
  lng: z.number().nullable(),
  tags: z.array(z.string()),
  retired: z.boolean(),
  state: ScreenStatus,
  stateSince: ts.nullable(),
  lastSeen: ts.nullable(),
  agentVersion: z.string().nullable(),
  capabilities: z.array(CommandType),
  telemetry: TelemetrySummary.nullable(),
  /** Effective desired state and its drift (server/src/desired-state/); absent: never managed. */
  desired: ScreenDesired.nullable().optional(),
  rev,
});
export type Screen = z.infer<typeof Screen>;

/** `site`: many screens of one site down together, grouped into one alarm (issue 14, storms). */
export const AlarmKind = z.enum(['lost', 'offline', 'heartbeat', 'temperature', 'fault', 'site']);
export type AlarmKind = z.infer<typeof AlarmKind>;
export const AlarmStatus = z.enum(['active', 'acknowledged', 'cleared']);
export type AlarmStatus = z.infer<typeof AlarmStatus>;

export const Alarm = z.object({
  id: z.string(),
  screenId: z.string(),
  kind: AlarmKind,
  /** Distinguishes alarms of one kind on one screen (the fault code); '' otherwise. */
  code: z.string(),
  severity: FaultSeverity,
  status: AlarmStatus,
  message: z.string(),
  flapping: z.boolean(),
  count: z.number().int(),
  raisedAt: ts,
  updatedAt: ts,
  acknowledgedBy: z.string().nullable(),
  /** The acknowledging person's name at the time (issue 11: the console shows names, not ids). */
  acknowledgedByName: z.string().nullable().optional(),
  clearedAt: ts.nullable(),
  /** Notes operators added, oldest first (issue 11). */
  notes: z.array(AlarmNote).optional(),
  /** A `site` alarm's site (its screens' `site:NAME` tag, or their address); null otherwise. */
  site: z.string().nullable().optional(),
  /** A `site` alarm's screens, folded into it instead of alarming one by one. */
  screenIds: z.array(z.string()).optional(),
  rev,
});
export type Alarm = z.infer<typeof Alarm>;

/**
 * `queued`: stored by the server; `sent`: handed to the broker, not yet confirmed by the agent
 * (the server offers it again until the agent answers); `accepted`: the agent has it; then the
 * agent's result, or `expired`.
 */
export const CommandStatus = z.enum([
  'queued',
  'sent',
  'accepted',
  'succeeded',
  'failed',
  'rejected',
  'expired',
]);
export type CommandStatus = z.infer<typeof CommandStatus>;

export const Command = z.object({
  id: z.string(),
  /**
   * The console's request id this command was made from (one request to many screens makes
   * one command each), so a console follows a bulk command's results. Optional: older rows.
   */
  requestId: z.string().optional(),
  screenId: z.string(),
  type: CommandType,
  params: z.record(z.string(), z.unknown()),
  status: CommandStatus,
  detail: z.string().nullable(),
  createdBy: z.string(),
  /** The sender's name when it was sent (null: sent before names were kept). Optional: older servers and caches. */
  createdByName: z.string().nullable().optional(),
  createdAt: ts,
  expiresAt: ts,
  updatedAt: ts,
  rev,
});
export type Command = z.infer<typeof Command>;

export const Message = z.object({
  id: z.string(),
  clientId: z.string(),
  conversationId: z.string(),
  senderId: z.string(),
  senderName: z.string(),
  body: z.string(),
  /** Order within the conversation, assigned by the server: 1, 2, 3... */
  seq: z.number().int().positive(),
  createdAt: ts,
  rev,
  /** Files sent with the message (protocol/attachments.ts); absent when none. */
  attachments: z.array(AttachmentRef).optional(),
});
export type Message = z.infer<typeof Message>;

export const Participant = z.object({
  userId: z.string(),
  name: z.string(),
  role: Role,
  lastReadSeq: z.number().int().nonnegative(),
});
export type Participant = z.infer<typeof Participant>;

export const Conversation = z.object({
  id: z.string(),
  kind: z.enum(['direct', 'group']),
  title: z.string(),
  screenId: z.string().nullable(),
  /** What the conversation is about (a screen, booking or campaign); protocol/attachments.ts. */
  about: ConversationAbout.nullable().optional(),
  /** When the oldest advertiser message the team has not answered was sent; null: none. */
  waitingSince: z.number().nullable().optional(),
  participants: z.array(Participant),
  lastMessage: Message.nullable(),
  /** Unread count for the user receiving this object. */
  unread: z.number().int().nonnegative(),
  rev,
});
export type Conversation = z.infer<typeof Conversation>;

export const NotificationKind = z.enum(['message', 'alarm', 'screenStatus', 'announcement']);
export type NotificationKind = z.infer<typeof NotificationKind>;

export const Notification = z.object({
  id: z.string(),
  kind: NotificationKind,
  title: z.string(),
  body: z.string(),
  /** What the notification is about, for the console to navigate to. */
  ref: z.object({ type: z.enum(['conversation', 'screen', 'alarm']), id: z.string() }).nullable(),
  createdAt: ts,
  readAt: ts.nullable(),
  rev,
});
export type Notification = z.infer<typeof Notification>;

export const PresenceStatus = z.enum(['online', 'away', 'offline']);
export type PresenceStatus = z.infer<typeof PresenceStatus>;
