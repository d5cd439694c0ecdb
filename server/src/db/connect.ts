/**
 * Opens the database: PostgreSQL for `postgres://` URLs, SQLite (better-sqlite3) for
 * `sqlite:` paths. Both run the same migrations; SQL that differs between them lives next to
 * the code that needs it, behind `isPostgres`.
 */
import fs from 'node:fs';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';

export interface Database {
  knex: Knex;
  isPostgres: boolean;
  close(): Promise<void>;
}

export function openDatabase(url: string): Database {
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    const knex = knexFactory({ client: 'pg', connection: url, pool: { min: 0, max: 10 } });
    return { knex, isPostgres: true, close: () => knex.destroy() };
  }
  if (!url.startsWith('sqlite:')) {
    throw new Error(`DATABASE_URL must start with postgres:// or sqlite: (got "${url}")`);
  }
  const file = url.slice('sqlite:'.length);
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: file },
    useNullAsDefault: true,
    // One connection: SQLite has one writer anyway, and a single connection keeps
    // transactions strictly ordered.
    pool: {
      min: 1,
      max: 1,
      afterCreate: (conn: { pragma(s: string): unknown }, done: (err: Error | null) => void) => {
        conn.pragma('journal_mode = WAL');
        conn.pragma('synchronous = NORMAL');
        conn.pragma('foreign_keys = ON');
        conn.pragma('busy_timeout = 5000');
        done(null);
      },
    },
  });
  return { knex, isPostgres: false, close: () => knex.destroy() };
}
