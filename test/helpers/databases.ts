/**
 * Which databases the server suites run against: SQLite always; PostgreSQL when
 * MARQUEE_TEST_PG_URL is set (CI sets it). Each test server gets a database of its own
 * (Actual-style isolation): a temp SQLite file, or a fresh PostgreSQL database dropped after.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

export type DbKind = 'sqlite' | 'postgres';

export function testDatabases(): DbKind[] {
  return process.env.MARQUEE_TEST_PG_URL ? ['sqlite', 'postgres'] : ['sqlite'];
}

let warned = false;
export function noteSkippedPostgres(): void {
  if (!process.env.MARQUEE_TEST_PG_URL && !warned) {
    warned = true;
    console.warn(
      '[marquee tests] PostgreSQL runs skipped: set MARQUEE_TEST_PG_URL=postgres://postgres@127.0.0.1:5432/postgres to include them',
    );
  }
}

export interface TestDatabase {
  url: string;
  dataDir: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(kind: DbKind): Promise<TestDatabase> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'marquee-test-'));
  if (kind === 'sqlite') {
    return {
      url: `sqlite:${path.join(dataDir, 'marquee.db')}`,
      dataDir,
      drop: async () => fs.rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const adminUrl = process.env.MARQUEE_TEST_PG_URL!;
  const name = `marquee_t_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  try {
    await admin.connect();
  } catch (err) {
    throw new Error(
      `MARQUEE_TEST_PG_URL is set but PostgreSQL is unreachable (${adminUrl}): ${(err as Error).message}`,
    );
  }
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    dataDir,
    drop: async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
