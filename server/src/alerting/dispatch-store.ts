/**
 * Pending deliveries, escalation timers and the delivery log in the database (migration 015).
 *
 * A delivery is one row per idempotency key (alarm change × recipient × channel): inserting the
 * same key again is ignored, so a change seen twice (a republish, two nodes, a restart) plans
 * one message. A node takes a due row by a conditional update (a lease): whoever's update
 * matched sends it; a lease that ran out (the node died mid-send) lets another node or the
 * restarted one send it again — at-least-once, with the key sent along for receivers to drop
 * a repeat.
 */
import type { Knex } from 'knex';
import type { DeliveryChannel, DeliveryLogEntry, DeliveryStatus } from '../../../protocol';
import { newId } from '../auth/tokens';
import type { AlertEvent, AlertMessage } from './message';

type Db = Knex | Knex.Transaction;

export type DispatchStatus = 'pending' | 'held' | 'sending' | 'delivered' | 'failed' | 'cancelled';

export interface DispatchRow {
  id: string;
  key: string;
  alarm_id: string;
  event: AlertEvent;
  channel: DeliveryChannel;
  recipient_id: string;
  recipient_name: string;
  status: DispatchStatus;
  attempts: number;
  next_at: number | string;
  lease_until: number | string | null;
  payload: string;
  last_error: string | null;
}

export interface Dispatch {
  id: string;
  key: string;
  alarmId: string;
  event: AlertEvent;
  channel: DeliveryChannel;
  recipientId: string;
  recipientName: string;
  status: DispatchStatus;
  attempts: number;
  nextAt: number;
  message: AlertMessage;
}

const toDispatch = (r: DispatchRow): Dispatch => ({
  id: r.id,
  key: r.key,
  alarmId: r.alarm_id,
  event: r.event,
  channel: r.channel,
  recipientId: r.recipient_id,
  recipientName: r.recipient_name,
  status: r.status,
  attempts: Number(r.attempts),
  nextAt: Number(r.next_at),
  message: JSON.parse(r.payload) as AlertMessage,
});

/**
 * raise and escalation share a key: a person reached twice for one alarm hears it once. A
 * flapping alarm's reopen starts a new round (`cycle`, message.ts): its raise and clear are
 * keyed `…:raise#N:…`, so the first round's keys (and stored rows) stay as they were.
 */
export const dispatchKey = (
  alarmId: string,
  phase: 'raise' | 'clear',
  channel: DeliveryChannel,
  recipientId: string,
  cycle = 1,
) => `${alarmId}:${phase}${cycle > 1 ? `#${cycle}` : ''}:${channel}:${recipientId}`;

export interface PlannedDispatch {
  phase: 'raise' | 'clear';
  channel: DeliveryChannel;
  recipientId: string;
  recipientName: string;
  message: AlertMessage;
  /** When to send; later than now = held for quiet hours. */
  at: number;
  held: boolean;
}

const clip = (s: string | null, n: number) => (s && s.length > n ? `${s.slice(0, n - 1)}…` : s);

export async function logAttempt(
  db: Db,
  d: Pick<Dispatch, 'id' | 'alarmId' | 'event' | 'channel' | 'recipientId' | 'recipientName'>,
  status: DeliveryStatus,
  attempt: number,
  error: string | null,
  now: number,
): Promise<void> {
  await db('alert_delivery_log').insert({
    ts: now,
    dispatch_id: d.id,
    alarm_id: d.alarmId,
    event: d.event,
    channel: d.channel,
    recipient_id: d.recipientId,
    recipient_name: clip(d.recipientName, 200),
    status,
    attempt,
    error: clip(error, 1000),
  });
}

/** Stores what is planned; returns only the deliveries that were new (not seen by key before). */
export async function enqueue(
  db: Knex,
  items: PlannedDispatch[],
  now: number,
): Promise<Dispatch[]> {
  const fresh: Dispatch[] = [];
  for (const p of items) {
    const id = newId();
    const key = dispatchKey(p.message.alarm.id, p.phase, p.channel, p.recipientId, p.message.cycle);
    const message = { ...p.message, key };
    const inserted = await db.transaction(async (trx) => {
      await trx('alert_dispatches')
        .insert({
          id,
          key,
          alarm_id: p.message.alarm.id,
          event: p.message.event,
          channel: p.channel,
          recipient_id: p.recipientId,
          recipient_name: clip(p.recipientName, 200),
          status: p.held ? 'held' : 'pending',
          attempts: 0,
          next_at: p.at,
          lease_until: null,
          payload: JSON.stringify(message),
          last_error: null,
          created_at: now,
          updated_at: now,
        })
        .onConflict('key')
        .ignore();
      const row: { id: string } | undefined = await trx('alert_dispatches')
        .where({ key })
        .first('id');
      if (row?.id !== id) return null;
      const d: Dispatch = {
        id,
        key,
        alarmId: p.message.alarm.id,
        event: p.message.event,
        channel: p.channel,
        recipientId: p.recipientId,
        recipientName: p.recipientName,
        status: p.held ? 'held' : 'pending',
        attempts: 0,
        nextAt: p.at,
        message,
      };
      if (p.held)
        await logAttempt(
          trx,
          d,
          'held',
          0,
          `quiet hours until ${new Date(p.at).toISOString()}`,
          now,
        );
      return d;
    });
    if (inserted) fresh.push(inserted);
  }
  return fresh;
}

/** Due deliveries this node now holds the lease of (pending, held whose time came, stale sends). */
export async function claimDue(
  db: Knex,
  now: number,
  leaseMs: number,
  limit = 50,
): Promise<Dispatch[]> {
  const rows: DispatchRow[] = await db('alert_dispatches')
    .where('next_at', '<=', now)
    .where((w) =>
      w
        .whereIn('status', ['pending', 'held'])
        .orWhere((x) => x.where('status', 'sending').where('lease_until', '<', now)),
    )
    .orderBy('next_at')
    .limit(limit);
  const claimed: Dispatch[] = [];
  for (const r of rows) {
    const n = await db('alert_dispatches')
      .where({ id: r.id, status: r.status })
      .where((w) =>
        r.lease_until === null ? w.whereNull('lease_until') : w.where('lease_until', r.lease_until),
      )
      .update({ status: 'sending', lease_until: now + leaseMs, updated_at: now });
    if (n === 1) claimed.push({ ...toDispatch(r), status: r.status });
  }
  return claimed;
}

export type Outcome =
  | { status: 'delivered' }
  | { status: 'retry'; at: number; error: string }
  | { status: 'failed'; error: string }
  | { status: 'held'; at: number; why: string }
  | { status: 'cancelled'; why: string }
  /** Not yet (a clear waiting for its raise to finish): no attempt is counted. */
  | { status: 'later'; at: number };

/** Records how an attempt ended, in the row and (except `later`) in the log. */
export async function settle(db: Db, d: Dispatch, outcome: Outcome, now: number): Promise<void> {
  const attempt =
    outcome.status === 'delivered' || outcome.status === 'retry' || outcome.status === 'failed'
      ? d.attempts + 1
      : d.attempts;
  const row: Record<string, unknown> = { attempts: attempt, lease_until: null, updated_at: now };
  switch (outcome.status) {
    case 'delivered':
      Object.assign(row, { status: 'delivered', last_error: null });
      break;
    case 'retry':
      Object.assign(row, { status: 'pending', next_at: outcome.at, last_error: outcome.error });
      break;
    case 'failed':
      Object.assign(row, { status: 'failed', last_error: outcome.error });
      break;
    case 'held':
      Object.assign(row, { status: 'held', next_at: outcome.at });
      break;
    case 'cancelled':
      Object.assign(row, { status: 'cancelled', last_error: outcome.why });
      break;
    case 'later':
      Object.assign(row, { status: d.status === 'held' ? 'held' : 'pending', next_at: outcome.at });
      break;
  }
  await db('alert_dispatches').where({ id: d.id }).update(row);
  const logged: Record<Outcome['status'], [DeliveryStatus, string | null] | null> = {
    delivered: ['delivered', null],
    retry: ['retrying', outcome.status === 'retry' ? outcome.error : null],
    failed: ['failed', outcome.status === 'failed' ? outcome.error : null],
    held: ['held', outcome.status === 'held' ? outcome.why : null],
    cancelled: ['skipped', outcome.status === 'cancelled' ? outcome.why : null],
    later: null,
  };
  const entry = logged[outcome.status];
  if (entry) await logAttempt(db, d, entry[0], attempt, entry[1], now);
}

const cycleOf = (d: Dispatch) => d.message.cycle ?? 1;

/** An alarm's raise deliveries of its latest round (to plan its clear after them). */
export async function raisesOf(db: Db, alarmId: string): Promise<Dispatch[]> {
  const rows: DispatchRow[] = await db('alert_dispatches')
    .where({ alarm_id: alarmId })
    .where('key', 'like', `${alarmId}:raise%`);
  const all = rows.map(toDispatch);
  const latest = Math.max(1, ...all.map(cycleOf));
  return all.filter((d) => cycleOf(d) === latest);
}

/** The alarm's latest raise round (1 when it has none yet). */
export async function latestCycle(db: Db, alarmId: string): Promise<number> {
  const raises = await raisesOf(db, alarmId);
  return raises[0] ? cycleOf(raises[0]) : 1;
}

export async function dispatchByKey(db: Db, key: string): Promise<Dispatch | null> {
  const row: DispatchRow | undefined = await db('alert_dispatches').where({ key }).first();
  return row ? toDispatch(row) : null;
}

/** Raises not started yet (pending, never tried, or held): the alarm cleared before they went. */
export async function cancelUnsentRaises(db: Knex, alarmId: string, now: number): Promise<number> {
  const rows = (await raisesOf(db, alarmId)).filter(
    (d) => d.status === 'held' || (d.status === 'pending' && d.attempts === 0),
  );
  let n = 0;
  for (const d of rows) {
    const changed = await db('alert_dispatches')
      .where({ id: d.id, status: d.status })
      .update({ status: 'cancelled', last_error: 'cleared before delivery', updated_at: now });
    if (changed) {
      n += 1;
      await logAttempt(db, d, 'skipped', d.attempts, 'the alarm cleared before delivery', now);
    }
  }
  return n;
}

interface LogRow {
  seq: number | string;
  ts: number | string;
  alarm_id: string;
  event: string;
  channel: DeliveryChannel;
  recipient_id: string;
  recipient_name: string;
  status: DeliveryStatus;
  attempt: number;
  error: string | null;
}

export async function deliveryLog(
  db: Db,
  q: {
    alarmId?: string;
    userId?: string;
    status?: DeliveryStatus;
    before?: number;
    limit?: number;
  },
): Promise<{ entries: DeliveryLogEntry[]; nextBefore: number | null }> {
  const limit = q.limit ?? 100;
  const query = db<LogRow>('alert_delivery_log');
  if (q.alarmId) query.where('alarm_id', q.alarmId);
  if (q.userId) query.where('recipient_id', q.userId);
  if (q.status) query.where('status', q.status);
  if (q.before) query.where('seq', '<', q.before);
  const rows: LogRow[] = await query.orderBy('seq', 'desc').limit(limit + 1);
  const entries = rows.slice(0, limit).map((r) => ({
    seq: Number(r.seq),
    ts: Number(r.ts),
    alarmId: r.alarm_id,
    event: r.event,
    channel: r.channel,
    recipientId: r.recipient_id,
    recipientName: r.recipient_name,
    status: r.status,
    attempt: Number(r.attempt),
    error: r.error,
  }));
  return {
    entries,
    nextBefore: rows.length > limit ? (entries.at(-1)?.seq ?? null) : null,
  };
}
