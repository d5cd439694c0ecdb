/**
 * Where one `sync` answer ends. An answer carries every change visible to the user with
 * `from < rev ≤ to`, complete: no source caps its share, so the cursor `to` never passes a
 * change that was not delivered. What keeps an answer small is the choice of `to`: the
 * changes of (from, head] are walked in revision order, weighed by an estimate of their size
 * on the wire, and `to` is put just before the revision that would take the answer past
 * `pageBytes`. A revision is never split (the cursor is one number), so the first revision
 * of a window is always taken whole, however big — that is what guarantees progress.
 *
 * The estimate reads only `rev` and text lengths, never the rows themselves. Human text counts
 * three bytes a character (UTF-8 of any character of the basic plane; emoji take four and
 * escaped control characters six, so it is an estimate, not a bound), machine text (JSON
 * columns) one. Screens are counted for every user: an advertiser sees a few of them, so their pages
 * over a busy fleet may be near empty — more round trips, never a missed change.
 */
import type { Knex } from 'knex';
import type { User } from '../../../protocol';
import { watchesWholeFleet } from '../fleet/fleet-feature';

/** Target size of one `sync` answer (estimated JSON bytes). */
export const SYNC_PAGE_BYTES = 4 * 1024 * 1024;
/** The fixed part every row's estimate starts with (ids, keys, numbers). */
const ROW_BASE_BYTES = 300;

interface Weighed {
  rev: number;
  bytes: number;
}

type Db = Knex | Knex.Transaction;

/** `rev` and estimated bytes of one table's rows in the window, oldest first, at most `limit`. */
type WeightQuery = (
  db: Db,
  user: User,
  from: number,
  to: number,
  limit: number,
) => Promise<Weighed[]>;

/** SQL: the length of a nullable text column. */
const len = (column: string) => `coalesce(length(${column}), 0)`;

function rows(list: { rev: unknown; bytes: unknown }[]): Weighed[] {
  return list.map((r) => ({ rev: Number(r.rev), bytes: Number(r.bytes) }));
}

const screens: WeightQuery = async (db, _user, from, to, limit) =>
  rows(
    await db('screens')
      .where('rev', '>', from)
      .andWhere('rev', '<=', to)
      .orderBy('rev')
      .limit(limit)
      .select(
        'rev',
        db.raw(
          `${ROW_BASE_BYTES} + 3 * (length(name) + ${len('address')}) + length(tags) + length(capabilities) + ${len('telemetry')} as bytes`,
        ),
      ),
  );

const alarms: WeightQuery = async (db, user, from, to, limit) =>
  watchesWholeFleet(user)
    ? rows(
        await db('alarms')
          .where('rev', '>', from)
          .andWhere('rev', '<=', to)
          .orderBy('rev')
          .limit(limit)
          .select('rev', db.raw(`${ROW_BASE_BYTES} + 3 * length(message) as bytes`)),
      )
    : [];

const commands: WeightQuery = async (db, user, from, to, limit) =>
  watchesWholeFleet(user)
    ? rows(
        await db('commands')
          .where('rev', '>', from)
          .andWhere('rev', '<=', to)
          .orderBy('rev')
          .limit(limit)
          .select(
            'rev',
            db.raw(`${ROW_BASE_BYTES} + length(params) + 3 * ${len('detail')} as bytes`),
          ),
      )
    : [];

/** As conversationsInWindow selects them: taking part and changed, or removed in the window. */
const conversations: WeightQuery = async (db, user, from, to, limit) =>
  rows(
    await db('conversations as c')
      .join('conversation_participants as p', 'p.conversation_id', 'c.id')
      .leftJoin('messages as lm', function () {
        this.on('lm.conversation_id', '=', 'c.id').andOn('lm.seq', '=', 'c.last_seq');
      })
      .where('p.user_id', user.id)
      .where((w) =>
        w
          .where((a) =>
            a.whereNull('p.removed_at').where('c.rev', '>', from).where('c.rev', '<=', to),
          )
          .orWhere((b) =>
            b.whereNotNull('p.removed_at').where('p.rev', '>', from).where('p.rev', '<=', to),
          ),
      )
      .orderBy('rev')
      .limit(limit)
      .select(
        db.raw('case when p.removed_at is null then c.rev else p.rev end as rev'),
        db.raw(
          `${2 * ROW_BASE_BYTES} + 3 * (${len('c.title')} + ${len('lm.body')}) +
           200 * (select count(*) from conversation_participants q where q.conversation_id = c.id) as bytes`,
        ),
      ),
  );

/** As MessageService.inWindow selects them: every message of a conversation taken part in. */
const messages: WeightQuery = async (db, user, from, to, limit) =>
  rows(
    await db('messages as m')
      .join('conversation_participants as p', function () {
        this.on('p.conversation_id', '=', 'm.conversation_id').andOnNull('p.removed_at');
      })
      .where('p.user_id', user.id)
      .where('m.rev', '>', from)
      .andWhere('m.rev', '<=', to)
      .orderBy('m.rev')
      .limit(limit)
      .select('m.rev as rev', db.raw(`${ROW_BASE_BYTES} + 3 * length(m.body) as bytes`)),
  );

const notifications: WeightQuery = async (db, user, from, to, limit) =>
  rows(
    await db('notifications')
      .where('user_id', user.id)
      .where('rev', '>', from)
      .andWhere('rev', '<=', to)
      .orderBy('rev')
      .limit(limit)
      .select('rev', db.raw(`${ROW_BASE_BYTES} + 3 * (length(title) + length(body)) as bytes`)),
  );

const WEIGHTS: WeightQuery[] = [screens, alarms, commands, conversations, messages, notifications];

/**
 * The end of the answer that starts after `from`: `head` when everything up to it fits in
 * `pageBytes`, else the last revision before the one that does not fit (or the first
 * revision of the window, taken whole, when even that one does not fit).
 */
export async function windowEnd(
  db: Db,
  user: User,
  from: number,
  head: number,
  pageBytes = SYNC_PAGE_BYTES,
): Promise<number> {
  if (head <= from) return head;
  // Every row weighs at least ROW_BASE_BYTES, so a table's first `limit` rows outweigh the
  // page: the walk below stops inside the rows fetched from every table that had more.
  const limit = Math.floor(pageBytes / ROW_BASE_BYTES) + 1;
  const lists = await Promise.all(WEIGHTS.map((q) => q(db, user, from, head, limit)));
  const byRev = new Map<number, number>();
  for (const list of lists)
    for (const { rev, bytes } of list) byRev.set(rev, (byRev.get(rev) ?? 0) + bytes);
  const revs = [...byRev.keys()].sort((a, b) => a - b);
  let total = 0;
  for (const [i, rev] of revs.entries()) {
    total += byRev.get(rev)!;
    if (total > pageBytes) return i === 0 ? rev : rev - 1;
  }
  return head;
}
