/**
 * Chat and notifications: conversations, their participants (with each one's read marker),
 * messages, and per-user notifications. Every row carries `rev`, its change-log position
 * (see db/revisions.ts), so `sync` can answer "what changed since cursor C".
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('conversations', (t) => {
    t.string('id', 64).primary();
    t.string('kind', 16).notNullable();
    t.string('title', 200).notNullable();
    // A screen id; no foreign key: screens are retired, never deleted, and the fleet owns them.
    t.string('screen_id', 64).nullable().index();
    t.string('created_by', 64).notNullable().references('users.id');
    t.bigInteger('created_at').notNullable();
    // The seq of the newest message; incremented under the row lock to number messages.
    t.integer('last_seq').notNullable().defaultTo(0);
    t.bigInteger('last_message_at').nullable();
    // Direct conversations only: "userA|userB|screenId" (ids sorted), unique, so two
    // concurrent "open a chat with X" requests end in one conversation.
    t.string('direct_key', 200).nullable().unique();
    t.bigInteger('rev').notNullable().index();
  });

  await knex.schema.createTable('conversation_participants', (t) => {
    t.string('conversation_id', 64)
      .notNullable()
      .references('conversations.id')
      .onDelete('CASCADE');
    t.string('user_id', 64).notNullable().references('users.id').onDelete('CASCADE');
    t.integer('last_read_seq').notNullable().defaultTo(0);
    t.bigInteger('joined_at').notNullable();
    // Set when removed: the row stays so the removed user's `sync` can learn of the removal.
    t.bigInteger('removed_at').nullable();
    t.bigInteger('rev').notNullable().index();
    t.primary(['conversation_id', 'user_id']);
    t.index(['user_id', 'conversation_id']);
  });

  await knex.schema.createTable('messages', (t) => {
    t.string('id', 64).primary();
    t.string('client_id', 64).notNullable();
    t.string('conversation_id', 64)
      .notNullable()
      .references('conversations.id')
      .onDelete('CASCADE');
    t.string('sender_id', 64).notNullable().references('users.id');
    t.text('body').notNullable();
    t.integer('seq').notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('rev').notNullable().index();
    t.unique(['conversation_id', 'seq']);
    t.unique(['sender_id', 'client_id']);
  });

  await knex.schema.createTable('notifications', (t) => {
    t.string('id', 64).primary();
    t.string('user_id', 64).notNullable().references('users.id').onDelete('CASCADE');
    t.string('kind', 16).notNullable();
    t.string('title', 200).notNullable();
    t.text('body').notNullable();
    t.string('ref_type', 16).nullable();
    t.string('ref_id', 64).nullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('read_at').nullable();
    t.bigInteger('rev').notNullable().index();
    t.index(['user_id', 'rev']);
    t.index(['user_id', 'created_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['notifications', 'messages', 'conversation_participants', 'conversations']) {
    await knex.schema.dropTableIfExists(table);
  }
}
