/**
 * The tables of migration 020: outages of booked screens and the notices sent (or held) to
 * advertisers about them, plus the few reads the notices need from other rooms' tables
 * (active bookings with their campaign, an organization's advertisers, people's hours).
 */
import type { Knex } from 'knex';
import type { Booking } from '../../../protocol';
import type { Schedule } from '../alerting/schedule';
import { rowToBooking } from './campaigns-repo';

type Db = Knex | Knex.Transaction;

export interface OutageRow {
  screen_id: string;
  started_at: number;
  ended_at: number | null;
  status: 'open' | 'closed';
  state: string;
}

export type NoticeKind = 'down' | 'back';

export interface NoticeRow {
  notice_key: string;
  user_id: string;
  booking_id: string;
  screen_id: string;
  outage_started_at: number;
  kind: NoticeKind;
  title: string;
  body: string;
  status: 'held' | 'delivered' | 'skipped';
  due_at: number;
  notification_id: string | null;
  created_at: number;
  delivered_at: number | null;
}

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

function toOutage(r: Record<string, unknown>): OutageRow {
  return {
    screen_id: String(r.screen_id),
    started_at: Number(r.started_at),
    ended_at: num(r.ended_at),
    status: r.status as OutageRow['status'],
    state: String(r.state),
  };
}

function toNotice(r: Record<string, unknown>): NoticeRow {
  return {
    ...(r as unknown as NoticeRow),
    outage_started_at: Number(r.outage_started_at),
    due_at: Number(r.due_at),
    created_at: Number(r.created_at),
    delivered_at: num(r.delivered_at),
  };
}

/** The screen's outage that is not closed yet (at most one). */
export async function openOutage(db: Db, screenId: string): Promise<OutageRow | null> {
  const row = (await db('advertiser_outages')
    .where({ screen_id: screenId, status: 'open' })
    .first()) as Record<string, unknown> | undefined;
  return row ? toOutage(row) : null;
}

export async function openOutages(db: Db): Promise<OutageRow[]> {
  const rows = (await db('advertiser_outages').where({ status: 'open' })) as Record<
    string,
    unknown
  >[];
  return rows.map(toOutage);
}

export async function insertOutage(db: Db, o: OutageRow): Promise<void> {
  await db('advertiser_outages').insert(o).onConflict(['screen_id', 'started_at']).ignore();
}

export async function updateOutage(
  db: Db,
  o: Pick<OutageRow, 'screen_id' | 'started_at'>,
  change: Partial<Pick<OutageRow, 'ended_at' | 'status' | 'state'>>,
): Promise<void> {
  await db('advertiser_outages')
    .where({ screen_id: o.screen_id, started_at: o.started_at })
    .update(change);
}

/** Stores a notice unless one with its key and recipient exists; true when this call stored it. */
export async function insertNotice(db: Db, n: NoticeRow): Promise<boolean> {
  const added = (await db('advertiser_notices')
    .insert(n)
    .onConflict(['notice_key', 'user_id'])
    .ignore()
    .returning('notice_key')) as unknown[];
  return added.length > 0;
}

export async function recipientsOf(db: Db, key: string): Promise<Set<string>> {
  const rows = (await db('advertiser_notices').where({ notice_key: key }).select('user_id')) as {
    user_id: string;
  }[];
  return new Set(rows.map((r) => r.user_id));
}

/** Marks a held notice delivered; false when another node (or run) got there first. */
export async function markDelivered(
  db: Db,
  n: Pick<NoticeRow, 'notice_key' | 'user_id'>,
  notificationId: string,
  at: number,
): Promise<boolean> {
  const changed = await db('advertiser_notices')
    .where({ notice_key: n.notice_key, user_id: n.user_id, status: 'held' })
    .update({ status: 'delivered', notification_id: notificationId, delivered_at: at });
  return changed === 1;
}

export async function holdUntil(
  db: Db,
  n: Pick<NoticeRow, 'notice_key' | 'user_id'>,
  dueAt: number,
): Promise<void> {
  await db('advertiser_notices')
    .where({ notice_key: n.notice_key, user_id: n.user_id, status: 'held' })
    .update({ due_at: dueAt });
}

export async function dueHeldNotices(db: Db, now: number): Promise<NoticeRow[]> {
  const rows = (await db('advertiser_notices')
    .where({ status: 'held' })
    .andWhere('due_at', '<=', now)
    .orderBy([{ column: 'due_at' }, { column: 'notice_key' }])) as Record<string, unknown>[];
  return rows.map(toNotice);
}

/** The "down" notices of one outage (who was told, or is about to be). */
export async function downNoticesOf(db: Db, o: OutageRow): Promise<NoticeRow[]> {
  const rows = (await db('advertiser_notices').where({
    screen_id: o.screen_id,
    outage_started_at: o.started_at,
    kind: 'down',
  })) as Record<string, unknown>[];
  return rows.map(toNotice);
}

/** A held "down" whose screen came back before it was delivered is not sent at all. */
export async function skipHeld(db: Db, n: Pick<NoticeRow, 'notice_key' | 'user_id'>) {
  await db('advertiser_notices')
    .where({ notice_key: n.notice_key, user_id: n.user_id, status: 'held' })
    .update({ status: 'skipped' });
}

export interface ActiveBooking {
  booking: Booking;
  campaignName: string;
  organizationId: string;
}

export async function activeBookings(db: Db): Promise<ActiveBooking[]> {
  const rows = (await db('bookings as b')
    .join('campaigns as c', 'c.id', 'b.campaign_id')
    .where('b.status', 'active')
    .select(
      'b.*',
      'c.name as campaign_name',
      'c.organization_id as organization_id',
    )) as (Parameters<typeof rowToBooking>[0] & {
    campaign_name: string;
    organization_id: string;
  })[];
  return rows.map((r) => ({
    booking: rowToBooking(r),
    campaignName: r.campaign_name,
    organizationId: r.organization_id,
  }));
}

/** The organization's advertiser accounts that are not disabled. */
export async function advertisersOf(db: Db, organizationId: string): Promise<string[]> {
  const rows = (await db('users')
    .where({ organization_id: organizationId, role: 'advertiser' })
    .whereNull('disabled_at')
    .orderBy('id')
    .select('id')) as { id: string }[];
  return rows.map((r) => r.id);
}

/**
 * A person's hours from the alerting contacts (migration 014). An advertiser without a row is
 * always on duty.
 */
export async function scheduleOf(db: Db, userId: string): Promise<Schedule> {
  const row = (await db('alert_contacts').where({ user_id: userId }).first()) as
    { time_zone: string; quiet_hours: string | null; working_hours: string | null } | undefined;
  if (!row) return { timeZone: 'UTC', quietHours: null, workingHours: null };
  return {
    timeZone: row.time_zone,
    quietHours: row.quiet_hours ? (JSON.parse(row.quiet_hours) as Schedule['quietHours']) : null,
    workingHours: row.working_hours
      ? (JSON.parse(row.working_hours) as Schedule['workingHours'])
      : null,
  };
}

/** Plays of a campaign on a screen per UTC hour that had any, over [from, to). */
export async function recentHourlyPlays(
  db: Db,
  campaignId: string,
  screenId: string,
  from: number,
  to: number,
): Promise<number[]> {
  const rows = (await db('proof_of_play_hours')
    .where({ campaign_id: campaignId, screen_id: screenId })
    .andWhere('hour', '>=', from)
    .andWhere('hour', '<', to)
    .select('plays')) as { plays: number | string }[];
  return rows.map((r) => Number(r.plays));
}
