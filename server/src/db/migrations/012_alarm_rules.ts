/**
 * Alarm rules and maintenance windows (issue 14). A rule is one row per tag or screen with its
 * settings as JSON (only what it sets); a maintenance window is one row per tag or screen (a
 * new window for the same target replaces it; ending one deletes it, the audit log keeps it).
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('alarm_rules', (t) => {
    t.string('scope', 16).notNullable();
    t.string('target', 64).notNullable();
    t.text('settings').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.string('updated_by', 64);
    t.string('updated_by_name', 200).notNullable();
    t.primary(['scope', 'target']);
  });
  await knex.schema.createTable('maintenance_windows', (t) => {
    t.string('scope', 16).notNullable();
    t.string('target', 64).notNullable();
    t.bigInteger('starts_at').notNullable();
    t.bigInteger('ends_at').notNullable().index();
    t.string('reason', 500).notNullable();
    t.string('set_by', 64);
    t.string('set_by_name', 200).notNullable();
    t.bigInteger('set_at').notNullable();
    t.primary(['scope', 'target']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('maintenance_windows');
  await knex.schema.dropTableIfExists('alarm_rules');
}
