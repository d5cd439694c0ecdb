/**
 * Who sees what, managed by admins: an explicit grant (advertiser user ↔ screen), added to the
 * screens their conversations are about; and when each user's console was last connected.
 *
 * Decision: grants are per user today. When organizations arrive, a second table
 * (organization ↔ screen) joins the same union in admin-users/grants-repo.ts.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('screen_grants', (t) => {
    t.string('user_id', 64).notNullable().references('users.id').onDelete('CASCADE');
    t.string('screen_id', 64).notNullable().references('screens.id').onDelete('CASCADE');
    t.string('granted_by', 64);
    t.bigInteger('granted_at').notNullable();
    t.primary(['user_id', 'screen_id']);
    t.index(['screen_id']);
  });
  await knex.schema.alterTable('users', (t) => {
    t.bigInteger('last_seen_at');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.dropColumn('last_seen_at');
  });
  await knex.schema.dropTable('screen_grants');
}
