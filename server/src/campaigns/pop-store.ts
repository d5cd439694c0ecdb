/**
 * Proof of play as it arrives: each `proofOfPlay` event becomes one `proof_of_play` row keyed by
 * (screen, record id), and only the rows actually inserted (not a retry or a QoS 1 redelivery,
 * not a record stored before a restart) are added to the hourly roll-up — in the same
 * transaction as the event, so the roll-up and the rows never disagree. The event store calls
 * this for every batch it writes (app.ts hands it over).
 */
import type { Knex } from 'knex';
import type { EventRow } from '../fleet/event-store';

export const HOUR_MS = 3_600_000;

interface PlayRow {
  screen_id: string;
  record_id: string;
  campaign_id: string;
  creative_id: string;
  started_at: number;
  duration_ms: number;
  received_at: number;
}

function toPlay(row: EventRow, receivedAt: number): PlayRow | null {
  if (row.kind !== 'proofOfPlay') return null;
  const p = JSON.parse(row.payload) as {
    campaignId: string;
    creativeId: string;
    startedAt: number;
    durationMs: number;
  };
  return {
    screen_id: row.screen_id,
    record_id: row.event_id,
    campaign_id: p.campaignId,
    creative_id: p.creativeId,
    started_at: p.startedAt,
    duration_ms: Math.round(p.durationMs),
    received_at: receivedAt,
  };
}

export async function storeProofOfPlay(trx: Knex.Transaction, rows: EventRow[]): Promise<void> {
  const now = Date.now();
  const plays = rows.flatMap((r) => toPlay(r, now) ?? []);
  if (plays.length === 0) return;
  // RETURNING gives exactly the rows this statement inserted (both engines).
  const inserted = (await trx('proof_of_play')
    .insert(plays)
    .onConflict(['screen_id', 'record_id'])
    .ignore()
    .returning(['campaign_id', 'screen_id', 'started_at'])) as {
    campaign_id: string;
    screen_id: string;
    started_at: number | string;
  }[];
  const hours = new Map<
    string,
    { campaign_id: string; screen_id: string; hour: number; plays: number }
  >();
  for (const p of inserted) {
    const hour = Math.floor(Number(p.started_at) / HOUR_MS) * HOUR_MS;
    const key = `${p.campaign_id}\u0000${p.screen_id}\u0000${hour}`;
    const h = hours.get(key);
    if (h) h.plays++;
    else hours.set(key, { campaign_id: p.campaign_id, screen_id: p.screen_id, hour, plays: 1 });
  }
  const list = [...hours.values()];
  for (let i = 0; i < list.length; i += 300) {
    await trx('proof_of_play_hours')
      .insert(list.slice(i, i + 300))
      .onConflict(['campaign_id', 'hour', 'screen_id'])
      .merge({ plays: trx.raw('proof_of_play_hours.plays + excluded.plays') });
  }
}
