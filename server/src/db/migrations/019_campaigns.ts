/**
 * Campaigns (issue 12): advertiser organizations (users gain an organization), campaigns whose
 * id is the `campaignId` players report, bookings (a campaign on screens for dates and
 * dayparts), and proof of play read back: one row per play keyed by (screen, record id) so a
 * retried record counts once, plus an hourly roll-up the delivery report reads instead of
 * millions of rows (server/src/campaigns/README.md). Plays stored before this migration are
 * copied over from screen_events.
 */
import type { Knex } from 'knex';

const HOUR_MS = 3_600_000;

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('organizations', (t) => {
    t.string('id', 64).primary();
    t.string('name', 200).notNullable().unique();
    t.bigInteger('created_at').notNullable();
  });
  await knex.schema.alterTable('users', (t) => {
    t.string('organization_id', 64).nullable().references('organizations.id');
    t.index(['organization_id']);
  });
  await knex.schema.createTable('campaigns', (t) => {
    t.string('id', 128).primary();
    t.string('organization_id', 64).notNullable().references('organizations.id');
    t.string('name', 200).notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.index(['organization_id']);
  });
  await knex.schema.createTable('bookings', (t) => {
    t.string('id', 48).primary();
    t.string('campaign_id', 128).notNullable().references('campaigns.id');
    /** JSON arrays: screens named by id, and tags whose screens are booked. */
    t.text('screen_ids').notNullable();
    t.text('tags').notNullable();
    /** Inclusive local dates (YYYY-MM-DD) in `time_zone`. */
    t.string('starts_on', 10).notNullable();
    t.string('ends_on', 10).notNullable();
    t.string('time_zone', 64).notNullable();
    /** JSON array of {days, start, end}; empty: all day. */
    t.text('dayparts').notNullable();
    t.integer('contracted_plays').nullable();
    t.string('status', 16).notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.index(['campaign_id']);
    t.index(['status']);
  });
  await knex.schema.createTable('proof_of_play', (t) => {
    t.string('screen_id', 64).notNullable();
    t.string('record_id', 64).notNullable();
    t.string('campaign_id', 128).notNullable();
    t.string('creative_id', 128).notNullable();
    t.bigInteger('started_at').notNullable();
    t.integer('duration_ms').notNullable();
    t.bigInteger('received_at').notNullable();
    t.primary(['screen_id', 'record_id']);
    t.index(['campaign_id', 'started_at']);
    t.index(['screen_id', 'started_at']);
  });
  await knex.schema.createTable('proof_of_play_hours', (t) => {
    t.string('campaign_id', 128).notNullable();
    t.string('screen_id', 64).notNullable();
    /** Start of the UTC hour the plays started in (ms). */
    t.bigInteger('hour').notNullable();
    t.integer('plays').notNullable();
    t.primary(['campaign_id', 'hour', 'screen_id']);
  });

  // Plays already stored as events: copy them in pages (a long-running network has many).
  let after = { screen_id: '', event_id: '' };
  for (;;) {
    const rows = (await knex('screen_events')
      .where('kind', 'proofOfPlay')
      .andWhere((q) =>
        q
          .where('screen_id', '>', after.screen_id)
          .orWhere((q2) =>
            q2.where('screen_id', after.screen_id).andWhere('event_id', '>', after.event_id),
          ),
      )
      .orderBy([{ column: 'screen_id' }, { column: 'event_id' }])
      .limit(500)
      .select('screen_id', 'event_id', 'ts', 'payload')) as {
      screen_id: string;
      event_id: string;
      ts: number | string;
      payload: string;
    }[];
    if (rows.length === 0) break;
    after = rows[rows.length - 1]!;
    const plays = rows.map((r) => {
      const p = JSON.parse(r.payload) as {
        campaignId?: string;
        creativeId?: string;
        startedAt?: number;
        durationMs?: number;
      };
      return {
        screen_id: r.screen_id,
        record_id: r.event_id,
        campaign_id: String(p.campaignId ?? ''),
        creative_id: String(p.creativeId ?? ''),
        started_at: Number(p.startedAt ?? r.ts),
        duration_ms: Math.max(0, Math.round(Number(p.durationMs ?? 0))),
        received_at: Number(r.ts),
      };
    });
    await knex('proof_of_play').insert(plays).onConflict(['screen_id', 'record_id']).ignore();
    const hours = new Map<
      string,
      { campaign_id: string; screen_id: string; hour: number; plays: number }
    >();
    for (const p of plays) {
      const hour = Math.floor(p.started_at / HOUR_MS) * HOUR_MS;
      const key = `${p.campaign_id}\u0000${p.screen_id}\u0000${hour}`;
      const h = hours.get(key);
      if (h) h.plays++;
      else hours.set(key, { campaign_id: p.campaign_id, screen_id: p.screen_id, hour, plays: 1 });
    }
    for (const h of hours.values()) {
      await knex('proof_of_play_hours')
        .insert(h)
        .onConflict(['campaign_id', 'hour', 'screen_id'])
        .merge({ plays: knex.raw('proof_of_play_hours.plays + ?', [h.plays]) });
    }
  }
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('proof_of_play_hours');
  await knex.schema.dropTable('proof_of_play');
  await knex.schema.dropTable('bookings');
  await knex.schema.dropTable('campaigns');
  await knex.schema.alterTable('users', (t) => {
    t.dropIndex(['organization_id']);
    t.dropForeign(['organization_id']);
    t.dropColumn('organization_id');
  });
  await knex.schema.dropTable('organizations');
}
