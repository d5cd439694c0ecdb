/**
 * Alarm deliveries (issue 14), kept in the database so a restart neither loses nor doubles one:
 *
 * - alert_dispatches: one row per (alarm change, recipient, channel), unique by `key` (the
 *   idempotency key): pending, held for quiet hours, being sent (leased), delivered, failed.
 * - alert_escalations: one timer per (alarm, route): the next step of the chain and when.
 * - alert_delivery_log: every attempt of every channel, append-only, read by admins.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('alert_dispatches', (t) => {
    t.string('id', 64).primary();
    t.string('key', 300).notNullable().unique();
    t.string('alarm_id', 64).notNullable();
    t.string('event', 16).notNullable(); // raised | cleared | escalated
    t.string('channel', 16).notNullable(); // console | email | webhook
    t.string('recipient_id', 64).notNullable();
    t.string('recipient_name', 200).notNullable();
    /** pending | held | sending | delivered | failed | cancelled */
    t.string('status', 16).notNullable();
    t.integer('attempts').notNullable().defaultTo(0);
    t.bigInteger('next_at').notNullable();
    t.bigInteger('lease_until').nullable();
    t.text('payload').notNullable(); // JSON AlertMessage
    t.text('last_error').nullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.index(['status', 'next_at']);
    t.index(['alarm_id']);
  });
  await knex.schema.createTable('alert_escalations', (t) => {
    t.string('id', 64).primary();
    t.string('alarm_id', 64).notNullable();
    t.string('route_id', 64).notNullable();
    t.integer('next_step').notNullable();
    t.bigInteger('due_at').notNullable();
    t.string('status', 16).notNullable(); // pending | done
    t.text('alarm').notNullable(); // JSON: the alarm as raised, for the escalation's words
    t.bigInteger('lease_until').nullable();
    t.bigInteger('updated_at').notNullable();
    t.unique(['alarm_id', 'route_id']);
    t.index(['status', 'due_at']);
  });
  await knex.schema.createTable('alert_delivery_log', (t) => {
    t.bigIncrements('seq').primary();
    t.bigInteger('ts').notNullable();
    t.string('dispatch_id', 64).notNullable();
    t.string('alarm_id', 64).notNullable();
    t.string('event', 16).notNullable();
    t.string('channel', 16).notNullable();
    t.string('recipient_id', 64).notNullable();
    t.string('recipient_name', 200).notNullable();
    t.string('status', 16).notNullable();
    t.integer('attempt').notNullable();
    t.string('error', 1000).nullable();
    t.index(['alarm_id', 'seq']);
    t.index(['recipient_id', 'seq']);
    t.index(['status', 'seq']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['alert_delivery_log', 'alert_escalations', 'alert_dispatches'])
    await knex.schema.dropTableIfExists(table);
}
