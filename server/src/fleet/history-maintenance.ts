/**
 * Keeps history bounded: telemetry older than `telemetryRawDays` is folded into 5-minute
 * averages per screen, and telemetry and events older than `telemetryRetentionDays` are
 * deleted. State transitions are kept at least UPTIME_HISTORY_DAYS (400; uptime reports read
 * them), and each screen's newest one before that cutoff stays too: it is the screen's state
 * at the cutoff, without which a report could not tell a screen online for a year from one
 * never heard of. Runs hourly; on PostgreSQL an advisory lock lets one node of many do it.
 */
import type { Knex } from 'knex';
import { UPTIME_HISTORY_DAYS } from '../../../protocol';
import type { Logger } from '../log';

const BUCKET_MS = 5 * 60_000;
const DAY_MS = 24 * 3600_000;
const INTERVAL_MS = 3600_000;
const ADVISORY_LOCK_ID = 7_321_001;

export interface MaintenanceResult {
  downsampledFrom: number;
  downsampledTo: number;
  pruned: number;
}

export async function maintainHistory(
  knex: Knex,
  isPostgres: boolean,
  opts: { rawDays: number; retentionDays: number },
  now = Date.now(),
): Promise<MaintenanceResult | null> {
  const rawCutoff = Math.floor((now - opts.rawDays * DAY_MS) / BUCKET_MS) * BUCKET_MS;
  const retentionCutoff = now - opts.retentionDays * DAY_MS;
  return knex.transaction(async (trx) => {
    if (isPostgres) {
      const lock = await trx.raw('SELECT pg_try_advisory_xact_lock(?) AS ok', [ADVISORY_LOCK_ID]);
      if (!lock.rows[0].ok) return null; // another node is on it
    }
    let pruned = 0;
    pruned += await trx('telemetry_history').where('ts', '<', retentionCutoff).delete();
    const stateCutoff = now - Math.max(opts.retentionDays, UPTIME_HISTORY_DAYS) * DAY_MS;
    pruned += await trx('screen_state_history')
      .where('ts', '<', stateCutoff)
      .whereExists(
        trx
          .select(trx.raw('1'))
          .from('screen_state_history as newer')
          .whereRaw('newer.screen_id = screen_state_history.screen_id')
          .andWhere('newer.ts', '<', stateCutoff)
          .andWhere((w) =>
            w
              .whereRaw('newer.ts > screen_state_history.ts')
              .orWhereRaw(
                'newer.ts = screen_state_history.ts AND newer.id > screen_state_history.id',
              ),
          ),
      )
      .delete();
    pruned += await trx('screen_events').where('ts', '<', retentionCutoff).delete();

    // An inline integer literal keeps this integer arithmetic on both engines (a bound
    // parameter reaches SQLite as a float and would make it float division).
    const bucketExpr = `(ts - (ts % ${BUCKET_MS}))`;
    const bucket = trx.raw(bucketExpr);
    const averages = await trx('telemetry_history')
      .where('resolution_s', 0)
      .andWhere('ts', '<', rawCutoff)
      .groupBy('screen_id', bucket)
      .select(
        'screen_id',
        trx.raw(`${bucketExpr} AS bucket`),
        trx.raw('AVG(temperature_c) AS temperature_c'),
        trx.raw('AVG(cpu_pct) AS cpu_pct'),
        trx.raw('AVG(memory_pct) AS memory_pct'),
        trx.raw('ROUND(AVG(brightness)) AS brightness'),
        trx.raw('MAX(power) AS power'),
      );
    const downsampledFrom = await trx('telemetry_history')
      .where('resolution_s', 0)
      .andWhere('ts', '<', rawCutoff)
      .delete();
    const rows = (averages as Record<string, unknown>[]).map((a) => ({
      screen_id: a.screen_id,
      ts: Number(a.bucket),
      temperature_c: a.temperature_c === null ? null : Number(a.temperature_c),
      cpu_pct: Number(a.cpu_pct),
      memory_pct: Number(a.memory_pct),
      brightness: Number(a.brightness),
      power: a.power,
      resolution_s: BUCKET_MS / 1000,
    }));
    for (let i = 0; i < rows.length; i += 400)
      await trx('telemetry_history').insert(rows.slice(i, i + 400));
    return { downsampledFrom, downsampledTo: rows.length, pruned };
  });
}

export function scheduleHistoryMaintenance(
  knex: Knex,
  isPostgres: boolean,
  opts: { rawDays: number; retentionDays: number },
  log: Logger,
): { stop(): Promise<void> } {
  let running: Promise<unknown> | null = null;
  const run = () => {
    if (running) return;
    running = maintainHistory(knex, isPostgres, opts)
      .then((r) => r && (r.pruned || r.downsampledFrom) && log.info(r, 'history maintenance'))
      .catch((err: unknown) => log.error({ err }, 'history maintenance failed'))
      .finally(() => {
        running = null;
      });
  };
  const first = setTimeout(run, 60_000);
  const timer = setInterval(run, INTERVAL_MS);
  return {
    stop: async () => {
      clearTimeout(first);
      clearInterval(timer);
      await running;
    },
  };
}
