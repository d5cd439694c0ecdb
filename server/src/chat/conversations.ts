/**
 * Conversation writes: open one, add and remove participants.
 *
 * - Admins and operators open direct or group conversations with anybody, optionally about a
 *   screen, and manage the participants of group conversations.
 * - An advertiser may open a direct conversation with an admin or operator (asking the
 *   operations team about a campaign is the reason the product has chat), never about a
 *   screen: the screen link decides which screens an advertiser sees, so only staff set it.
 * - A direct conversation is unique per pair (and screen): opening it again returns the
 *   existing one. Its two participants are fixed; to bring a third person in, open a group.
 * - Anybody may leave a group conversation (remove themselves).
 */
import type { Knex } from 'knex';
import type { Conversation, Role, User } from '../../../protocol';
import { recordAudit } from '../audit/audit-log';
import { newId } from '../auth/tokens';
import { reserveRevisions } from '../db/revisions';
import { AppError } from '../errors';
import type { MarqueeServer } from '../realtime/socket-router';
import { isStaff, requireReadable } from './access';
import { conversationRoom, userRoom, type ChatEvents } from './chat-events';
import { loadViews, personalize, screensOfParticipant } from './conversations-repo';
import { MAX_CONVERSATION_PARTICIPANTS } from '../../../protocol';
import { isUniqueViolation, type ConversationRow, type ParticipantRow } from './rows';
import type { CreateConversationRequest, UpdateConversationRequest } from './schemas';
import { cleanText } from './text';
import type { NotificationService } from './notifications';
import type { TypingRelay } from './typing';

export interface ConversationDeps {
  knex: Knex;
  io: MarqueeServer;
  events: ChatEvents;
  typing: TypingRelay;
  notifications: NotificationService;
  /**
   * The screens an advertiser may see (grants ∪ bookings ∪ conversations; app.ts binds it to
   * admin-users' `visibleScreens`). Unbound: the screens of their conversations only.
   */
  visibleScreens?(userId: string): Promise<Set<string>>;
}

export async function createConversation(
  deps: ConversationDeps,
  creator: User,
  input: CreateConversationRequest,
): Promise<{ conversation: Conversation; created: boolean }> {
  const { knex, events } = deps;
  input = withAbout(input);
  const others = [...new Set(input.participantIds)].filter((id) => id !== creator.id);
  const users: { id: string; name: string; role: Role }[] = await knex('users')
    .whereIn('id', others)
    .select('id', 'name', 'role');
  const unknown = others.filter((id) => !users.some((u) => u.id === id));
  if (unknown.length)
    throw new AppError(
      'bad_request',
      `participantIds: no user ${unknown.map((u) => `"${u}"`).join(', ')}`,
    );
  if (others.length === 0)
    throw new AppError('bad_request', 'participantIds: name at least one other user');
  if (input.kind === 'direct' && others.length !== 1) {
    throw new AppError(
      'bad_request',
      'a direct conversation is between you and exactly one other user; open a group',
    );
  }
  if (!isStaff(creator)) {
    if (input.kind !== 'direct' || !users.every((u) => isStaff(u))) {
      throw new AppError(
        'forbidden',
        'advertisers may open direct conversations with operators and admins only',
      );
    }
    // An advertiser may ask about a screen they already see (its screen detail offers it);
    // linking widens nobody's view: the screen is theirs already, and staff see every screen.
    const visible = deps.visibleScreens ?? ((id: string) => screensOfParticipant(knex, id));
    if (input.screenId && !(await visible(creator.id)).has(input.screenId))
      throw new AppError(
        'forbidden',
        'you may start a conversation only about a screen you can see',
      );
  }
  if (input.screenId && !(await knex('screens').where({ id: input.screenId }).first('id'))) {
    throw new AppError('bad_request', `screenId: no screen "${input.screenId}"`);
  }

  const title = cleanText(
    input.title ?? [creator.name, ...users.map((u) => u.name)].join(', '),
    200,
  );
  const about = input.about ?? null;
  // Screen (or nothing) keeps the key it always had; a booking or campaign is its own thread.
  const subject =
    about && about.type !== 'screen' ? `${about.type}:${about.id}` : (input.screenId ?? '');
  const directKey =
    input.kind === 'direct' ? `${[creator.id, others[0]!].sort().join('|')}|${subject}` : null;
  const now = Date.now();
  let view;
  try {
    view = await knex.transaction(async (trx) => {
      const rev = await reserveRevisions(trx, 1);
      const row: ConversationRow = {
        id: newId(),
        kind: input.kind,
        title,
        screen_id: input.screenId ?? null,
        created_by: creator.id,
        created_at: now,
        last_seq: 0,
        last_message_at: null,
        direct_key: directKey,
        rev,
        about_type: about?.type ?? null,
        about_id: about?.id ?? null,
        waiting_since: null,
      };
      await trx('conversations').insert(row);
      await trx('conversation_participants').insert(
        [creator.id, ...others].map((userId, i) => ({
          conversation_id: row.id,
          user_id: userId,
          last_read_seq: 0,
          // Keeps the creator first in the participant list.
          joined_at: now + i,
          removed_at: null,
          rev,
        })),
      );
      await recordAudit(trx, {
        actor: creator,
        action: 'conversation.created',
        targetType: 'conversation',
        targetId: row.id,
        summary: `Started ${input.kind} conversation "${title}"${about ? ` about ${about.type} ${about.id}` : ''}`,
        details: {
          kind: input.kind,
          title,
          participantIds: [creator.id, ...others],
          screenId: input.screenId ?? null,
          about,
        },
      });
      return (await loadViews(trx, [row]))[0]!;
    });
  } catch (err) {
    if (directKey && isUniqueViolation(err)) {
      const existing = await knex<ConversationRow>('conversations')
        .where({ direct_key: directKey })
        .first();
      if (existing) {
        const [v] = await loadViews(knex, [existing]);
        return { conversation: personalize(v!, creator.id), created: false };
      }
    }
    throw err;
  }
  if (input.screenId) deps.notifications.noteLinkedScreen(input.screenId);
  events.emitConversationUpdate(
    view,
    view.participants.map((p) => p.userId),
  );
  return { conversation: personalize(view, creator.id), created: true };
}

/**
 * `screenId` and `about: {type: 'screen'}` say the same thing; either sets both. A booking or
 * campaign is a label (its records live with campaigns): it widens nobody's view of anything.
 */
function withAbout(input: CreateConversationRequest): CreateConversationRequest {
  const { about, screenId } = input;
  if (about?.type === 'screen') {
    if (screenId && screenId !== about.id)
      throw new AppError('bad_request', 'screenId and about name different screens; give one');
    return { ...input, screenId: about.id };
  }
  if (about && screenId)
    throw new AppError(
      'bad_request',
      `a conversation is about one thing: a screen or a ${about.type}, not both`,
    );
  return screenId ? { ...input, about: { type: 'screen', id: screenId } } : input;
}

export async function addParticipant(
  deps: ConversationDeps,
  actor: User,
  conversationId: string,
  userId: string,
): Promise<Conversation> {
  const { knex, events } = deps;
  if (!isStaff(actor)) throw new AppError('forbidden', 'operators and admins manage participants');
  const { conversation } = await requireReadable(knex, actor, conversationId);
  if (conversation.kind === 'direct') {
    throw new AppError(
      'conflict',
      'a direct conversation has two fixed participants; open a group instead',
    );
  }
  const user = await knex('users').where({ id: userId }).first('id', 'name');
  if (!user) throw new AppError('bad_request', `userId: no user "${userId}"`);

  const view = await knex.transaction(async (trx) => {
    const rev = await reserveRevisions(trx, 1);
    const row = (await trx<ConversationRow>('conversations')
      .where({ id: conversationId })
      .first())!;
    const existing = await trx<ParticipantRow>('conversation_participants')
      .where({ conversation_id: conversationId, user_id: userId })
      .first();
    if (existing && existing.removed_at === null) return null;
    const [count] = await trx('conversation_participants')
      .where({ conversation_id: conversationId })
      .whereNull('removed_at')
      .count<{ n: number | string }[]>({ n: '*' });
    if (Number(count?.n ?? 0) >= MAX_CONVERSATION_PARTICIPANTS)
      throw new AppError(
        'conflict',
        `a conversation has at most ${MAX_CONVERSATION_PARTICIPANTS} people; remove someone first or send an announcement`,
      );
    // A newcomer starts caught up: the history is there to read, not a pile of unread.
    const fields = { last_read_seq: row.last_seq, joined_at: Date.now(), removed_at: null, rev };
    if (existing) {
      await trx('conversation_participants')
        .where({ conversation_id: conversationId, user_id: userId })
        .update(fields);
    } else {
      await trx('conversation_participants').insert({
        conversation_id: conversationId,
        user_id: userId,
        ...fields,
      });
    }
    await trx('conversations').where({ id: conversationId }).update({ rev });
    await recordAudit(trx, {
      actor,
      action: 'conversation.updated',
      targetType: 'conversation',
      targetId: conversationId,
      summary: `Added ${(user as { name: string }).name} to conversation "${row.title}"`,
      details: { change: 'participantAdded', userId },
    });
    return (await loadViews(trx, [{ ...row, rev }]))[0]!;
  });
  if (!view) {
    // Already a participant: nothing changed.
    const [current] = await loadViews(knex, [
      (await knex<ConversationRow>('conversations').where({ id: conversationId }).first())!,
    ]);
    return personalize(current!, actor.id);
  }
  events.emitConversationUpdate(
    view,
    view.participants.map((p) => p.userId),
  );
  return personalize(view, actor.id);
}

export async function removeParticipant(
  deps: ConversationDeps,
  actor: User,
  conversationId: string,
  userId: string,
): Promise<Conversation> {
  const { knex, events, io, typing } = deps;
  if (!isStaff(actor) && actor.id !== userId) {
    throw new AppError('forbidden', 'operators and admins manage participants; you may only leave');
  }
  const { conversation } = await requireReadable(knex, actor, conversationId);
  if (conversation.kind === 'direct') {
    throw new AppError('conflict', 'a direct conversation has two fixed participants');
  }
  const removed = await knex('users').where({ id: userId }).first('id', 'role', 'name');
  const view = await knex.transaction(async (trx) => {
    const rev = await reserveRevisions(trx, 1);
    const now = Date.now();
    const n = await trx('conversation_participants')
      .where({ conversation_id: conversationId, user_id: userId })
      .whereNull('removed_at')
      .update({ removed_at: now, rev });
    if (n === 0)
      throw new AppError('not_found', `user "${userId}" is not a participant of this conversation`);
    await trx('conversations').where({ id: conversationId }).update({ rev });
    const row = (await trx<ConversationRow>('conversations')
      .where({ id: conversationId })
      .first())!;
    const who = (removed as { name?: string } | undefined)?.name ?? userId;
    await recordAudit(trx, {
      actor,
      action: 'conversation.updated',
      targetType: 'conversation',
      targetId: conversationId,
      summary:
        actor.id === userId
          ? `Left conversation "${row.title}"`
          : `Removed ${who} from conversation "${row.title}"`,
      details: { change: 'participantRemoved', userId },
    });
    return (await loadViews(trx, [row]))[0]!;
  });
  typing.clear(userId, conversationId);
  const stillReads = removed ? isStaff(removed as { role: Role }) : false;
  if (!stillReads) io.in(userRoom(userId)).socketsLeave(conversationRoom(conversationId));
  events.emitConversationUpdate(
    view,
    view.participants.map((p) => p.userId),
  );
  events.emitConversationUpdate(view, [userId], stillReads);
  return personalize(view, actor.id, actor.id !== userId || isStaff(actor));
}

/**
 * Renames a conversation. Decision: staff rename any conversation (they manage them, like
 * participants); other participants may rename their own group, never a direct one (its
 * default title is the two names, which is what both expect to see).
 */
export async function updateConversation(
  deps: ConversationDeps,
  actor: User,
  conversationId: string,
  input: UpdateConversationRequest,
): Promise<Conversation> {
  const { knex, events } = deps;
  const { conversation, participant } = await requireReadable(knex, actor, conversationId);
  if (!isStaff(actor) && (!participant || conversation.kind === 'direct'))
    throw new AppError('forbidden', 'operators and admins rename conversations');
  const title = cleanText(input.title, 200);
  if (title === conversation.title) {
    const [current] = await loadViews(knex, [conversation]);
    return personalize(current!, actor.id);
  }
  const view = await knex.transaction(async (trx) => {
    const rev = await reserveRevisions(trx, 1);
    await trx('conversations').where({ id: conversationId }).update({ title, rev });
    await recordAudit(trx, {
      actor,
      action: 'conversation.updated',
      targetType: 'conversation',
      targetId: conversationId,
      summary: `Renamed conversation "${conversation.title}" to "${title}"`,
      details: { change: 'title', from: conversation.title, to: title },
    });
    return (await loadViews(trx, [{ ...conversation, title, rev }]))[0]!;
  });
  events.emitConversationUpdate(
    view,
    view.participants.map((p) => p.userId),
  );
  return personalize(view, actor.id);
}
