/**
 * The change log's positions. Every change the server makes is stamped with a revision taken
 * from one counter row inside the same transaction. The UPDATE holds the row lock until commit,
 * so on PostgreSQL with several server nodes revisions become visible in the order they were
 * handed out: a reader that sees counter value V also sees every row stamped ≤ V. That is what
 * lets a console's cursor be a single number.
 */
import type { Knex } from 'knex';

/** Reserves `count` consecutive revisions; returns the first. */
export async function reserveRevisions(trx: Knex.Transaction, count: number): Promise<number> {
  await trx('change_counter').where({ id: 1 }).increment('value', count);
  const row = await trx('change_counter').where({ id: 1 }).first('value');
  return Number(row.value) - count + 1;
}

/** The newest revision whose changes are all committed and visible. */
export async function currentRevision(knex: Knex): Promise<number> {
  const row = await knex('change_counter').where({ id: 1 }).first('value');
  return Number(row.value);
}
