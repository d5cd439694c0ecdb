/**
 * The console API: the one surface the renderer talks to. The Electron preload exposes it over
 * IPC, the browser host over a local WebSocket; the renderer cannot tell which it has.
 * Every call's argument is validated on the core side with the schemas below (IPC is a
 * boundary like any other).
 */
import { campaignRequests, type CampaignResponses } from './campaigns-contract';
import { z } from 'zod';
import type {
  ImportScreensResponse,
  ProvisionedScreenResponse,
  AdminCreateUserResponse,
  AdminUpdateUserResponse,
  GrantsResponse,
  PeopleResponse,
  Alarm,
  AuditPage,
  AlarmRule,
  AlarmRulesResponse,
  MaintenanceResponse,
  MaintenanceWindow,
  Command,
  Conversation,
  Message,
  Notification,
  PresenceStatus,
  Screen,
  ScreenshotList,
  ScreenDesiredResponse,
  TagDesired,
  TagDesiredListResponse,
  ScreenshotSchedule,
  ScreenshotScheduleList,
  SessionEndReason,
  TelemetrySummary,
  UptimeReport,
  User,
} from '../../../protocol';
import {
  ALARM_NOTE_MAX,
  AUDIT_PAGE_MAX,
  CommandType,
  ATTACHMENT_MAX_BYTES_DEFAULT,
  AttachmentFileName,
  MAX_ATTACHMENTS_PER_MESSAGE,
  MAX_MESSAGE_LENGTH,
  MIN_PASSWORD_LENGTH,
  Role,
  AnnouncementRequest,
  ConversationTitle,
  CreateConversationRequest,
  AlarmRuleScope,
  AlarmRuleSettings,
  AlarmRuleTarget,
  MaintenanceRequest,
} from '../../../protocol';
import type { CONSOLE_METHODS } from './ipc-contract';
import { TILE_MAX_ZOOM, TILE_TEMPLATE_MAX } from './map-tile-source';
import { alertingRequests, type AlertingResponses } from './alerting-console-api';

export type ConnectionStatus = 'signedOut' | 'connecting' | 'live' | 'reconnecting' | 'offline';

export interface ConnectionInfo {
  status: ConnectionStatus;
  serverUrl: string | null;
  /** When the cache last matched the server (ms epoch); what "showing data from 14:02" shows. */
  lastSyncedAt: number | null;
  /** Actions the operator took that wait in the outbox. */
  pendingActions: number;
  onlineCount: number;
  transport: string | null;
  lastError: string | null;
  /**
   * Why the console is signed out when the server ended its session (logout elsewhere,
   * expiry, a disabled account, a changed password; `refused`: the token was refused when
   * connecting, e.g. it expired while offline). `message` is the sentence the sign-in form
   * shows. Null otherwise (never signed in, or signed out here).
   */
  signedOutBecause: SignedOutBecause | null;
}

export interface SignedOutBecause {
  reason: SessionEndReason | 'refused';
  message: string;
}

/**
 * A command the server has not stored (so it has no server status): still in the outbox
 * (`waiting`: sent when the console is live), refused by the server (`refused`, with the
 * reason as a sentence), or never sent because its time-to-live ran out while it waited
 * (`expired`). Once stored, a command is a `Command` with the server's status.
 */
export interface LocalCommand {
  /** The console's request id (server commands made from it carry their own ids). */
  id: string;
  screenIds: string[];
  type: CommandType;
  params: Record<string, unknown>;
  createdAt: number;
  /** How long the command may wait for its screen, counted from `createdAt` (seconds). */
  ttlS: number;
  state: 'waiting' | 'refused' | 'expired';
  reason: string | null;
}

/** A message as the console shows it: sent ones, and the operator's own still in the outbox. */
export type ThreadMessage = Message & { pending: boolean };

export interface ConsoleSnapshot {
  user: User | null;
  connection: ConnectionInfo;
  screens: Screen[];
  alarms: Alarm[];
  commands: Command[];
  /** Commands not (or never to be) stored by the server: in the outbox, or refused. */
  localCommands: LocalCommand[];
  conversations: Conversation[];
  notifications: Notification[];
  presence: Record<string, PresenceStatus>;
}

export interface ScreenHistory {
  states: { state: string; ts: number }[];
  telemetry: (Pick<TelemetrySummary, 'ts' | 'temperatureC' | 'cpuPct' | 'memoryPct'> & {
    brightness: number;
  })[];
}

/** Pushed from the core to the renderer. Batches, never one event per screen. */
export type ConsoleEvent =
  | { type: 'snapshot'; snapshot: ConsoleSnapshot }
  | { type: 'connection'; connection: ConnectionInfo }
  | { type: 'screens'; screens: Screen[] }
  /** Screens this user may no longer see (an advertiser's access ended): gone from the cache. */
  | { type: 'screensForgotten'; screenIds: string[] }
  | { type: 'alarms'; alarms: Alarm[] }
  | { type: 'commands'; commands: Command[] }
  /** The whole list of local commands (it is short), whenever it changes. */
  | { type: 'localCommands'; commands: LocalCommand[] }
  | { type: 'conversations'; conversations: Conversation[] }
  | { type: 'messages'; conversationId: string; messages: ThreadMessage[] }
  | { type: 'notification'; notification: Notification; toast: boolean }
  | { type: 'notifications'; notifications: Notification[] }
  | { type: 'typing'; conversationId: string; userId: string; name: string; isTyping: boolean }
  | { type: 'presence'; userId: string; status: PresenceStatus }
  | { type: 'readReceipt'; conversationId: string; userId: string; seq: number }
  /** A queued message the server refused for good (it is out of the outbox). */
  | { type: 'messageFailed'; conversationId: string; clientId: string; message: string }
  /**
   * Browser host only, made by the page's client (ws-console-client.ts), never by the core:
   * whether the host process is reachable. While it is not, everything else shown is the last
   * thing it said.
   */
  | { type: 'host'; reachable: boolean }
  /**
   * A call failed: `message` is the sentence the caller shows, `detail` the technical text
   * (validation paths, the server's code and words) for Diagnostics.
   */
  | { type: 'apiError'; method: string; code: string; message: string; detail: string };

const id = z.string().min(1).max(64);
/** An uptime report's range (ms, `to` exclusive) and filter (server/src/reports/README.md). */
const uptimeRequest = z
  .object({
    from: z.number().int().nonnegative().optional(),
    to: z.number().int().nonnegative().optional(),
    tag: z.string().trim().min(1).max(64).optional(),
    screenId: id.optional(),
  })
  .strict();

/** The server's limits for a command's `ttlS` (protocol/socket.ts `sendCommand`). */
export const MIN_COMMAND_TTL_S = 5;
export const DEFAULT_COMMAND_TTL_S = 3600;

/** Request schemas, one per method. */
export const consoleRequests = {
  getSnapshot: z.object({}).strict(),
  signIn: z
    .object({
      serverUrl: z.string().url().max(500),
      email: z.string().email().max(254),
      password: z.string().min(1).max(1024),
    })
    .strict(),
  signOut: z.object({}).strict(),
  loadMessages: z
    .object({ conversationId: id, beforeSeq: z.number().int().positive().optional() })
    .strict(),
  sendMessage: z
    .object({
      conversationId: id,
      body: z.string().min(1).max(MAX_MESSAGE_LENGTH),
      /** Files picked in the composer; queued with the message (core/attachments-outbox.ts). */
      attachments: z
        .array(
          z
            .object({
              fileName: AttachmentFileName,
              dataBase64: z.string().max(Math.ceil((ATTACHMENT_MAX_BYTES_DEFAULT * 4) / 3) + 4),
            })
            .strict(),
        )
        .max(MAX_ATTACHMENTS_PER_MESSAGE)
        .optional(),
    })
    .strict(),
  markRead: z.object({ conversationId: id, seq: z.number().int().nonnegative() }).strict(),
  setTyping: z.object({ conversationId: id, isTyping: z.boolean() }).strict(),
  setPresence: z.object({ status: z.enum(['online', 'away']) }).strict(),
  ackAlarm: z.object({ alarmId: id }).strict(),
  sendCommand: z
    .object({
      screenIds: z.array(id).min(1).max(1000),
      type: CommandType,
      params: z.record(z.string(), z.unknown()).default({}),
      /**
       * How long the command may wait for its screen, from now (the operator's click), also
       * while it waits in the outbox: one that waited longer is never sent. The server's range
       * and default.
       */
      ttlS: z
        .number()
        .int()
        .min(MIN_COMMAND_TTL_S)
        .max(7 * 24 * 3600)
        .default(DEFAULT_COMMAND_TTL_S),
    })
    .strict(),
  getScreenHistory: z.object({ screenId: id }).strict(),
  /** The thread on screen (null: none). Its room is joined, so new messages and typing arrive. */
  viewConversation: z.object({ conversationId: id.nullable() }).strict(),
  markNotificationRead: z.object({ notificationId: id }).strict(),
  ping: z.object({}).strict(),
  // admin-screens: the bodies are checked by the server against the protocol's schemas, which
  // words each refusal as the sentence the form shows (server/src/admin-screens).
  registerScreen: z.object({ screen: z.record(z.string(), z.unknown()) }).strict(),
  editScreen: z.object({ screenId: id, changes: z.record(z.string(), z.unknown()) }).strict(),
  retireScreen: z.object({ screenId: id }).strict(),
  restoreScreen: z.object({ screenId: id }).strict(),
  rotateScreenCredentials: z.object({ screenId: id }).strict(),
  importScreens: z.object({ csv: z.string().max(60_000) }).strict(),
  // admin-users: people, their passwords and which screens advertisers see (admins; REST, live only)
  listPeople: z.object({}).strict(),
  createUser: z
    .object({
      name: z.string().trim().min(1).max(200),
      email: z.string().trim().toLowerCase().email().max(254),
      role: Role,
      /** Empty or absent: the server generates one and it is shown once. */
      password: z.union([z.literal(''), z.string().min(MIN_PASSWORD_LENGTH).max(1024)]).optional(),
    })
    .strict(),
  updateUser: z
    .object({
      userId: id,
      role: Role.optional(),
      disabled: z.boolean().optional(),
      password: z.string().min(MIN_PASSWORD_LENGTH).max(1024).optional(),
      generatePassword: z.literal(true).optional(),
    })
    .strict(),
  listGrants: z.object({ userId: id }).strict(),
  grantScreens: z.object({ userId: id, screenIds: z.array(id).min(1).max(1000) }).strict(),
  revokeScreens: z.object({ userId: id, screenIds: z.array(id).min(1).max(1000) }).strict(),
  changeOwnPassword: z
    .object({
      currentPassword: z.string().min(1).max(1024),
      newPassword: z.string().min(MIN_PASSWORD_LENGTH).max(1024),
    })
    .strict(),
  // audit: read on the server (online only); admins.
  queryAudit: z
    .object({
      q: z.string().max(200).optional(),
      actor: z.string().max(64).optional(),
      action: z.string().max(64).optional(),
      targetType: z.string().max(32).optional(),
      targetId: z.string().max(200).optional(),
      from: z.number().int().nonnegative().optional(),
      to: z.number().int().nonnegative().optional(),
      before: z.number().int().positive().optional(),
      limit: z.number().int().min(1).max(AUDIT_PAGE_MAX).optional(),
    })
    .strict(),
  exportAuditCsv: z
    .object({
      q: z.string().max(200).optional(),
      actor: z.string().max(64).optional(),
      action: z.string().max(64).optional(),
      targetType: z.string().max(32).optional(),
      targetId: z.string().max(200).optional(),
      from: z.number().int().nonnegative().optional(),
      to: z.number().int().nonnegative().optional(),
    })
    .strict(),
  // reports: computed on the server (online only); operators and admins.
  uptimeReport: uptimeRequest,
  exportUptimeCsv: uptimeRequest,
  // alarms at volume
  /** Each alarm is acknowledged on its own (idempotent), queued like `ackAlarm`. */
  ackAlarms: z.object({ alarmIds: z.array(id).min(1).max(1000) }).strict(),
  noteAlarm: z.object({ alarmId: id, body: z.string().trim().min(1).max(ALARM_NOTE_MAX) }).strict(),
  // conversations (issue 11): online only — who exists and who may be reached is the server's word
  listContacts: z.object({}).strict(),
  createConversation: CreateConversationRequest,
  updateConversation: z.object({ conversationId: id, title: ConversationTitle }).strict(),
  addParticipant: z.object({ conversationId: id, userId: id }).strict(),
  removeParticipant: z.object({ conversationId: id, userId: id }).strict(),
  sendAnnouncement: AnnouncementRequest,
  // map (issue 13): a configured tile server's tile, fetched by the core (core/map-tiles.ts)
  fetchMapTile: z
    .object({
      template: z.string().max(TILE_TEMPLATE_MAX),
      z: z.number().int().min(0).max(TILE_MAX_ZOOM),
      x: z.number().int().min(0),
      y: z.number().int().min(0),
    })
    .strict(),
  // screenshots (issue 13): read on the server each time
  listScreenshots: z.object({ screenId: id }).strict(),
  getScreenshot: z.object({ screenId: id, shotId: id }).strict(),
  // alarm rules (issue 14): read on the server while live; admins change them
  listAlarmRules: z.object({}).strict(),
  putAlarmRule: z
    .object({ scope: AlarmRuleScope, target: AlarmRuleTarget, settings: AlarmRuleSettings })
    .strict(),
  deleteAlarmRule: z.object({ scope: AlarmRuleScope, target: AlarmRuleTarget }).strict(),
  listMaintenance: z.object({}).strict(),
  putMaintenance: MaintenanceRequest.extend({
    scope: AlarmRuleScope,
    target: AlarmRuleTarget,
  }).strict(),
  endMaintenance: z.object({ scope: AlarmRuleScope, target: AlarmRuleTarget }).strict(),
  // desired state (issue 13): live only; the server validates the spec and words what it refuses
  getScreenDesired: z.object({ screenId: id }).strict(),
  setScreenDesired: z.object({ screenId: id, spec: z.record(z.string(), z.unknown()) }).strict(),
  listTagDesired: z.object({}).strict(),
  setTagDesired: z
    .object({ tag: z.string().min(1).max(64), spec: z.record(z.string(), z.unknown()) })
    .strict(),
  clearTagDesired: z.object({ tag: z.string().min(1).max(64) }).strict(),
  // Per-tag schedules (admins change them): only the shape is checked here, so the range and
  // the tag's rules are the server's and its sentence is what the form shows.
  listScreenshotSchedules: z.object({}).strict(),
  setScreenshotSchedule: z
    .object({ tag: z.string().max(200), everyMinutes: z.number().finite() })
    .strict(),
  deleteScreenshotSchedule: z.object({ tag: z.string().max(200) }).strict(),
  // alerting (issue 14): routes, groups, webhooks, contacts, own hours, delivery log
  ...alertingRequests,
  // files in chat (issue 12): read on the server each time
  getAttachment: z.object({ attachmentId: id, thumb: z.boolean().default(false) }).strict(),
  // campaigns (issue 12): online only (core/campaigns-api.ts)
  ...campaignRequests,
} as const;

export interface ConsoleResponses extends AlertingResponses, CampaignResponses {
  getSnapshot: ConsoleSnapshot;
  signIn: { user: User };
  signOut: null;
  loadMessages: { messages: ThreadMessage[]; hasMore: boolean };
  /** Returns at once with the message as pending; it is sent now or when the server is back. */
  sendMessage: ThreadMessage;
  markRead: null;
  setTyping: null;
  setPresence: null;
  ackAlarm: null;
  /** The command ids queued (sent now when live, else from the outbox later). */
  sendCommand: { commandIds: string[] };
  getScreenHistory: ScreenHistory;
  viewConversation: null;
  markNotificationRead: null;
  /** Round-trip time to the server in ms, for diagnostics. */
  ping: { rttMs: number };
  // admin-screens
  registerScreen: ProvisionedScreenResponse;
  editScreen: { screen: Screen };
  retireScreen: { screen: Screen };
  restoreScreen: ProvisionedScreenResponse;
  rotateScreenCredentials: ProvisionedScreenResponse;
  importScreens: ImportScreensResponse;
  // admin-users
  listPeople: PeopleResponse;
  createUser: AdminCreateUserResponse;
  updateUser: AdminUpdateUserResponse;
  listGrants: GrantsResponse;
  grantScreens: GrantsResponse;
  revokeScreens: GrantsResponse;
  changeOwnPassword: null;
  // audit
  queryAudit: AuditPage;
  /** The CSV file's text and the name the server gave it. */
  exportAuditCsv: { csv: string; filename: string };
  // reports
  uptimeReport: UptimeReport;
  /** The CSV file's text and the name the server gave it. */
  exportUptimeCsv: { csv: string; filename: string };
  // alarms at volume
  ackAlarms: null;
  noteAlarm: null;
  // conversations
  /** The people this user may start a conversation with (the server's list), with presence. */
  listContacts: { users: (User & { status: PresenceStatus })[] };
  createConversation: { conversation: Conversation };
  updateConversation: { conversation: Conversation };
  addParticipant: { conversation: Conversation };
  removeParticipant: { conversation: Conversation };
  sendAnnouncement: { notified: number };
  // map
  /** The tile as a data: URL (the renderer's CSP allows no remote image). */
  fetchMapTile: { dataUrl: string };
  // screenshots
  listScreenshots: ScreenshotList;
  /** The image as a data URL, with when it was captured. */
  getScreenshot: { id: string; capturedAt: number; dataUrl: string };
  // alarm rules
  listAlarmRules: AlarmRulesResponse;
  putAlarmRule: { rule: AlarmRule };
  deleteAlarmRule: { deleted: AlarmRule };
  listMaintenance: MaintenanceResponse;
  putMaintenance: { window: MaintenanceWindow };
  endMaintenance: { ended: MaintenanceWindow };
  // desired state
  getScreenDesired: ScreenDesiredResponse;
  setScreenDesired: ScreenDesiredResponse;
  listTagDesired: TagDesiredListResponse;
  setTagDesired: TagDesired;
  clearTagDesired: { deleted: boolean };
  listScreenshotSchedules: ScreenshotScheduleList;
  setScreenshotSchedule: { schedule: ScreenshotSchedule };
  deleteScreenshotSchedule: null;
  getAttachment: { dataUrl: string; mime: string };
}

export type ConsoleMethod = keyof typeof consoleRequests;
export type ConsoleRequest<M extends ConsoleMethod> = z.input<(typeof consoleRequests)[M]>;

/** What the renderer holds: one async function per method, plus the event subscription. */
export type ConsoleApi = {
  [M in ConsoleMethod]: (req: ConsoleRequest<M>) => Promise<ConsoleResponses[M]>;
} & {
  subscribe(listener: (event: ConsoleEvent) => void): () => void;
};

export {
  ConsoleError,
  CONSOLE_METHODS,
  IPC_EVENT_CHANNEL,
  IPC_INVOKE_CHANNEL,
} from './ipc-contract';
export type { ConsoleErrorShape } from './ipc-contract';

// The dependency-free method list (for the sandboxed preload) must name exactly these methods.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _methodListMatches: Same<(typeof CONSOLE_METHODS)[number], ConsoleMethod> = true;
void _methodListMatches;
