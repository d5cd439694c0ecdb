/**
 * Notifications: stored per user (each stamped with a change-log revision, so a user who was
 * offline receives them through `sync`) and delivered live as `notification` to `user:{id}`.
 *
 * The notifier is what other parts of the server call:
 *   notifyUsers(userIds, n)             these users
 *   notifyRoles(roles, n)               every user with one of these roles (alarms → operators)
 *   notifyScreenStatus(screen, prev)    advertisers whose conversations are about the screen
 *   announce(title, body)               everybody (admins' system-wide announcements)
 * Each stores the rows in one transaction, emits after the commit, and resolves with what was
 * delivered. Titles and bodies are plain text, cleaned to be storable (see text.ts).
 */
import type { Knex } from 'knex';
import type { Notification, NotificationKind, Role, Screen, User } from '../../../protocol';
import { newId } from '../auth/tokens';
import { reserveRevisions } from '../db/revisions';
import { AppError } from '../errors';
import type { ChatEvents } from './chat-events';
import { chunks } from './conversations-repo';
import { toNotification, type NotificationRow } from './rows';
import { cleanText } from './text';

export interface NotificationInput {
  kind: NotificationKind;
  title: string;
  body: string;
  ref: Notification['ref'];
}

export interface Delivered {
  userId: string;
  notification: Notification;
}

export interface Notifier {
  notifyUsers(userIds: string[], n: NotificationInput): Promise<Delivered[]>;
  notifyRoles(roles: Role[], n: NotificationInput): Promise<Delivered[]>;
  notifyScreenStatus(screen: Screen, previousState: string): Promise<Delivered[]>;
  announce(title: string, body: string): Promise<Delivered[]>;
}

export const TITLE_MAX = 200;
export const BODY_MAX = 4000;
const INSERT_CHUNK = 400;
const LINKED_SCREENS_TTL_MS = 10_000;

/** Inserts one notification per user, all stamped with `rev`; call inside the change's transaction. */
export async function insertNotifications(
  trx: Knex.Transaction,
  rev: number,
  userIds: string[],
  n: NotificationInput,
  now = Date.now(),
): Promise<Delivered[]> {
  const rows: NotificationRow[] = userIds.map((userId) => ({
    id: newId(),
    user_id: userId,
    kind: n.kind,
    title: cleanText(n.title, TITLE_MAX),
    body: cleanText(n.body, BODY_MAX),
    ref_type: n.ref?.type ?? null,
    ref_id: n.ref ? cleanText(n.ref.id, 64) : null,
    created_at: now,
    read_at: null,
    rev,
  }));
  for (const part of chunks(rows, INSERT_CHUNK)) await trx('notifications').insert(part);
  return rows.map((r) => ({ userId: r.user_id, notification: toNotification(r) }));
}

export class NotificationService implements Notifier {
  /**
   * Screen ids some conversation is about. A reconnect storm brings thousands of status
   * changes; screens nobody talks about are answered from here without a query. Reloaded
   * after LINKED_SCREENS_TTL_MS (links made on other nodes show up within that time; links
   * made on this node at once, through noteLinkedScreen).
   */
  private linked: { ids: Set<string>; at: number } | null = null;
  private linkedLoading: Promise<Set<string>> | null = null;

  constructor(
    private readonly knex: Knex,
    private readonly events: ChatEvents,
  ) {}

  noteLinkedScreen(screenId: string): void {
    this.linked?.ids.add(screenId);
  }

  private linkedScreens(): Promise<Set<string>> {
    if (this.linked && Date.now() - this.linked.at < LINKED_SCREENS_TTL_MS) {
      return Promise.resolve(this.linked.ids);
    }
    this.linkedLoading ??= this.knex('conversations')
      .whereNotNull('screen_id')
      .distinct('screen_id')
      .then((rows: { screen_id: string }[]) => {
        const ids = new Set(rows.map((r) => r.screen_id));
        this.linked = { ids, at: Date.now() };
        return ids;
      })
      .finally(() => {
        this.linkedLoading = null;
      });
    return this.linkedLoading;
  }

  deliver(delivered: Delivered[]): void {
    for (const d of delivered) this.events.emitNotification(d.userId, d.notification);
  }

  async notifyUsers(userIds: string[], n: NotificationInput): Promise<Delivered[]> {
    const wanted = [...new Set(userIds)];
    if (wanted.length === 0) return [];
    const delivered = await this.knex.transaction(async (trx) => {
      // Only users that exist (a stale id from a caller must not fail the whole batch).
      const existing: string[] = [];
      for (const part of chunks(wanted)) {
        const rows: { id: string }[] = await trx('users').whereIn('id', part).select('id');
        existing.push(...rows.map((r) => r.id));
      }
      if (existing.length === 0) return [];
      const rev = await reserveRevisions(trx, 1);
      return insertNotifications(trx, rev, existing, n);
    });
    this.deliver(delivered);
    return delivered;
  }

  async notifyRoles(roles: Role[], n: NotificationInput): Promise<Delivered[]> {
    if (roles.length === 0) return [];
    const rows: { id: string }[] = await this.knex('users').whereIn('role', roles).select('id');
    return this.notifyUsers(
      rows.map((r) => r.id),
      n,
    );
  }

  async notifyScreenStatus(screen: Screen, previousState: string): Promise<Delivered[]> {
    if (screen.state === previousState) return [];
    if (!(await this.linkedScreens()).has(screen.id)) return [];
    const rows: { user_id: string }[] = await this.knex('conversations as c')
      .join('conversation_participants as p', 'p.conversation_id', 'c.id')
      .join('users as u', 'u.id', 'p.user_id')
      .where('c.screen_id', screen.id)
      .whereNull('p.removed_at')
      .where('u.role', 'advertiser')
      .distinct('p.user_id');
    return this.notifyUsers(
      rows.map((r) => r.user_id),
      {
        kind: 'screenStatus',
        title: `${screen.name} is ${screen.state}`,
        body: `Screen ${screen.name} (${screen.id}) changed from ${previousState} to ${screen.state}.`,
        ref: { type: 'screen', id: screen.id },
      },
    );
  }

  announce(title: string, body: string): Promise<Delivered[]> {
    return this.notifyRoles(['admin', 'operator', 'advertiser'], {
      kind: 'announcement',
      title,
      body,
      ref: null,
    });
  }

  /** Newest first; `before` is a notification id from the previous page. */
  async list(
    user: User,
    opts: { before?: string; limit: number; unreadOnly?: boolean },
  ): Promise<{ notifications: Notification[]; hasMore: boolean; unread: number }> {
    const q = this.knex<NotificationRow>('notifications').where({ user_id: user.id });
    if (opts.unreadOnly) q.whereNull('read_at');
    if (opts.before) {
      const anchor = await this.knex<NotificationRow>('notifications')
        .where({ id: opts.before, user_id: user.id })
        .first();
      if (!anchor) throw new AppError('bad_request', `before: no notification "${opts.before}"`);
      q.where((w) =>
        w
          .where('created_at', '<', anchor.created_at)
          .orWhere((x) =>
            x.where('created_at', '=', anchor.created_at).andWhere('id', '<', anchor.id),
          ),
      );
    }
    const rows = await q
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(opts.limit + 1);
    const count = await this.knex('notifications')
      .where({ user_id: user.id })
      .whereNull('read_at')
      .count<{ n: number | string }[]>({ n: '*' });
    return {
      notifications: rows.slice(0, opts.limit).map(toNotification),
      hasMore: rows.length > opts.limit,
      unread: Number(count[0]?.n ?? 0),
    };
  }

  /** Marks one of the user's notifications read (idempotent); tells the user's other consoles. */
  async markRead(user: User, id: string): Promise<Notification> {
    const result = await this.knex.transaction(async (trx) => {
      const row = await trx<NotificationRow>('notifications')
        .where({ id, user_id: user.id })
        .first();
      if (!row) throw new AppError('not_found', `no notification "${id}"`);
      if (row.read_at !== null) return { n: toNotification(row), changed: false };
      const rev = await reserveRevisions(trx, 1);
      const readAt = Date.now();
      const updated = await trx('notifications')
        .where({ id })
        .whereNull('read_at')
        .update({ read_at: readAt, rev });
      if (updated === 0) {
        // Marked read concurrently (another console of the same user).
        const now = await trx<NotificationRow>('notifications').where({ id }).first();
        return { n: toNotification(now ?? row), changed: false };
      }
      return { n: toNotification({ ...row, read_at: readAt, rev }), changed: true };
    });
    if (result.changed) this.events.emitNotification(user.id, result.n);
    return result.n;
  }

  /** Marks every unread notification of the user read. */
  async markAllRead(user: User): Promise<number> {
    const changed = await this.knex.transaction(async (trx) => {
      const ids: { id: string }[] = await trx('notifications')
        .where({ user_id: user.id })
        .whereNull('read_at')
        .select('id');
      if (ids.length === 0) return [];
      return markNotificationsRead(
        trx,
        user.id,
        ids.map((r) => r.id),
      );
    });
    this.deliver(changed.map((n) => ({ userId: user.id, notification: n })));
    return changed.length;
  }

  /**
   * The user's notifications changed in (from, to], oldest first. Not capped: the sync window
   * bounds the answer (a cap here would let the cursor pass notifications never sent).
   */
  async inWindow(userId: string, from: number, to: number): Promise<Notification[]> {
    const rows = await this.knex<NotificationRow>('notifications')
      .where({ user_id: userId })
      .where('rev', '>', from)
      .andWhere('rev', '<=', to)
      .orderBy([
        { column: 'rev', order: 'asc' },
        { column: 'id', order: 'asc' },
      ]);
    return rows.map(toNotification);
  }
}

/** Marks the given unread notifications of a user read under one new revision; returns them. */
export async function markNotificationsRead(
  trx: Knex.Transaction,
  userId: string,
  ids: string[],
  rev?: number,
): Promise<Notification[]> {
  if (ids.length === 0) return [];
  const stamp = rev ?? (await reserveRevisions(trx, 1));
  const readAt = Date.now();
  const out: Notification[] = [];
  for (const part of chunks(ids)) {
    await trx('notifications')
      .where({ user_id: userId })
      .whereIn('id', part)
      .whereNull('read_at')
      .update({ read_at: readAt, rev: stamp });
    const rows: NotificationRow[] = await trx('notifications')
      .whereIn('id', part)
      .where({ rev: stamp });
    out.push(...rows.map(toNotification));
  }
  return out;
}
