/**
 * Desired state (issue 13, server/src/desired-state/): what each screen and each tag sets
 * (brightness, power, schedule, time zone; a JSON DesiredSpec), and the screen's effective
 * view with its drift (`screens.desired`, JSON of Screen.desired) so it travels with the screen
 * through the change log like every other screen field.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('screen_desired', (t) => {
    t.string('screen_id', 64).primary().references('screens.id').onDelete('CASCADE');
    t.text('spec').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.string('updated_by', 64).nullable();
  });
  await knex.schema.createTable('tag_desired', (t) => {
    t.string('tag', 64).primary();
    t.text('spec').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.string('updated_by', 64).nullable();
  });
  await knex.schema.alterTable('screens', (t) => {
    t.text('desired').nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('screens', (t) => {
    t.dropColumn('desired');
  });
  await knex.schema.dropTable('tag_desired');
  await knex.schema.dropTable('screen_desired');
}
