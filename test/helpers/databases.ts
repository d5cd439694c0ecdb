/**
 * Which databases the server suites run against: SQLite always; PostgreSQL whenever the run's
 * global setup found one (the local default, or MARQUEE_TEST_PG_URL; global-setup.ts prints why
 * it is left out when it is). Each test server gets a database of its own (Actual-style
 * isolation): a temp SQLite file, or a fresh PostgreSQL database dropped after.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';

export type DbKind = 'sqlite' | 'postgres';

/** The PostgreSQL admin URL this run uses, or null when PostgreSQL is left out. */
export function testPostgresUrl(): string | null {
  return inject('marqueePgUrl');
}

export function testDatabases(): DbKind[] {
  return testPostgresUrl() ? ['sqlite', 'postgres'] : ['sqlite'];
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
  const adminUrl = testPostgresUrl();
  if (!adminUrl) throw new Error('a PostgreSQL test database was asked for, but this run has none');
  const name = `marquee_t_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  try {
    await admin.connect();
  } catch (err) {
    throw new Error(`PostgreSQL is unreachable (${adminUrl}): ${(err as Error).message}`);
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
