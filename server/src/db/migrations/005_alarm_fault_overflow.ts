/**
 * Faults beyond a screen's cap of individual fault alarms (see server/src/alarms/README.md):
 * one row per folded fault code, so the screen's one grouped alarm knows how many are open,
 * their worst severity, and when the last of them has cleared. Not part of the change log:
 * consoles see only the grouped alarm.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('alarm_fault_overflow', (t) => {
    t.string('screen_id', 64).notNullable();
    t.string('code', 64).notNullable();
    t.string('severity', 16).notNullable();
    t.string('message', 500).notNullable();
    t.bigInteger('ts').notNullable();
    t.primary(['screen_id', 'code']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('alarm_fault_overflow');
}
