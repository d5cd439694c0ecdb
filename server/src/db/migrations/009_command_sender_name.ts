/**
 * Commands keep their sender's name as it was when they were sent, so a screen's command
 * history says who sent each one (to every console, without a user list, and still right
 * after the account is renamed or disabled). Older rows have none: the console shows the id.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('commands', (t) => {
    t.string('created_by_name', 200);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('commands', (t) => {
    t.dropColumn('created_by_name');
  });
}
