/**
 * Site alarms (issue 14, storms): one alarm for many screens of one site down together. The
 * alarm names its site and the screens folded into it (a JSON array). Both null on every other
 * alarm, so older rows read as before.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('alarms', (t) => {
    t.string('site', 500).nullable();
    t.text('screen_ids').nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('alarms', (t) => {
    t.dropColumn('site');
    t.dropColumn('screen_ids');
  });
}
