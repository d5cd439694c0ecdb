/**
 * Where a tick's changes are stored: the changed screens (stamped with revisions) and their
 * state and telemetry history, in one transaction. Two implementations, because the fastest
 * way differs: PostgreSQL takes a few multi-row statements through knex; SQLite (better-sqlite3,
 * synchronous, in process) is fastest with cached prepared statements run row by row.
 */
import type { Knex } from 'knex';
import type { Screen } from '../../../protocol';
import { reserveRevisions } from '../db/revisions';
import type { DirtyBatch } from './fleet-state';
import { screenToRow } from './screen-rows';

export interface BatchStore {
  /** Returns the screens as written, each with its new revision. */
  write(batch: DirtyBatch): Promise<Screen[]>;
}

/** Rows per multi-row statement: 16 columns × 400 stays far under the parameter limits. */
const CHUNK = 400;
/**
 * Everything but id, created_at (kept from the registry's insert) and `retired`. Retiring and
 * restoring write `retired` themselves, in the transaction that revokes or issues the device's
 * credentials; a tick's snapshot taken just before that would otherwise write the old value
 * back after it (a restored screen shown retired, a retired one restored, until the next tick).
 */
const SCREEN_COLUMNS = [
  'name',
  'address',
  'lat',
  'lng',
  'tags',
  'state',
  'state_since',
  'last_seen',
  'boot_id',
  'agent_version',
  'capabilities',
  'telemetry',
  'desired',
  'rev',
] as const;
const TELEMETRY_COLUMNS = [
  'screen_id',
  'ts',
  'temperature_c',
  'cpu_pct',
  'memory_pct',
  'brightness',
  'power',
] as const;
const STATE_COLUMNS = ['screen_id', 'state', 'boot_id', 'ts'] as const;

export class KnexBatchStore implements BatchStore {
  constructor(private readonly knex: Knex) {}

  write(batch: DirtyBatch): Promise<Screen[]> {
    return this.knex.transaction(async (trx) => {
      const first = await reserveRevisions(trx, batch.screens.length);
      const out = batch.screens.map(({ screen }, i) => ({ ...screen, rev: first + i }));
      for (let i = 0; i < out.length; i += CHUNK) {
        const rows = out.slice(i, i + CHUNK).map((s, j) => ({
          id: s.id,
          ...screenToRow(s, batch.screens[i + j]!.bootId),
          created_at: 0,
        }));
        await trx('screens')
          .insert(rows)
          .onConflict('id')
          .merge([...SCREEN_COLUMNS]);
      }
      for (let i = 0; i < batch.stateHistory.length; i += CHUNK) {
        await trx('screen_state_history').insert(batch.stateHistory.slice(i, i + CHUNK));
      }
      for (let i = 0; i < batch.telemetryHistory.length; i += CHUNK) {
        await trx('telemetry_history').insert(batch.telemetryHistory.slice(i, i + CHUNK));
      }
      return out;
    });
  }
}

interface SqliteStatement {
  run(...params: unknown[]): unknown;
  get(...params: unknown[]): unknown;
}
interface SqliteConnection {
  prepare(sql: string): SqliteStatement;
  transaction<T>(fn: () => T): () => T;
}

export class SqliteBatchStore implements BatchStore {
  /** Prepared once per connection (the pool may replace a broken one). */
  private readonly statements = new WeakMap<
    SqliteConnection,
    Record<'bump' | 'head' | 'screen' | 'state' | 'telemetry', SqliteStatement>
  >();

  constructor(private readonly knex: Knex) {}

  async write(batch: DirtyBatch): Promise<Screen[]> {
    // knex's SQLite pool has one connection; borrowing it keeps every write on it, in order.
    const conn = (await this.knex.client.acquireConnection()) as SqliteConnection;
    try {
      const s = this.prepare(conn);
      return conn.transaction(() => {
        s.bump.run(batch.screens.length);
        const head = Number((s.head.get() as { value: number }).value);
        const first = head - batch.screens.length + 1;
        const out = batch.screens.map(({ screen, bootId }, i) => {
          const written = { ...screen, rev: first + i };
          const row = screenToRow(written, bootId);
          s.screen.run(...SCREEN_COLUMNS.map((c) => sqliteValue(row[c])), written.id);
          return written;
        });
        for (const h of batch.stateHistory) s.state.run(...STATE_COLUMNS.map((c) => h[c]));
        for (const t of batch.telemetryHistory)
          s.telemetry.run(...TELEMETRY_COLUMNS.map((c) => t[c]));
        return out;
      })();
    } finally {
      await this.knex.client.releaseConnection(conn);
    }
  }

  private prepare(conn: SqliteConnection) {
    const cached = this.statements.get(conn);
    if (cached) return cached;
    const prepared = {
      bump: conn.prepare('UPDATE change_counter SET value = value + ? WHERE id = 1'),
      head: conn.prepare('SELECT value FROM change_counter WHERE id = 1'),
      screen: conn.prepare(
        `UPDATE screens SET ${SCREEN_COLUMNS.map((c) => `${c} = ?`).join(', ')} WHERE id = ?`,
      ),
      state: conn.prepare(
        `INSERT INTO screen_state_history (${STATE_COLUMNS.join(', ')}) VALUES (${STATE_COLUMNS.map(() => '?').join(', ')})`,
      ),
      telemetry: conn.prepare(
        `INSERT INTO telemetry_history (${TELEMETRY_COLUMNS.join(', ')}) VALUES (${TELEMETRY_COLUMNS.map(() => '?').join(', ')})`,
      ),
    };
    this.statements.set(conn, prepared);
    return prepared;
  }
}

/** better-sqlite3 binds no booleans: store them as 0/1 like knex does. */
const sqliteValue = (v: unknown) => (typeof v === 'boolean' ? (v ? 1 : 0) : v);
