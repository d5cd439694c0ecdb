/** Accounts, sessions, the change-log counter, the screen registry and fleet history. */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // One row holding the last change-log position handed out (see db/revisions.ts).
  await knex.schema.createTable('change_counter', (t) => {
    t.integer('id').primary();
    t.bigInteger('value').notNullable();
  });
  await knex('change_counter').insert({ id: 1, value: 0 });

  await knex.schema.createTable('users', (t) => {
    t.string('id', 64).primary();
    t.string('email', 254).notNullable().unique();
    t.string('name', 200).notNullable();
    t.string('role', 16).notNullable();
    t.text('password_hash').notNullable();
    t.bigInteger('created_at').notNullable();
  });

  await knex.schema.createTable('sessions', (t) => {
    t.string('id', 64).primary();
    t.string('user_id', 64).notNullable().references('users.id').onDelete('CASCADE');
    t.string('token_hash', 64).notNullable().unique();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('expires_at').notNullable();
    t.bigInteger('revoked_at');
  });

  await knex.schema.createTable('screens', (t) => {
    t.string('id', 64).primary();
    t.string('name', 200).notNullable();
    t.string('address', 500);
    t.double('lat');
    t.double('lng');
    t.text('tags').notNullable().defaultTo('[]');
    t.boolean('retired').notNullable().defaultTo(false);
    t.string('state', 16).notNullable().defaultTo('unknown');
    t.bigInteger('state_since');
    t.bigInteger('last_seen');
    t.string('boot_id', 64);
    t.string('agent_version', 32);
    t.text('capabilities').notNullable().defaultTo('[]');
    t.text('telemetry');
    t.bigInteger('rev').notNullable().index();
    t.bigInteger('created_at').notNullable();
  });

  await knex.schema.createTable('device_credentials', (t) => {
    t.string('screen_id', 64).primary().references('screens.id').onDelete('CASCADE');
    t.string('secret_hash', 64).notNullable();
    t.bigInteger('created_at').notNullable();
  });

  await knex.schema.createTable('screen_state_history', (t) => {
    t.increments('id');
    t.string('screen_id', 64).notNullable();
    t.string('state', 16).notNullable();
    t.string('boot_id', 64);
    t.bigInteger('ts').notNullable();
    t.index(['screen_id', 'ts']);
  });

  await knex.schema.createTable('telemetry_history', (t) => {
    t.increments('id');
    t.string('screen_id', 64).notNullable();
    t.bigInteger('ts').notNullable();
    t.double('temperature_c');
    t.double('cpu_pct');
    t.double('memory_pct');
    t.integer('brightness');
    t.string('power', 16);
    t.index(['screen_id', 'ts']);
    t.index(['ts']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of [
    'telemetry_history',
    'screen_state_history',
    'device_credentials',
    'screens',
    'sessions',
    'users',
    'change_counter',
  ]) {
    await knex.schema.dropTableIfExists(table);
  }
}
