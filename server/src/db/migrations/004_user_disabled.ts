/**
 * Accounts can be disabled (sessions end, sign-in refused), and sessions get the indexes the
 * prune job and "end every session of this user" need.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.bigInteger('disabled_at');
  });
  await knex.schema.alterTable('sessions', (t) => {
    t.index(['user_id']);
    t.index(['expires_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('sessions', (t) => {
    t.dropIndex(['user_id']);
    t.dropIndex(['expires_at']);
  });
  await knex.schema.alterTable('users', (t) => {
    t.dropColumn('disabled_at');
  });
}
