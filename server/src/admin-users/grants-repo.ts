/**
 * Screen grants (migration 008): an admin lets one advertiser see one screen. What an
 * advertiser sees is the union of their grants and the screens their conversations are about
 * (chat/conversations-repo.ts `screensOfParticipant`); `visibleScreens` is that union, the one
 * answer every route, socket event, sync answer and the live index use.
 */
import type { Knex } from 'knex';
import type { ScreenGrant } from '../../../protocol';

interface GrantRow {
  user_id: string;
  screen_id: string;
  granted_by: string | null;
  granted_at: number | string;
}

const toGrant = (r: GrantRow): ScreenGrant => ({
  userId: r.user_id,
  screenId: r.screen_id,
  grantedBy: r.granted_by,
  grantedAt: Number(r.granted_at),
});

export async function grantsOf(
  db: Knex | Knex.Transaction,
  userId: string,
): Promise<ScreenGrant[]> {
  const rows = await db<GrantRow>('screen_grants').where({ user_id: userId }).orderBy('screen_id');
  return rows.map(toGrant);
}

export async function grantedScreens(db: Knex, userId: string): Promise<Set<string>> {
  return new Set(await db('screen_grants').where({ user_id: userId }).pluck('screen_id'));
}

/** Adds the grants that are missing; returns the screen ids newly granted (a retry adds none). */
export async function addGrants(
  trx: Knex.Transaction,
  userId: string,
  screenIds: string[],
  grantedBy: string,
  now = Date.now(),
): Promise<string[]> {
  const have = new Set<string>(
    await trx('screen_grants')
      .where({ user_id: userId })
      .whereIn('screen_id', screenIds)
      .pluck('screen_id'),
  );
  const added = [...new Set(screenIds)].filter((id) => !have.has(id));
  if (added.length)
    await trx('screen_grants').insert(
      added.map((screen_id) => ({
        user_id: userId,
        screen_id,
        granted_by: grantedBy,
        granted_at: now,
      })),
    );
  return added;
}

/** Removes the grants that exist; returns the screen ids actually revoked. */
export async function removeGrants(
  trx: Knex.Transaction,
  userId: string,
  screenIds: string[],
): Promise<string[]> {
  const have: string[] = await trx('screen_grants')
    .where({ user_id: userId })
    .whereIn('screen_id', screenIds)
    .pluck('screen_id');
  if (have.length)
    await trx('screen_grants').where({ user_id: userId }).whereIn('screen_id', have).delete();
  return have;
}
