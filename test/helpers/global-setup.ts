/**
 * Decides once per run which optional engines the suites include, and prints why anything is
 * left out. PostgreSQL is part of `npm test` whenever it can be reached:
 * - `MARQUEE_TEST_PG_URL=<url>`: that server; unreachable → the run fails (configured means required);
 * - unset: the local default postgres://postgres@127.0.0.1:5432/postgres, included when it answers,
 *   otherwise skipped with the reason printed;
 * - `MARQUEE_TEST_PG_URL=off`: skipped on purpose, and said so.
 * Test files read the decision with `inject('marqueePgUrl')` (see databases.ts).
 */
import pg from 'pg';
import type { TestProject } from 'vitest/node';

export const DEFAULT_TEST_PG_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The PostgreSQL admin URL test databases are created from; null when PostgreSQL is left out. */
    marqueePgUrl: string | null;
  }
}

async function reachable(url: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query('select 1');
    return null;
  } catch (err) {
    return (err as Error).message || String(err);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export default async function setup(project: TestProject): Promise<void> {
  const configured = process.env.MARQUEE_TEST_PG_URL?.trim();
  let pgUrl: string | null = null;
  if (configured === 'off') {
    console.log('[marquee tests] PostgreSQL runs skipped: MARQUEE_TEST_PG_URL=off');
  } else if (configured) {
    const failure = await reachable(configured);
    if (failure)
      throw new Error(
        `MARQUEE_TEST_PG_URL is set to ${configured} but PostgreSQL is unreachable: ${failure}`,
      );
    pgUrl = configured;
  } else {
    const failure = await reachable(DEFAULT_TEST_PG_URL);
    if (failure) {
      console.log(
        `[marquee tests] PostgreSQL runs skipped: nothing answers at ${DEFAULT_TEST_PG_URL} (${failure}); set MARQUEE_TEST_PG_URL to a reachable server to include them`,
      );
    } else pgUrl = DEFAULT_TEST_PG_URL;
  }
  if (pgUrl) console.log(`[marquee tests] storage suites run on SQLite and PostgreSQL (${pgUrl})`);
  project.provide('marqueePgUrl', pgUrl);
}
