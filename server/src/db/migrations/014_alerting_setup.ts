/**
 * Alarm routing (issue 14): routes (who gets which alarms), on-call groups, outgoing webhooks,
 * and each person's contact and schedule. Lists (tags, kinds, steps, members) are JSON text:
 * they are read whole with their row and never queried into.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('alert_routes', (t) => {
    t.string('id', 64).primary();
    t.string('name', 200).notNullable();
    t.boolean('enabled').notNullable().defaultTo(true);
    t.text('tags').notNullable(); // JSON string[]
    t.string('min_severity', 16).notNullable();
    t.text('kinds').notNullable(); // JSON string[]
    t.text('steps').notNullable(); // JSON RouteTarget[]
    t.integer('escalate_after_min').nullable();
    t.string('quiet_hours', 16).notNullable();
    t.boolean('channel_console').notNullable();
    t.boolean('channel_email').notNullable();
    t.text('webhook_ids').notNullable(); // JSON string[]
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
  });
  await knex.schema.createTable('alert_groups', (t) => {
    t.string('id', 64).primary();
    t.string('name', 200).notNullable();
    t.text('member_ids').notNullable(); // JSON string[], in order
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
  });
  await knex.schema.createTable('alert_webhooks', (t) => {
    t.string('id', 64).primary();
    t.string('name', 200).notNullable();
    t.string('url', 2000).notNullable();
    t.string('format', 16).notNullable();
    t.boolean('enabled').notNullable().defaultTo(true);
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
  });
  await knex.schema.createTable('alert_contacts', (t) => {
    t.string('user_id', 64).primary().references('id').inTable('users').onDelete('CASCADE');
    t.string('email', 254).nullable();
    t.string('time_zone', 64).notNullable();
    t.text('quiet_hours').nullable(); // JSON {start, end}
    t.text('working_hours').nullable(); // JSON {days, start, end}
    t.bigInteger('updated_at').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['alert_contacts', 'alert_webhooks', 'alert_groups', 'alert_routes'])
    await knex.schema.dropTableIfExists(table);
}
