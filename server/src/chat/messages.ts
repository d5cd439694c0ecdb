/**
 * Messages: send (socket `sendMessage` and `POST /api/conversations/:id/messages` share this
 * one code path), history pages, and the `sync` window.
 *
 * Idempotent: a message is keyed by (sender, clientId). A retry — after a lost ack, after a
 * reconnect, or racing the first attempt — gets the stored message back and broadcasts
 * nothing again. The unique index settles races the early look-up cannot see.
 *
 * Ordered: `seq` is taken from `conversations.last_seq`, incremented inside the transaction
 * that inserts the message. The UPDATE holds the conversation row (and reserveRevisions the
 * change counter) until commit, so concurrent senders get 1, 2, 3... on PostgreSQL too;
 * SQLite runs one writer at a time. Lock order in every chat transaction: change counter
 * first, then chat rows, so two chat transactions never wait on each other in a cycle.
 */
import type { Knex } from 'knex';
import { MAX_MESSAGE_LENGTH, type Message, type User } from '../../../protocol';
import { RateLimiter } from '../auth/rate-limit';
import { newId } from '../auth/tokens';
import { reserveRevisions } from '../db/revisions';
import { AppError } from '../errors';
import type { MarqueeServer } from '../realtime/socket-router';
import { isStaff, requireParticipant, requireReadable } from './access';
import { claimAttachments } from './attachments-repo';
import { conversationRoom, type ChatEvents } from './chat-events';
import { loadViews } from './conversations-repo';
import { insertNotifications, type NotificationService } from './notifications';
import {
  MESSAGE_COLUMNS,
  isUniqueViolation,
  toMessage,
  type ConversationRow,
  type MessageRow,
} from './rows';
import { checkMessageBody, cleanText } from './text';

/** Messages per user per window, over socket and REST together. */
export const MESSAGE_RATE_LIMIT = 20;
export const MESSAGE_RATE_WINDOW_MS = 10_000;
export const HISTORY_PAGE_DEFAULT = 50;
export const HISTORY_PAGE_MAX = 200;
const PREVIEW_LENGTH = 200;

export interface SendRequest {
  clientId: string;
  conversationId: string;
  body: string;
  /** Uploaded before (attachments-routes.ts), by the sender, to this conversation. */
  attachmentIds?: string[];
}

export interface MessageDeps {
  knex: Knex;
  io: MarqueeServer;
  events: ChatEvents;
  notifications: NotificationService;
  /** Called after a message is stored (clears the sender's typing indicator). */
  onSent(userId: string, conversationId: string): void;
}

export class MessageService {
  readonly limiter = new RateLimiter(MESSAGE_RATE_LIMIT, MESSAGE_RATE_WINDOW_MS);

  constructor(private readonly deps: MessageDeps) {}

  /** Stores a message once and broadcasts it; `created` is false for a retry. */
  async send(user: User, req: SendRequest): Promise<{ message: Message; created: boolean }> {
    const { knex, events } = this.deps;
    const { clientId, conversationId, body } = req;
    if (body.length > MAX_MESSAGE_LENGTH) {
      throw new AppError('too_large', `body: longer than ${MAX_MESSAGE_LENGTH} characters`);
    }
    checkMessageBody(body);

    const earlier = await this.findByClientId(knex, user.id, clientId);
    if (earlier) return this.replay(earlier, conversationId);

    await requireParticipant(knex, user, conversationId);
    const waitMs = this.limiter.hit(user.id);
    if (waitMs > 0) {
      throw new AppError(
        'rate_limited',
        `at most ${MESSAGE_RATE_LIMIT} messages in ${MESSAGE_RATE_WINDOW_MS / 1000} s; try again in ${Math.ceil(waitMs / 1000)} s`,
      );
    }
    // Who is looking at the conversation now: they see the message live, the others get a
    // notification. Read before the transaction (SQLite has one connection, held by it).
    const viewers = await this.viewers(conversationId);

    let outcome: Awaited<ReturnType<MessageService['store']>>;
    try {
      outcome = await knex.transaction((trx) => this.store(trx, user, req, viewers));
    } catch (err) {
      if (isUniqueViolation(err)) {
        const stored = await this.findByClientId(knex, user.id, clientId);
        if (stored) return this.replay(stored, conversationId);
      }
      throw err;
    }
    if (outcome.kind === 'duplicate') return this.replay(outcome.duplicate, conversationId);

    const { message, view, notes } = outcome;
    this.deps.onSent(user.id, conversationId);
    events.emitNewMessage(message);
    events.emitConversationUpdate(
      view,
      view.participants.map((p) => p.userId),
    );
    this.deps.notifications.deliver(notes);
    return { message, created: true };
  }

  private async store(trx: Knex.Transaction, user: User, req: SendRequest, viewers: Set<string>) {
    const rev = await reserveRevisions(trx, 1);
    // Holding the counter, look again: a concurrent attempt with this clientId has committed
    // by now if it got the counter first.
    const duplicate = await this.findByClientId(trx, user.id, req.clientId);
    if (duplicate) return { kind: 'duplicate' as const, duplicate };
    const me = await trx('conversation_participants')
      .where({ conversation_id: req.conversationId, user_id: user.id })
      .whereNull('removed_at')
      .first('user_id');
    if (!me)
      throw new AppError(
        'forbidden',
        `you are not a participant of conversation "${req.conversationId}"`,
      );

    const now = Date.now();
    const attachments = await claimAttachments(trx, user, req);
    await trx('conversations')
      .where({ id: req.conversationId })
      .update({
        last_seq: trx.raw('last_seq + 1'),
        last_message_at: now,
        rev,
        // An advertiser's word starts the wait for the team (or keeps the older one); any
        // staff member's answer ends it.
        waiting_since: isStaff(user) ? null : trx.raw('coalesce(waiting_since, ?)', [now]),
      });
    const conversation = (await trx<ConversationRow>('conversations')
      .where({ id: req.conversationId })
      .first())!;
    const seq = Number(conversation.last_seq);
    const row: MessageRow = {
      id: newId(),
      client_id: req.clientId,
      conversation_id: req.conversationId,
      sender_id: user.id,
      body: req.body,
      seq,
      created_at: now,
      rev,
      attachments: attachments.length ? JSON.stringify(attachments) : null,
    };
    await trx('messages').insert(row);
    if (attachments.length)
      await trx('chat_attachments')
        .whereIn(
          'id',
          attachments.map((a) => a.id),
        )
        .update({ message_id: row.id });
    // Writing in a conversation means having read it up to one's own message.
    await trx('conversation_participants')
      .where({ conversation_id: req.conversationId, user_id: user.id })
      .update({ last_read_seq: seq, rev });

    const [view] = await loadViews(trx, [conversation]);
    const recipients = view!.participants
      .map((p) => p.userId)
      .filter((id) => id !== user.id && !viewers.has(id));
    const notes = await insertNotifications(
      trx,
      rev,
      recipients,
      {
        kind: 'message',
        title:
          view!.kind === 'direct' ? `Message from ${user.name}` : `${user.name} in ${view!.title}`,
        body: cleanText(req.body, PREVIEW_LENGTH),
        ref: { type: 'conversation', id: req.conversationId },
      },
      now,
    );
    return { kind: 'stored' as const, message: toMessage(row, user.name), view: view!, notes };
  }

  private replay(stored: Message, conversationId: string): { message: Message; created: boolean } {
    if (stored.conversationId !== conversationId) {
      throw new AppError(
        'conflict',
        `clientId "${stored.clientId}" was already used for a message in another conversation`,
      );
    }
    return { message: stored, created: false };
  }

  private async findByClientId(
    db: Knex | Knex.Transaction,
    senderId: string,
    clientId: string,
  ): Promise<Message | null> {
    const row: MessageRow | undefined = await db('messages as m')
      .join('users as u', 'u.id', 'm.sender_id')
      .where({ 'm.sender_id': senderId, 'm.client_id': clientId })
      .first(...MESSAGE_COLUMNS);
    return row ? toMessage(row) : null;
  }

  private async viewers(conversationId: string): Promise<Set<string>> {
    const sockets = await this.deps.io.in(conversationRoom(conversationId)).fetchSockets();
    return new Set(sockets.map((s) => s.data.user.id));
  }

  /** A page of history, oldest first: the `limit` messages before `beforeSeq` (or the newest). */
  async history(
    user: User,
    conversationId: string,
    opts: { beforeSeq?: number; limit?: number },
  ): Promise<{ messages: Message[]; hasMore: boolean }> {
    const { knex } = this.deps;
    await requireReadable(knex, user, conversationId);
    const limit = Math.min(Math.max(opts.limit ?? HISTORY_PAGE_DEFAULT, 1), HISTORY_PAGE_MAX);
    const q = knex('messages as m')
      .join('users as u', 'u.id', 'm.sender_id')
      .where('m.conversation_id', conversationId);
    if (opts.beforeSeq !== undefined) q.where('m.seq', '<', opts.beforeSeq);
    const rows: MessageRow[] = await q
      .orderBy('m.seq', 'desc')
      .limit(limit + 1)
      .select(...MESSAGE_COLUMNS);
    return {
      messages: rows
        .slice(0, limit)
        .reverse()
        .map((r) => toMessage(r)),
      hasMore: rows.length > limit,
    };
  }

  /**
   * Every message in (from, to] of the conversations the user takes part in, ordered by
   * conversation and seq. Not capped: the sync window (realtime/sync-window.ts) bounds the
   * answer, and a cap here would let the cursor pass messages never sent (a silent hole).
   */
  async inWindow(userId: string, from: number, to: number): Promise<Message[]> {
    const { knex } = this.deps;
    const rows: MessageRow[] = await knex('messages as m')
      .join('conversation_participants as p', function () {
        this.on('p.conversation_id', '=', 'm.conversation_id').andOnNull('p.removed_at');
      })
      .join('users as u', 'u.id', 'm.sender_id')
      .where('p.user_id', userId)
      .where('m.rev', '>', from)
      .andWhere('m.rev', '<=', to)
      .orderBy([{ column: 'm.conversation_id' }, { column: 'm.seq' }])
      .select(...MESSAGE_COLUMNS);
    return rows.map((r) => toMessage(r));
  }
}
