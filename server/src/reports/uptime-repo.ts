/**
 * What an uptime report reads: the screens in service, each one's last state transition before
 * the range (its state at `from`), and its transitions inside the range. Read in chunks of
 * screens so memory stays bounded by a chunk whatever the fleet, and each read walks the
 * (screen_id, ts) index of screen_state_history (migration 001) instead of the whole table.
 */
import type { Knex } from 'knex';
import type { ScreenInfo, Transition } from './uptime-calc';

/** Screens per round trip: 2 × 200 bindings stays far under either engine's limit. */
export const SCREEN_CHUNK = 200;

export interface ScreenRowLite extends ScreenInfo {
  retired: boolean;
}

/** Every registered screen, with its tags (a JSON column) parsed. */
export async function loadScreens(knex: Knex): Promise<ScreenRowLite[]> {
  const rows = await knex('screens').select('id', 'name', 'tags', 'retired').orderBy('id');
  return (rows as { id: string; name: string; tags: string; retired: boolean | number }[]).map(
    (r) => ({
      id: r.id,
      name: r.name,
      tags: JSON.parse(r.tags) as string[],
      retired: Boolean(r.retired),
    }),
  );
}

/** Each screen's state at `from`: its newest transition stamped before it (absent: none). */
export async function statesAt(
  knex: Knex,
  screenIds: string[],
  from: number,
): Promise<Map<string, string>> {
  if (screenIds.length === 0) return new Map();
  // One index probe per screen (ORDER BY ts DESC LIMIT 1 on (screen_id, ts)); ties at the same
  // ms are broken by id, the order rows were written in.
  const rows = (await knex
    .select('h.screen_id', 'h.state')
    .from('screen_state_history as h')
    .whereIn(
      'h.id',
      knex
        .select(
          knex.raw(
            '(SELECT h2.id FROM screen_state_history h2 WHERE h2.screen_id = s.id AND h2.ts < ? ORDER BY h2.ts DESC, h2.id DESC LIMIT 1)',
            [from],
          ),
        )
        .from('screens as s')
        .whereIn('s.id', screenIds),
    )) as { screen_id: string; state: string }[];
  return new Map(rows.map((r) => [r.screen_id, r.state]));
}

/** The transitions of these screens stamped in [from, to), per screen in the order they happened. */
export async function transitionsIn(
  knex: Knex,
  screenIds: string[],
  from: number,
  to: number,
): Promise<Map<string, Transition[]>> {
  const out = new Map<string, Transition[]>();
  if (screenIds.length === 0) return out;
  const rows = (await knex('screen_state_history')
    .whereIn('screen_id', screenIds)
    .andWhere('ts', '>=', from)
    .andWhere('ts', '<', to)
    .orderBy([{ column: 'screen_id' }, { column: 'ts' }, { column: 'id' }])
    .select('screen_id', 'state', 'ts')) as { screen_id: string; state: string; ts: string }[];
  for (const r of rows) {
    const t = { state: r.state, ts: Number(r.ts) };
    const list = out.get(r.screen_id);
    if (list) list.push(t);
    else out.set(r.screen_id, [t]);
  }
  return out;
}
