/**
 * Row shapes of the chat tables and their wire forms. PostgreSQL returns bigint columns as
 * strings, so every number read from a row goes through Number().
 */
import type {
  AttachmentRef,
  Message,
  Notification,
  NotificationKind,
  Participant,
  Role,
} from '../../../protocol';

export interface ConversationRow {
  id: string;
  kind: 'direct' | 'group';
  title: string;
  screen_id: string | null;
  created_by: string;
  created_at: number | string;
  last_seq: number | string;
  last_message_at: number | string | null;
  direct_key: string | null;
  rev: number | string;
  /** What it is about (migration 021); a screen one also sets screen_id. */
  about_type?: 'screen' | 'booking' | 'campaign' | null;
  about_id?: string | null;
  /** Since when an advertiser's message waits for the team's answer; null: none waits. */
  waiting_since?: number | string | null;
}

export interface ParticipantRow {
  conversation_id: string;
  user_id: string;
  last_read_seq: number | string;
  joined_at: number | string;
  removed_at: number | string | null;
  rev: number | string;
}

/** A participant row joined with its user (name and role). */
export interface ParticipantUserRow extends ParticipantRow {
  name: string;
  role: Role;
}

export interface MessageRow {
  id: string;
  client_id: string;
  conversation_id: string;
  sender_id: string;
  body: string;
  seq: number | string;
  created_at: number | string;
  rev: number | string;
  /** The attachments' wire form, JSON (migration 022); null when none. */
  attachments?: string | null;
  /** Joined from users. */
  sender_name?: string;
}

export interface NotificationRow {
  id: string;
  user_id: string;
  kind: NotificationKind;
  title: string;
  body: string;
  ref_type: 'conversation' | 'screen' | 'alarm' | null;
  ref_id: string | null;
  created_at: number | string;
  read_at: number | string | null;
  rev: number | string;
}

export const toMessage = (row: MessageRow, senderName = row.sender_name ?? ''): Message => ({
  id: row.id,
  clientId: row.client_id,
  conversationId: row.conversation_id,
  senderId: row.sender_id,
  senderName,
  body: row.body,
  seq: Number(row.seq),
  createdAt: Number(row.created_at),
  rev: Number(row.rev),
  ...(row.attachments ? { attachments: JSON.parse(row.attachments) as AttachmentRef[] } : {}),
});

export const toParticipant = (row: ParticipantUserRow): Participant => ({
  userId: row.user_id,
  name: row.name,
  role: row.role,
  lastReadSeq: Number(row.last_read_seq),
});

export const toNotification = (row: NotificationRow): Notification => ({
  id: row.id,
  kind: row.kind,
  title: row.title,
  body: row.body,
  ref: row.ref_type && row.ref_id ? { type: row.ref_type, id: row.ref_id } : null,
  createdAt: Number(row.created_at),
  readAt: row.read_at === null ? null : Number(row.read_at),
  rev: Number(row.rev),
});

/** Message columns with the sender's name, for `knex('messages as m')` queries. */
export const MESSAGE_COLUMNS = [
  'm.id',
  'm.client_id',
  'm.conversation_id',
  'm.sender_id',
  'm.body',
  'm.seq',
  'm.created_at',
  'm.rev',
  'm.attachments',
  'u.name as sender_name',
] as const;

/** A unique-constraint violation, on PostgreSQL or SQLite. */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return (
    e.code === '23505' ||
    e.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  );
}
