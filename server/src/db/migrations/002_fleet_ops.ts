/** Alarms, commands, agent events (with their ids for de-duplication) and Mosquitto hashes. */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('alarms', (t) => {
    t.string('id', 64).primary();
    t.string('screen_id', 64).notNullable().index();
    t.string('kind', 16).notNullable();
    t.string('code', 64).notNullable().defaultTo('');
    t.string('severity', 16).notNullable();
    t.string('status', 16).notNullable();
    t.string('message', 500).notNullable();
    t.boolean('flapping').notNullable().defaultTo(false);
    t.integer('count').notNullable().defaultTo(1);
    t.bigInteger('raised_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.string('acknowledged_by', 64);
    t.bigInteger('cleared_at');
    // `screen|kind|code` while the alarm is open, NULL once cleared: the unique index makes
    // "raise again" update the open alarm instead of adding one, even across server nodes.
    t.string('open_key', 200).unique();
    t.bigInteger('rev').notNullable().index();
  });

  await knex.schema.createTable('commands', (t) => {
    t.string('id', 64).primary();
    t.string('request_id', 64).notNullable().index();
    t.string('screen_id', 64).notNullable().index();
    t.string('type', 32).notNullable();
    t.text('params').notNullable();
    t.string('status', 16).notNullable();
    t.text('detail');
    t.string('created_by', 64).notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('expires_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.bigInteger('rev').notNullable().index();
    t.index(['status', 'expires_at']);
  });

  await knex.schema.createTable('screen_events', (t) => {
    t.string('screen_id', 64).notNullable();
    t.string('event_id', 64).notNullable();
    t.string('kind', 32).notNullable();
    t.bigInteger('ts').notNullable();
    t.text('payload').notNullable();
    t.primary(['screen_id', 'event_id']);
    t.index(['screen_id', 'ts']);
  });

  await knex.schema.alterTable('telemetry_history', (t) => {
    // 0: a sample as received; 300: a 5-minute average made by history maintenance.
    t.integer('resolution_s').notNullable().defaultTo(0);
  });

  await knex.schema.alterTable('device_credentials', (t) => {
    // PBKDF2-SHA512 in Mosquitto's own format, so the server can write its password file.
    t.string('mosquitto_hash', 200);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('device_credentials', (t) => t.dropColumn('mosquitto_hash'));
  await knex.schema.alterTable('telemetry_history', (t) => t.dropColumn('resolution_s'));
  await knex.schema.dropTableIfExists('screen_events');
  await knex.schema.dropTableIfExists('commands');
  await knex.schema.dropTableIfExists('alarms');
}
