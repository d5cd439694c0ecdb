/**
 * Every tick: take the screens that changed, write them and their history in one
 * transaction (stamped with change-log revisions), then broadcast them as one
 * `billboardStatusUpdate`. Ticks never overlap: while a write is in flight, changes keep
 * coalescing in FleetState. The broadcast goes out only after the commit, so a console's
 * cursor never points past what `sync` can return.
 */
import type { Knex } from 'knex';
import type { Screen } from '../../../protocol';
import { reserveRevisions } from '../db/revisions';
import type { Logger } from '../log';
import type { FleetState } from './fleet-state';
import { screenToRow } from './screen-rows';
import type { Metrics } from '../metrics';

/** Rows per multi-row INSERT; keeps statements under SQLite's variable limit. */
const INSERT_CHUNK = 400;

export interface StatusWriterDeps {
  knex: Knex;
  fleet: FleetState;
  tickMs: number;
  log: Logger;
  metrics: Metrics;
  broadcast(cursor: number, screens: Screen[]): void;
}

export class StatusWriter {
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> | null = null;

  constructor(private readonly deps: StatusWriterDeps) {}

  start(): void {
    this.timer = setInterval(() => {
      if (!this.inFlight && this.deps.fleet.pendingCount > 0) void this.flush();
    }, this.deps.tickMs);
  }

  /** Writes and broadcasts what is pending now; resolves when done (used at shutdown). */
  async flush(): Promise<void> {
    while (this.inFlight) await this.inFlight;
    this.inFlight = this.writeOnce().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
  }

  private async writeOnce(): Promise<void> {
    const { knex, fleet, log, metrics } = this.deps;
    const batch = fleet.takeDirty();
    if (batch.screens.length === 0) return;
    const started = performance.now();
    let written: Screen[] = [];
    try {
      written = await knex.transaction(async (trx) => {
        const first = await reserveRevisions(trx, batch.screens.length);
        const out = batch.screens.map(({ screen }, i) => ({ ...screen, rev: first + i }));
        await this.updateScreens(
          trx,
          out,
          batch.screens.map((s) => s.bootId),
        );
        for (let i = 0; i < batch.stateHistory.length; i += INSERT_CHUNK) {
          await trx('screen_state_history').insert(batch.stateHistory.slice(i, i + INSERT_CHUNK));
        }
        for (let i = 0; i < batch.telemetryHistory.length; i += INSERT_CHUNK) {
          await trx('telemetry_history').insert(batch.telemetryHistory.slice(i, i + INSERT_CHUNK));
        }
        return out;
      });
    } catch (err) {
      // Put the screens back so the next tick retries them; history of this tick is lost
      // rather than blocking the live state behind a failing database.
      for (const { screen } of batch.screens) fleet.markDirty(screen.id);
      log.error({ err, screens: batch.screens.length }, 'status write failed; will retry');
      metrics.dbErrors.inc();
      return;
    }
    for (const s of written) fleet.setRev(s.id, s.rev);
    metrics.dbBatchSize.observe(written.length);
    metrics.dbBatchMs.observe(performance.now() - started);
    this.deps.broadcast(written[written.length - 1]!.rev, written);
  }

  /**
   * One multi-row upsert per chunk (INSERT … ON CONFLICT (id) DO UPDATE) on both engines: a
   * handful of statements per tick instead of one compiled and prepared UPDATE per screen, which
   * is what bounded the live path (see bench/RESULTS.md). Between chunks the event loop gets a
   * turn, so a large batch does not stop the MQTT socket from being read.
   */
  private async updateScreens(
    trx: Knex.Transaction,
    screens: Screen[],
    bootIds: (string | null)[],
  ) {
    for (let i = 0; i < screens.length; i += UPSERT_CHUNK) {
      const rows = screens
        .slice(i, i + UPSERT_CHUNK)
        .map((s, j) => ({ id: s.id, ...screenToRow(s, bootIds[i + j] ?? null), created_at: 0 }));
      await trx('screens').insert(rows).onConflict('id').merge(MERGED_COLUMNS);
      if (i + UPSERT_CHUNK < screens.length) await new Promise((r) => setImmediate(r));
    }
  }
}

/** Rows per upsert: 15 columns × 400 stays far under SQLite's and PostgreSQL's parameter limits. */
const UPSERT_CHUNK = 400;
/** Everything but id and created_at (kept from the registry's insert). */
const MERGED_COLUMNS = [
  'name',
  'address',
  'lat',
  'lng',
  'tags',
  'retired',
  'state',
  'state_since',
  'last_seen',
  'boot_id',
  'agent_version',
  'capabilities',
  'telemetry',
  'rev',
];
