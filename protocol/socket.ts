/**
 * Socket.IO contract (console ⇄ server). Each client-to-server event has a request schema
 * (validated by the server) and a response type; the event maps below are derived from them,
 * so the client, the server and the validators share one definition.
 */
import { z } from 'zod';
import type { Ack } from './ack';
import {
  Alarm,
  Command,
  Conversation,
  Message,
  Notification,
  PresenceStatus,
  Screen,
  TelemetrySummary,
  User,
} from './domain';
import { CommandParams, CommandType } from './mqtt';
import { NoteAlarmRequest } from './alarms';
import { AttachmentId, MAX_ATTACHMENTS_PER_MESSAGE } from './attachments';

const id = z.string().min(1).max(64);
/** Client-generated ids make retries safe. */
const clientId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, '8-64 letters, digits, - or _');

export const MAX_MESSAGE_LENGTH = 4000;

export const RoomName = z
  .string()
  .regex(/^(conversation:[A-Za-z0-9_-]{1,64}|fleet)$/, 'conversation:{id} or fleet');

export const requests = {
  joinRoom: z.object({ room: RoomName }).strict(),
  leaveRoom: z.object({ room: RoomName }).strict(),
  typing: z.object({ conversationId: id, isTyping: z.boolean() }).strict(),
  sendMessage: z
    .object({
      clientId,
      conversationId: id,
      body: z
        .string()
        .min(1, 'empty message')
        .max(MAX_MESSAGE_LENGTH, `longer than ${MAX_MESSAGE_LENGTH} characters`),
      /** Uploaded first over HTTP (protocol/attachments.ts). */
      attachmentIds: z
        .array(AttachmentId)
        .max(MAX_ATTACHMENTS_PER_MESSAGE, `at most ${MAX_ATTACHMENTS_PER_MESSAGE} attachments`)
        .optional(),
    })
    .strict(),
  markRead: z.object({ conversationId: id, seq: z.number().int().nonnegative() }).strict(),
  markNotificationRead: z.object({ notificationId: id }).strict(),
  sync: z.object({ cursor: z.number().int().nonnegative() }).strict(),
  sendCommand: z
    .object({
      commandId: clientId,
      target: z.union([
        z.object({ screenIds: z.array(id).min(1).max(1000) }).strict(),
        z.object({ tag: z.string().min(1).max(64) }).strict(),
      ]),
      type: CommandType,
      params: z.record(z.string(), z.unknown()).default({}),
      ttlS: z
        .number()
        .int()
        .min(5)
        .max(7 * 24 * 3600)
        .default(3600),
    })
    .strict()
    .superRefine((v, ctx) => {
      const r = CommandParams[v.type].safeParse(v.params);
      if (!r.success) {
        ctx.addIssue({
          code: 'custom',
          path: ['params'],
          message: r.error.issues[0]?.message ?? 'invalid',
        });
      }
    }),
  ackAlarm: z.object({ alarmId: id }).strict(),
  noteAlarm: NoteAlarmRequest,
  setPresence: z.object({ status: z.enum(['online', 'away']) }).strict(),
} as const;
export type Requests = { [K in keyof typeof requests]: z.input<(typeof requests)[K]> };
export type ParsedRequests = { [K in keyof typeof requests]: z.output<(typeof requests)[K]> };

/**
 * Everything that changed since a cursor, complete up to `cursor` (no kind of entity is capped:
 * the answer is cut by revision instead, near 4 MiB). `more` is true when it was cut: ask again
 * from `cursor`, which always moved forward.
 */
export interface SyncResult {
  cursor: number;
  more: boolean;
  screens: Screen[];
  alarms: Alarm[];
  commands: Command[];
  conversations: Conversation[];
  messages: Message[];
  notifications: Notification[];
  presence: { userId: string; status: PresenceStatus }[];
  onlineCount: number;
  /**
   * Only for a user who sees some screens, not the fleet (advertisers): the id of every screen
   * they may see now, whatever the window. The console forgets any other screen it holds, so
   * access that ended while it was closed ends there too (live, `forget` does it).
   */
  visibleScreenIds?: string[];
}

export interface Responses {
  joinRoom: { room: string };
  leaveRoom: { room: string };
  typing: null;
  sendMessage: Message;
  markRead: { conversationId: string; seq: number };
  /** The notification as stored (already-read ones come back unchanged). */
  markNotificationRead: Notification;
  sync: SyncResult;
  /** One command per target screen; commands the screen cannot run are not created. */
  sendCommand: { commands: Command[]; refused: { screenId: string; reason: string }[] };
  ackAlarm: Alarm;
  noteAlarm: Alarm;
  setPresence: { status: PresenceStatus };
}

export type ClientToServerEvents = {
  [K in keyof Requests]: (payload: Requests[K], ack: (res: Ack<Responses[K]>) => void) => void;
};

/** A screen whose only change is new telemetry: what the console merges into its copy. */
export interface ScreenTelemetryPatch {
  id: string;
  rev: number;
  /**
   * The revision of the screen's last change beyond telemetry. The patch is only valid over a
   * copy at `baseRev` or newer: a console whose copy is older missed a whole-screen change
   * (e.g. while reconnecting) and must sync instead of merging.
   */
  baseRev: number;
  lastSeen: number | null;
  telemetry: TelemetrySummary | null;
}

export interface BillboardStatusUpdate {
  /** The newest revision in this batch. */
  cursor: number;
  /** Screens whose state or registry data changed: whole. */
  screens: Screen[];
  /**
   * Screens whose only change is telemetry (most of the traffic): a patch of half the size. A
   * console applies one only over a copy it holds that is older than `rev` and not older than
   * `baseRev`; otherwise it asks for a `sync`, which always returns whole rows.
   */
  patches: ScreenTelemetryPatch[];
  /**
   * Screens this console may no longer see (an advertiser left the conversation that linked
   * them): drop them. Absent in operators' batches.
   */
  forget?: string[];
}

/** Why the server ended a console's session; sent just before it disconnects the socket. */
export type SessionEndReason =
  'logout' | 'expired' | 'disabled' | 'password_changed' | 'role_changed';
export interface SessionEnded {
  reason: SessionEndReason;
  /** A sentence for the person in front of the console. */
  message: string;
}

export interface ServerToClientEvents {
  billboardStatusUpdate: (batch: BillboardStatusUpdate) => void;
  newMessage: (message: Message) => void;
  messageRead: (read: { conversationId: string; userId: string; seq: number }) => void;
  typing: (t: { conversationId: string; userId: string; name: string; isTyping: boolean }) => void;
  userOnline: (p: { userId: string; status: PresenceStatus; onlineCount: number }) => void;
  userOffline: (p: { userId: string; onlineCount: number }) => void;
  notification: (n: Notification) => void;
  alarm: (a: Alarm) => void;
  commandResult: (c: Command) => void;
  conversationUpdate: (c: Conversation) => void;
  /**
   * Live fleet batches were withheld from this console while it could not keep up (its send
   * buffer was full); it should `sync` from its cursor to get the latest state.
   */
  resync: () => void;
  /**
   * The session of this socket ended (logout, expiry, account disabled, password changed): the
   * server disconnects the socket right after. The console should sign in again.
   */
  session_ended: (e: SessionEnded) => void;
}

export interface SocketData {
  user: User;
  sessionId: string;
  /** When the session expires (ms epoch): the server ends the socket then. */
  expiresAt?: number;
}

export type ClientEventName = keyof typeof requests;
