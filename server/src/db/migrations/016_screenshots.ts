/**
 * Screenshots (issue 13): one row per stored image, the image itself a file under the server's
 * screenshot directory (server/src/screenshots/README.md says why files and not blobs), and the
 * per-tag schedules admins set ("a screenshot every N minutes of screens tagged X").
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('screenshots', (t) => {
    t.string('id', 48).primary();
    t.string('screen_id', 64).notNullable().references('screens.id').onDelete('CASCADE');
    t.bigInteger('captured_at').notNullable();
    t.bigInteger('received_at').notNullable();
    t.string('mime', 16).notNullable();
    t.integer('width').notNullable();
    t.integer('height').notNullable();
    t.integer('bytes').notNullable();
    /** Relative to the screenshot directory: `<screenId>/<id>.png`. */
    t.string('file', 200).notNullable();
    t.string('trigger', 16).notNullable();
    t.string('command_id', 64);
    t.index(['screen_id', 'captured_at']);
    t.index(['received_at']);
  });
  await knex.schema.createTable('screenshot_schedules', (t) => {
    t.string('tag', 64).primary();
    t.integer('every_minutes').notNullable();
    t.string('updated_by', 64);
    t.bigInteger('updated_at').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('screenshot_schedules');
  await knex.schema.dropTable('screenshots');
}
