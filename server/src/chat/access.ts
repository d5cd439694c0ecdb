/**
 * Who may do what with a conversation. One place, used by the room policy, every socket event
 * and every REST route:
 *
 * - read (join `conversation:{id}`, page history, see the conversation): its active
 *   participants, and admins and operators (the operations team reads any conversation);
 * - write (send, mark read, type): active participants only, whatever the role. A staff
 *   member who is not a participant adds themselves first.
 *
 * A conversation that does not exist is `not_found`; one the user may not read, `forbidden`.
 */
import type { Knex } from 'knex';
import type { User } from '../../../protocol';
import { AppError } from '../errors';
import type { ConversationRow, ParticipantRow } from './rows';

export const isStaff = (user: Pick<User, 'role'>): boolean =>
  user.role === 'admin' || user.role === 'operator';

export interface Access {
  conversation: ConversationRow;
  /** The user's active participant row; null when they read as staff. */
  participant: ParticipantRow | null;
}

const CONVERSATION_ID = /^[A-Za-z0-9_-]{1,64}$/;

async function load(
  db: Knex | Knex.Transaction,
  user: User,
  conversationId: string,
): Promise<Access | null> {
  if (!CONVERSATION_ID.test(conversationId)) return null;
  const conversation = await db<ConversationRow>('conversations')
    .where({ id: conversationId })
    .first();
  if (!conversation) return null;
  const participant =
    (await db<ParticipantRow>('conversation_participants')
      .where({ conversation_id: conversationId, user_id: user.id })
      .whereNull('removed_at')
      .first()) ?? null;
  return { conversation, participant };
}

/** The room policy's question: may this user read the conversation? */
export async function canRead(db: Knex, user: User, conversationId: string): Promise<boolean> {
  const access = await load(db, user, conversationId);
  return !!access && (!!access.participant || isStaff(user));
}

export async function requireReadable(
  db: Knex | Knex.Transaction,
  user: User,
  conversationId: string,
): Promise<Access> {
  const access = await load(db, user, conversationId);
  if (!access) throw new AppError('not_found', `no conversation "${conversationId}"`);
  if (!access.participant && !isStaff(user)) {
    throw new AppError(
      'forbidden',
      `you are not a participant of conversation "${conversationId}"`,
    );
  }
  return access;
}

export async function requireParticipant(
  db: Knex | Knex.Transaction,
  user: User,
  conversationId: string,
): Promise<Access & { participant: ParticipantRow }> {
  const access = await requireReadable(db, user, conversationId);
  if (!access.participant) {
    throw new AppError(
      'forbidden',
      `you are not a participant of conversation "${conversationId}"; add yourself to write in it`,
    );
  }
  return access as Access & { participant: ParticipantRow };
}
