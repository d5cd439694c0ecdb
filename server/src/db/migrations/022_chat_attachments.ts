/**
 * Files in chat (issue 12): one row per uploaded attachment, the bytes a file under the data
 * directory (server/src/chat/README.md "Attachments"). A message carries its attachments'
 * wire form in `messages.attachments` (JSON), so reading a thread costs no join; retention
 * deletes the row and the file and marks the message's copy `removed`.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('chat_attachments', (t) => {
    t.string('id', 48).primary();
    t.string('client_id', 64).notNullable();
    t.string('uploader_id', 64).notNullable().references('users.id');
    t.string('conversation_id', 64).notNullable().references('conversations.id');
    /** Null until a message is sent with it. */
    t.string('message_id', 64);
    t.string('file_name', 200).notNullable();
    t.string('mime', 32).notNullable();
    t.integer('bytes').notNullable();
    t.integer('width');
    t.integer('height');
    /** Relative to the attachment directory. */
    t.string('file', 200).notNullable();
    t.string('thumb_file', 200);
    t.bigInteger('created_at').notNullable();
    t.unique(['uploader_id', 'client_id']);
    t.index(['created_at']);
    t.index(['message_id']);
  });
  await knex.schema.alterTable('messages', (t) => {
    t.text('attachments');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('messages', (t) => {
    t.dropColumn('attachments');
  });
  await knex.schema.dropTable('chat_attachments');
}
