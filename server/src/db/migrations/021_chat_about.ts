/**
 * Chat tied to work (issue 12): what a conversation is about (a screen, a booking or a
 * campaign) and since when it waits for an answer from the operations team — kept on the row
 * by every message (an advertiser's starts the wait, a staff member's ends it), so "waiting
 * for you, oldest first" is one indexed query, not a scan of every thread.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('conversations', (t) => {
    t.string('about_type', 16);
    t.string('about_id', 64);
    t.bigInteger('waiting_since');
    t.index(['waiting_since']);
    t.index(['about_type', 'about_id']);
  });
  await knex('conversations')
    .whereNotNull('screen_id')
    .update({ about_type: 'screen', about_id: knex.ref('screen_id') });
  // Conversations whose last word is an advertiser's wait since the first advertiser message
  // after the team's last one (seqs are dense, so that is the message after it).
  const last: { id: string; last_seq: number | string }[] = await knex('conversations as c')
    .join('messages as m', function () {
      this.on('m.conversation_id', '=', 'c.id').andOn('m.seq', '=', 'c.last_seq');
    })
    .join('users as u', 'u.id', 'm.sender_id')
    .where('u.role', 'advertiser')
    .select('c.id', 'c.last_seq');
  for (const c of last) {
    const staff = await knex('messages as m')
      .join('users as u', 'u.id', 'm.sender_id')
      .where('m.conversation_id', c.id)
      .whereIn('u.role', ['admin', 'operator'])
      .max<{ s: number | string | null }>('m.seq as s')
      .first();
    const first = await knex('messages')
      .where({ conversation_id: c.id })
      .where('seq', '>', Number(staff?.s ?? 0))
      .min<{ t: number | string | null }>('created_at as t')
      .first();
    if (first?.t != null)
      await knex('conversations')
        .where({ id: c.id })
        .update({ waiting_since: Number(first.t) });
  }
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('conversations', (t) => {
    t.dropIndex(['waiting_since']);
    t.dropIndex(['about_type', 'about_id']);
    t.dropColumn('about_type');
    t.dropColumn('about_id');
    t.dropColumn('waiting_since');
  });
}
