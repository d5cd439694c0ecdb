/**
 * `GET /api/proof-of-play`: the stored play records, filtered by campaign(s), screen(s) and
 * time, oldest first; at most `limit` rows (the answer says when more matched). Walks the
 * (campaign_id, started_at) or (screen_id, started_at) index of proof_of_play.
 */
import type { Knex } from 'knex';
import {
  PROOF_OF_PLAY_MAX_ROWS,
  type ProofOfPlayList,
  type ProofOfPlayRecord,
} from '../../../protocol';

export async function queryProofOfPlay(
  knex: Knex,
  f: {
    /** null: any campaign (staff without a campaign filter). */
    campaignIds: string[] | null;
    /** null: any screen. */
    screenIds: string[] | null;
    from?: number;
    to?: number;
    limit?: number;
  },
): Promise<ProofOfPlayList> {
  const limit = f.limit ?? PROOF_OF_PLAY_MAX_ROWS;
  if ((f.campaignIds && f.campaignIds.length === 0) || (f.screenIds && f.screenIds.length === 0))
    return { records: [], truncated: false };
  const q = knex('proof_of_play');
  if (f.campaignIds) q.whereIn('campaign_id', f.campaignIds);
  if (f.screenIds) q.whereIn('screen_id', f.screenIds);
  if (f.from !== undefined) q.andWhere('started_at', '>=', f.from);
  if (f.to !== undefined) q.andWhere('started_at', '<', f.to);
  const rows = (await q
    .orderBy([{ column: 'started_at' }, { column: 'screen_id' }, { column: 'record_id' }])
    .limit(limit + 1)
    .select('*')) as {
    screen_id: string;
    record_id: string;
    campaign_id: string;
    creative_id: string;
    started_at: number | string;
    duration_ms: number | string;
    received_at: number | string;
  }[];
  const records: ProofOfPlayRecord[] = rows.slice(0, limit).map((r) => ({
    screenId: r.screen_id,
    recordId: r.record_id,
    campaignId: r.campaign_id,
    creativeId: r.creative_id,
    startedAt: Number(r.started_at),
    durationMs: Number(r.duration_ms),
    receivedAt: Number(r.received_at),
  }));
  return { records, truncated: rows.length > limit };
}
