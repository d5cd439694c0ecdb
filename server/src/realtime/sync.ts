/**
 * `sync`: what changed since the client's cursor, from every feature, in one window
 * (from, to]. `to` is the newest committed revision, cut down (sync-window.ts) so that one
 * answer stays near SYNC_PAGE_BYTES; `more` tells the client to ask again from the returned
 * cursor. Every source returns all of its changes in the window — none is capped — so the
 * returned cursor never passes a change that was not in this answer or an earlier one.
 */
import type { Knex } from 'knex';
import type { SyncResult, User } from '../../../protocol';
import type { SyncSource } from '../context';
import { currentRevision } from '../db/revisions';
import { SYNC_PAGE_BYTES, windowEnd } from './sync-window';

export { SYNC_PAGE_BYTES } from './sync-window';

export async function runSync(
  knex: Knex,
  sources: SyncSource[],
  user: User,
  from: number,
  opts: { pageBytes?: number } = {},
): Promise<SyncResult> {
  const head = await currentRevision(knex);
  // A client whose cursor is ahead of the server (a database restored from backup, say)
  // starts over from zero rather than missing everything up to its stale cursor.
  const start = from > head ? 0 : from;
  const to = await windowEnd(knex, user, start, head, opts.pageBytes ?? SYNC_PAGE_BYTES);
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
      if (Array.isArray(value)) {
        const lists = result as unknown as Record<string, unknown[] | undefined>;
        (lists[k] ??= []).push(...(value as unknown[]));
      } else if (typeof value === 'number')
        (result as unknown as Record<string, number>)[k] = value;
    }
  }
  return result;
}
