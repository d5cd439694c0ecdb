/**
 * Read receipts: each participant's `last_read_seq`. `markRead` only moves it forward (a
 * stale or out-of-order markRead is answered with the current marker and changes nothing),
 * and never past the newest message. When it reaches the newest message, the user's unread
 * "new message" notifications for that conversation are marked read too, so the badge and
 * the notification list agree.
 */
import type { Knex } from 'knex';
import type { User } from '../../../protocol';
import { reserveRevisions } from '../db/revisions';
import { requireParticipant } from './access';
import type { ChatEvents } from './chat-events';
import { loadViews } from './conversations-repo';
import { markNotificationsRead } from './notifications';
import type { ConversationRow, ParticipantRow } from './rows';

export async function markRead(
  deps: { knex: Knex; events: ChatEvents },
  user: User,
  conversationId: string,
  seq: number,
): Promise<{ conversationId: string; seq: number }> {
  const { knex, events } = deps;
  const { conversation, participant } = await requireParticipant(knex, user, conversationId);
  const target = Math.min(seq, Number(conversation.last_seq));
  if (target <= Number(participant.last_read_seq)) {
    return { conversationId, seq: Number(participant.last_read_seq) };
  }
  const result = await knex.transaction(async (trx) => {
    const rev = await reserveRevisions(trx, 1);
    const where = { conversation_id: conversationId, user_id: user.id };
    const moved = await trx('conversation_participants')
      .where(where)
      .whereNull('removed_at')
      .where('last_read_seq', '<', target)
      .update({ last_read_seq: target, rev });
    if (moved === 0) {
      // Moved as far or further by a concurrent markRead (another console), or removed.
      const now = await trx<ParticipantRow>('conversation_participants').where(where).first();
      return { changed: false as const, seq: Number(now?.last_read_seq ?? 0) };
    }
    // Participants' markers are part of the conversation as consoles hold it.
    await trx('conversations').where({ id: conversationId }).update({ rev });
    const row = (await trx<ConversationRow>('conversations')
      .where({ id: conversationId })
      .first())!;
    let notes: Awaited<ReturnType<typeof markNotificationsRead>> = [];
    if (target >= Number(row.last_seq)) {
      const ids: { id: string }[] = await trx('notifications')
        .where({
          user_id: user.id,
          kind: 'message',
          ref_type: 'conversation',
          ref_id: conversationId,
        })
        .whereNull('read_at')
        .select('id');
      notes = await markNotificationsRead(
        trx,
        user.id,
        ids.map((r) => r.id),
        rev,
      );
    }
    const [view] = await loadViews(trx, [row]);
    return { changed: true as const, seq: target, view: view!, notes };
  });
  if (result.changed) {
    const read = { conversationId, userId: user.id, seq: result.seq };
    events.emitMessageRead(
      read,
      result.view.participants.map((p) => p.userId),
    );
    events.emitConversationUpdate(result.view, [user.id]);
    for (const n of result.notes) events.emitNotification(user.id, n);
  }
  return { conversationId, seq: result.seq };
}
