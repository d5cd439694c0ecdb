/**
 * Conversation reads: the wire form (participants, last message, per-user unread), the
 * user's list, and the `sync` window. Writes live in conversations.ts, messages.ts and
 * read-markers.ts.
 *
 * Unread is `last_seq - last_read_seq`. That is exact because seqs are dense (1, 2, 3, no
 * deletion) and sending a message moves the sender's own marker to it, so every message
 * above a user's marker is someone else's.
 */
import type { Knex } from 'knex';
import type { Conversation, Message, Participant, User } from '../../../protocol';
import { isStaff } from './access';
import {
  MESSAGE_COLUMNS,
  toMessage,
  toParticipant,
  type ConversationRow,
  type MessageRow,
  type ParticipantUserRow,
} from './rows';

type Db = Knex | Knex.Transaction;

/** A conversation as everybody sees it; `personalize` adds one user's unread count. */
export interface ConversationView extends Omit<Conversation, 'unread'> {
  lastSeq: number;
}

const CHUNK = 500;

export function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function personalize(view: ConversationView, userId: string, mayRead = true): Conversation {
  const { lastSeq, ...rest } = view;
  const me = view.participants.find((p) => p.userId === userId);
  return {
    ...rest,
    // Someone who left sees the conversation without what was said after they left.
    lastMessage: mayRead ? rest.lastMessage : null,
    unread: me ? Math.max(0, lastSeq - me.lastReadSeq) : 0,
  };
}

export async function activeParticipants(
  db: Db,
  conversationIds: string[],
): Promise<Map<string, Participant[]>> {
  const out = new Map<string, Participant[]>(conversationIds.map((id) => [id, []]));
  for (const ids of chunks(conversationIds)) {
    const rows: ParticipantUserRow[] = await db('conversation_participants as p')
      .join('users as u', 'u.id', 'p.user_id')
      .whereIn('p.conversation_id', ids)
      .whereNull('p.removed_at')
      .orderBy([{ column: 'p.joined_at' }, { column: 'p.user_id' }])
      .select('p.*', 'u.name', 'u.role');
    for (const row of rows) out.get(row.conversation_id)?.push(toParticipant(row));
  }
  return out;
}

async function lastMessages(db: Db, rows: ConversationRow[]): Promise<Map<string, Message>> {
  const out = new Map<string, Message>();
  const ids = rows.filter((r) => Number(r.last_seq) > 0).map((r) => r.id);
  for (const part of chunks(ids)) {
    const msgs: MessageRow[] = await db('messages as m')
      .join('conversations as c', function () {
        this.on('c.id', '=', 'm.conversation_id').andOn('c.last_seq', '=', 'm.seq');
      })
      .join('users as u', 'u.id', 'm.sender_id')
      .whereIn('c.id', part)
      .select(...MESSAGE_COLUMNS);
    for (const m of msgs) out.set(m.conversation_id, toMessage(m));
  }
  return out;
}

export async function loadViews(db: Db, rows: ConversationRow[]): Promise<ConversationView[]> {
  const ids = rows.map((r) => r.id);
  const [participants, last] = await Promise.all([
    activeParticipants(db, ids),
    lastMessages(db, rows),
  ]);
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    title: r.title,
    screenId: r.screen_id,
    about: r.about_type && r.about_id ? { type: r.about_type, id: r.about_id } : null,
    waitingSince: r.waiting_since == null ? null : Number(r.waiting_since),
    participants: participants.get(r.id) ?? [],
    lastMessage: last.get(r.id) ?? null,
    lastSeq: Number(r.last_seq),
    rev: Number(r.rev),
  }));
}

export async function loadView(db: Db, conversationId: string): Promise<ConversationView | null> {
  const row = await db<ConversationRow>('conversations').where({ id: conversationId }).first();
  if (!row) return null;
  const [view] = await loadViews(db, [row]);
  return view ?? null;
}

/**
 * The user's conversations, most recently active first. `all` (staff only): every
 * conversation, for the team's overview.
 */
export async function listConversations(
  db: Db,
  user: User,
  all: boolean,
  limit = 1000,
): Promise<Conversation[]> {
  const q = db('conversations as c').select('c.*');
  if (!(all && isStaff(user))) {
    q.join('conversation_participants as p', 'p.conversation_id', 'c.id')
      .where('p.user_id', user.id)
      .whereNull('p.removed_at');
  }
  const rows: ConversationRow[] = await q
    .orderByRaw('coalesce(c.last_message_at, c.created_at) desc')
    .orderBy('c.id')
    .limit(limit);
  const views = await loadViews(db, rows);
  return views.map((v) => personalize(v, user.id));
}

/**
 * The conversations a user's `sync` window carries: those they take part in that changed in
 * (from, to], and those they were removed from in that window (shown without them, so the
 * console can drop or grey them out).
 */
export async function conversationsInWindow(
  db: Db,
  userId: string,
  from: number,
  to: number,
): Promise<Conversation[]> {
  const rows: (ConversationRow & { removed_at: string | number | null })[] = await db(
    'conversations as c',
  )
    .join('conversation_participants as p', 'p.conversation_id', 'c.id')
    .where('p.user_id', userId)
    .where((w) =>
      w
        .where((a) =>
          a.whereNull('p.removed_at').where('c.rev', '>', from).where('c.rev', '<=', to),
        )
        .orWhere((b) =>
          b.whereNotNull('p.removed_at').where('p.rev', '>', from).where('p.rev', '<=', to),
        ),
    )
    .orderBy('c.rev')
    .select('c.*', 'p.removed_at');
  const views = await loadViews(db, rows);
  return views.map((v, i) => personalize(v, userId, rows[i]!.removed_at === null));
}

/** Screens that the conversations a user takes part in are about. */
export async function screensOfParticipant(db: Db, userId: string): Promise<Set<string>> {
  const rows: { screen_id: string }[] = await db('conversations as c')
    .join('conversation_participants as p', 'p.conversation_id', 'c.id')
    .where('p.user_id', userId)
    .whereNull('p.removed_at')
    .whereNotNull('c.screen_id')
    .distinct('c.screen_id');
  return new Set(rows.map((r) => r.screen_id));
}
