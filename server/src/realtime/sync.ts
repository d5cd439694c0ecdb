/**
 * `sync`: what changed since the client's cursor, from every feature, in one window
 * (from, to]. `to` is the newest committed revision, cut down so that one answer carries at
 * most SYNC_PAGE screens; `more` tells the client to ask again from the returned cursor.
 */
import type { Knex } from 'knex';
import type { SyncResult, User } from '../../../protocol';
import type { SyncSource } from '../context';
import { currentRevision } from '../db/revisions';

export const SYNC_PAGE = 5000;

export async function runSync(
  knex: Knex,
  sources: SyncSource[],
  user: User,
  from: number,
): Promise<SyncResult> {
  const head = await currentRevision(knex);
  // A client whose cursor is ahead of the server (a database restored from backup, say)
  // starts over from zero rather than missing everything up to its stale cursor.
  const start = from > head ? 0 : from;
  let to = head;
  const cut = await knex('screens')
    .where('rev', '>', start)
    .andWhere('rev', '<=', head)
    .orderBy('rev')
    .offset(SYNC_PAGE)
    .first('rev');
  if (cut) to = Number(cut.rev) - 1;
  const result: SyncResult = {
    cursor: to,
    more: to < head,
    screens: [],
    alarms: [],
    commands: [],
    conversations: [],
    messages: [],
    notifications: [],
    presence: [],
    onlineCount: 0,
  };
  const parts = await Promise.all(sources.map((s) => s(user, start, to)));
  for (const part of parts) {
    for (const [key, value] of Object.entries(part)) {
      const k = key as keyof typeof part;
      if (Array.isArray(value)) (result[k] as unknown[]).push(...value);
      else if (typeof value === 'number') (result as unknown as Record<string, number>)[k] = value;
    }
  }
  return result;
}
