/**
 * `npm test` runs what the README promises: with PostgreSQL answering on this machine's default
 * address (or at MARQUEE_TEST_PG_URL), the storage suites run on it too, not only on SQLite.
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TEST_PG_URL } from '../helpers/global-setup';
import { testDatabases, testPostgresUrl } from '../helpers/databases';

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

describe('which databases the suites use', () => {
  it('includes PostgreSQL whenever it answers, unless turned off', async () => {
    const configured = process.env.MARQUEE_TEST_PG_URL;
    const url = configured && configured !== 'off' ? configured : DEFAULT_TEST_PG_URL;
    const expected = configured !== 'off' && (await answers(url));
    expect(testPostgresUrl()).toBe(expected ? url : null);
    expect(testDatabases()).toEqual(expected ? ['sqlite', 'postgres'] : ['sqlite']);
  });
});
