/**
 * Notices to advertisers about their booked screens (issue 12): the outages the notices are
 * about (one open row per screen, so a flap reopens the same outage instead of starting a new
 * one, and a restart finds it again), and one row per notice and recipient under a key
 * `bookingId:screenId:outageStart:down|back`, so planning it twice stores it once and a notice
 * held for quiet hours survives a restart (server/src/campaigns/README.md).
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('advertiser_outages', (t) => {
    t.string('screen_id', 64).notNullable();
    t.bigInteger('started_at').notNullable();
    /** null while the screen is down; set when it comes back (cleared again by a flap). */
    t.bigInteger('ended_at').nullable();
    /** `open` (down, or back but not yet calm), `closed` (back notices planned). */
    t.string('status', 8).notNullable();
    t.string('state', 16).notNullable();
    t.primary(['screen_id', 'started_at']);
    t.index(['status']);
  });
  await knex.schema.createTable('advertiser_notices', (t) => {
    t.string('notice_key', 300).notNullable();
    t.string('user_id', 64).notNullable();
    t.string('booking_id', 48).notNullable();
    t.string('screen_id', 64).notNullable();
    t.bigInteger('outage_started_at').notNullable();
    t.string('kind', 8).notNullable();
    t.string('title', 200).notNullable();
    t.text('body').notNullable();
    /** `held` (quiet hours, until `due_at`), `delivered`, `skipped` (came back while held). */
    t.string('status', 12).notNullable();
    t.bigInteger('due_at').notNullable();
    t.string('notification_id', 64).nullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('delivered_at').nullable();
    t.primary(['notice_key', 'user_id']);
    t.index(['status', 'due_at']);
    t.index(['screen_id', 'outage_started_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('advertiser_notices');
  await knex.schema.dropTableIfExists('advertiser_outages');
}
