/**
 * Organizations, campaigns and bookings in the database (migration 019), and the rows ↔ wire
 * shapes. Writes take a transaction so the audit record commits with the change.
 */
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type {
  Booking,
  BookingStatus,
  Campaign,
  CreateBookingRequest,
  Daypart,
  Organization,
} from '../../../protocol';
import type { z } from 'zod';
import type { CreateBookingRequest as CreateBookingSchema } from '../../../protocol';

type Db = Knex | Knex.Transaction;
export type NewBooking = z.output<typeof CreateBookingSchema>;

interface BookingRow {
  id: string;
  campaign_id: string;
  screen_ids: string;
  tags: string;
  starts_on: string;
  ends_on: string;
  time_zone: string;
  dayparts: string;
  contracted_plays: number | null;
  status: string;
  created_at: number | string;
  updated_at: number | string;
}

export function rowToBooking(r: BookingRow): Booking {
  return {
    id: r.id,
    campaignId: r.campaign_id,
    screenIds: JSON.parse(r.screen_ids) as string[],
    tags: JSON.parse(r.tags) as string[],
    startsOn: r.starts_on,
    endsOn: r.ends_on,
    timeZone: r.time_zone,
    dayparts: JSON.parse(r.dayparts) as Daypart[],
    contractedPlays: r.contracted_plays === null ? null : Number(r.contracted_plays),
    status: r.status as BookingStatus,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

export async function listOrganizations(db: Db, onlyId?: string | null): Promise<Organization[]> {
  const q = db('organizations').orderBy('name');
  if (onlyId !== undefined) q.where('id', onlyId ?? '');
  const orgs = (await q.select('id', 'name', 'created_at')) as {
    id: string;
    name: string;
    created_at: number | string;
  }[];
  const members = (await db('users')
    .whereIn(
      'organization_id',
      orgs.map((o) => o.id),
    )
    .orderBy('name')
    .select('id', 'name', 'email', 'organization_id')) as {
    id: string;
    name: string;
    email: string;
    organization_id: string;
  }[];
  return orgs.map((o) => ({
    id: o.id,
    name: o.name,
    createdAt: Number(o.created_at),
    members: members
      .filter((m) => m.organization_id === o.id)
      .map((m) => ({ id: m.id, name: m.name, email: m.email })),
  }));
}

export async function insertOrganization(db: Db, id: string, name: string): Promise<void> {
  await db('organizations').insert({ id, name, created_at: Date.now() });
}

export async function organizationOfUser(db: Db, userId: string): Promise<string | null> {
  const row = (await db('users').where({ id: userId }).first('organization_id')) as
    { organization_id: string | null } | undefined;
  return row?.organization_id ?? null;
}

function campaignsQuery(db: Db) {
  return db('campaigns as c')
    .join('organizations as o', 'o.id', 'c.organization_id')
    .select(
      'c.id',
      'c.organization_id',
      'o.name as organization_name',
      'c.name',
      'c.created_at',
      'c.updated_at',
      db('bookings as b')
        .count('*')
        .where('b.campaign_id', db.ref('c.id'))
        .andWhere('b.status', 'active')
        .as('active_bookings'),
    );
}

type CampaignRow = {
  id: string;
  organization_id: string;
  organization_name: string;
  name: string;
  created_at: number | string;
  updated_at: number | string;
  active_bookings: number | string;
};
const rowToCampaign = (r: CampaignRow): Campaign => ({
  id: r.id,
  organizationId: r.organization_id,
  organizationName: r.organization_name,
  name: r.name,
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
  activeBookings: Number(r.active_bookings),
});

/** Every campaign, or one organization's. */
export async function listCampaigns(db: Db, organizationId?: string): Promise<Campaign[]> {
  const q = campaignsQuery(db).orderBy('c.name');
  if (organizationId !== undefined) q.where('c.organization_id', organizationId);
  return ((await q) as CampaignRow[]).map(rowToCampaign);
}

export async function getCampaign(db: Db, id: string): Promise<Campaign | null> {
  const row = (await campaignsQuery(db).where('c.id', id).first()) as CampaignRow | undefined;
  return row ? rowToCampaign(row) : null;
}

export async function insertCampaign(
  db: Db,
  c: { id: string; organizationId: string; name: string },
): Promise<void> {
  const now = Date.now();
  await db('campaigns').insert({
    id: c.id,
    organization_id: c.organizationId,
    name: c.name,
    created_at: now,
    updated_at: now,
  });
}

export async function bookingsOf(db: Db, campaignIds: string[]): Promise<Booking[]> {
  if (campaignIds.length === 0) return [];
  const rows = (await db('bookings')
    .whereIn('campaign_id', campaignIds)
    .orderBy([{ column: 'starts_on' }, { column: 'id' }])) as BookingRow[];
  return rows.map(rowToBooking);
}

export async function getBooking(db: Db, id: string): Promise<Booking | null> {
  const row = (await db('bookings').where({ id }).first()) as BookingRow | undefined;
  return row ? rowToBooking(row) : null;
}

export async function insertBooking(db: Db, b: NewBooking): Promise<Booking> {
  const now = Date.now();
  const row: BookingRow = {
    id: `bk-${randomUUID()}`,
    campaign_id: b.campaignId,
    screen_ids: JSON.stringify([...new Set(b.screenIds)]),
    tags: JSON.stringify([...new Set(b.tags)]),
    starts_on: b.startsOn,
    ends_on: b.endsOn,
    time_zone: b.timeZone,
    dayparts: JSON.stringify(b.dayparts),
    contracted_plays: b.contractedPlays,
    status: 'active',
    created_at: now,
    updated_at: now,
  };
  await db('bookings').insert(row);
  return rowToBooking(row);
}

export async function saveBooking(db: Db, b: Booking): Promise<Booking> {
  const updatedAt = Date.now();
  await db('bookings')
    .where({ id: b.id })
    .update({
      screen_ids: JSON.stringify([...new Set(b.screenIds)]),
      tags: JSON.stringify([...new Set(b.tags)]),
      starts_on: b.startsOn,
      ends_on: b.endsOn,
      time_zone: b.timeZone,
      dayparts: JSON.stringify(b.dayparts),
      contracted_plays: b.contractedPlays,
      status: b.status,
      updated_at: updatedAt,
    });
  return { ...b, updatedAt };
}

/** Active bookings of the organizations' campaigns, for visibility. */
export async function activeBookingsOfOrganization(
  db: Db,
  organizationId: string,
): Promise<Booking[]> {
  const rows = (await db('bookings as b')
    .join('campaigns as c', 'c.id', 'b.campaign_id')
    .where('c.organization_id', organizationId)
    .andWhere('b.status', 'active')
    .select('b.*')) as BookingRow[];
  return rows.map(rowToBooking);
}

/** Advertiser accounts in an organization (whose live view a booking change moves). */
export async function membersOf(db: Db, organizationId: string): Promise<string[]> {
  const rows = (await db('users')
    .where({ organization_id: organizationId, role: 'advertiser' })
    .select('id')) as { id: string }[];
  return rows.map((r) => r.id);
}

/** Advertisers in an organization with at least one active booking (loaded at start). */
export async function advertisersWithBookings(db: Db): Promise<string[]> {
  const rows = (await db('users as u')
    .join('campaigns as c', 'c.organization_id', 'u.organization_id')
    .join('bookings as b', 'b.campaign_id', 'c.id')
    .where('u.role', 'advertiser')
    .andWhere('b.status', 'active')
    .distinct('u.id')) as { id: string }[];
  return rows.map((r) => r.id);
}

export type { CreateBookingRequest };
