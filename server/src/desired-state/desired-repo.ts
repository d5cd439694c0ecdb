/**
 * What screens and tags set (migration 017): one JSON DesiredSpec per screen (`screen_desired`)
 * and per tag (`tag_desired`). Writes take the audit record in the same transaction.
 */
import type { Knex } from 'knex';
import { DesiredSpec, type TagDesired } from '../../../protocol';

interface SpecRow {
  spec: string;
  updated_at: number | string;
  updated_by: string | null;
}

/** A stored spec is re-validated on read: a row edited by hand cannot reach an agent unchecked. */
function specOf(text: string): DesiredSpec {
  const parsed = DesiredSpec.safeParse(JSON.parse(text));
  return parsed.success ? parsed.data : {};
}

const isEmpty = (spec: DesiredSpec) => Object.keys(spec).length === 0;

export async function loadScreenSpecs(knex: Knex): Promise<Map<string, DesiredSpec>> {
  const rows = await knex<SpecRow & { screen_id: string }>('screen_desired').select('*');
  return new Map(rows.map((r) => [r.screen_id, specOf(r.spec)]));
}

export async function loadTagSpecs(knex: Knex): Promise<Map<string, TagDesired>> {
  const rows = await knex<SpecRow & { tag: string }>('tag_desired').select('*').orderBy('tag');
  return new Map(
    rows.map((r) => [
      r.tag,
      {
        tag: r.tag,
        spec: specOf(r.spec),
        updatedAt: Number(r.updated_at),
        updatedBy: r.updated_by,
      },
    ]),
  );
}

/** An empty spec deletes the row: "nothing set here" has one representation. */
export async function saveScreenSpec(
  trx: Knex.Transaction,
  screenId: string,
  spec: DesiredSpec,
  userId: string,
  now: number,
): Promise<void> {
  await trx('screen_desired').where({ screen_id: screenId }).delete();
  if (isEmpty(spec)) return;
  await trx('screen_desired').insert({
    screen_id: screenId,
    spec: JSON.stringify(spec),
    updated_at: now,
    updated_by: userId,
  });
}

export async function saveTagSpec(
  trx: Knex.Transaction,
  tag: string,
  spec: DesiredSpec | null,
  userId: string,
  now: number,
): Promise<boolean> {
  const deleted = await trx('tag_desired').where({ tag }).delete();
  if (spec === null || isEmpty(spec)) return deleted > 0;
  await trx('tag_desired').insert({
    tag,
    spec: JSON.stringify(spec),
    updated_at: now,
    updated_by: userId,
  });
  return true;
}
