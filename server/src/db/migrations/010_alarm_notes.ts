/**
 * Alarms at volume (issue 11): who acknowledged an alarm by name, and operators' notes.
 * Notes are a JSON array on their alarm (at most ALARM_NOTES_PER_ALARM): they travel with the
 * alarm through the change log, so every console sees a new note without another entity kind.
 * The name is the person's name when they acknowledged (a later rename does not rewrite history);
 * alarms acknowledged before this migration take their acknowledger's current name.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('alarms', (t) => {
    t.string('acknowledged_by_name', 200).nullable();
    t.text('notes').nullable();
  });
  await knex('alarms')
    .whereNotNull('acknowledged_by')
    .update({
      acknowledged_by_name: knex('users')
        .select('name')
        .where('users.id', knex.ref('alarms.acknowledged_by')),
    });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('alarms', (t) => {
    t.dropColumn('acknowledged_by_name');
    t.dropColumn('notes');
  });
}
