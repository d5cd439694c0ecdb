/**
 * Runs a storage benchmark on SQLite (a scratch file) and on PostgreSQL (a scratch database on
 * `--pg-url`, default the local server), each removed afterwards. PostgreSQL that does not
 * answer is skipped with the reason printed.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

export async function onEachDatabase(
  name: string,
  measure: (label: 'sqlite' | 'postgres', url: string) => Promise<void>,
): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `marquee-${name}-bench-`));
  try {
    await measure('sqlite', `sqlite:${path.join(dir, 'bench.db')}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const pgArg = process.argv.indexOf('--pg-url');
  const pgUrl =
    pgArg > 0 ? process.argv[pgArg + 1]! : 'postgres://postgres@127.0.0.1:5432/postgres';
  const admin = new pg.Client({ connectionString: pgUrl });
  try {
    await admin.connect();
  } catch (err) {
    console.log(`postgres: skipped, ${pgUrl} does not answer (${(err as Error).message})`);
    return;
  }
  const db = `marquee_${name.replace(/\W/g, '_')}_bench_${Date.now().toString(36)}`;
  await admin.query(`CREATE DATABASE ${db}`);
  try {
    const u = new URL(pgUrl);
    u.pathname = `/${db}`;
    await measure('postgres', u.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
    await admin.end();
  }
}
