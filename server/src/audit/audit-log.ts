/**
 * Recording to the audit log (migration 006): every administrative and operator action —
 * screens registered, edited, retired, restored, credentials rotated; users created, changed,
 * disabled; commands sent; alarms acknowledged; conversations and announcements — is one row.
 *
 * Call `recordAudit` inside the same transaction as the change it describes when there is one
 * (the record and the change commit together or not at all), otherwise right after the change
 * succeeded. Rows are never updated or deleted (the database refuses it).
 *
 * Decision: the audit log is searched on the server over REST by admins, not replicated into
 * the console cache: it only grows, it is read rarely, and search belongs next to the data.
 */
import type { Knex } from 'knex';
import type { User } from '../../../protocol';

/** `<area>.<verb>`: what happened, in the past tense. Free-form beyond this list, ≤ 64 chars. */
export type AuditAction =
  | 'screen.registered'
  | 'screen.updated'
  | 'screen.retired'
  | 'screen.restored'
  | 'screen.credentials_rotated'
  | 'screen.imported'
  | 'user.created'
  | 'user.updated'
  | 'user.role_changed'
  | 'user.disabled'
  | 'user.enabled'
  | 'user.password_reset'
  | 'user.password_changed'
  | 'access.granted'
  | 'access.revoked'
  | 'command.sent'
  | 'alarm.acknowledged'
  | 'alarm.noted'
  | 'conversation.created'
  | 'conversation.updated'
  | 'announcement.sent'
  | (string & {});

export type AuditTargetType =
  'screen' | 'user' | 'command' | 'alarm' | 'conversation' | 'announcement' | (string & {});

export interface AuditEntryInput {
  /** Who did it; null for the server itself. */
  actor: Pick<User, 'id' | 'name' | 'role'> | null;
  action: AuditAction;
  targetType: AuditTargetType;
  targetId: string | null;
  /** One sentence a person reads in the log: "Registered screen Lobby (lobby-1)". */
  summary: string;
  /** What changed, for the record (never secrets: no passwords, no tokens). */
  details?: Record<string, unknown>;
}

export interface AuditRow {
  seq: number | string;
  ts: number | string;
  actor_id: string | null;
  actor_name: string;
  actor_role: string | null;
  action: string;
  target_type: string;
  target_id: string | null;
  summary: string;
  details: string | null;
}

const clip = (s: string, n: number) => (s.length <= n ? s : `${s.slice(0, n - 1)}…`);

export async function recordAudit(
  db: Knex | Knex.Transaction,
  entry: AuditEntryInput,
  now = Date.now(),
): Promise<void> {
  await db('audit_log').insert({
    ts: now,
    actor_id: entry.actor?.id ?? null,
    actor_name: clip(entry.actor?.name ?? 'Marquee server', 200),
    actor_role: entry.actor?.role ?? null,
    action: clip(entry.action, 64),
    target_type: clip(entry.targetType, 32),
    target_id: entry.targetId === null ? null : clip(entry.targetId, 200),
    summary: clip(entry.summary, 500),
    details: entry.details ? JSON.stringify(entry.details) : null,
  });
}
