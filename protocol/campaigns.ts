/**
 * Advertiser organizations, campaigns, bookings and proof of play on the wire (issue 12).
 * REST, JSON unless `format=csv`; who may call what is in server/src/campaigns/README.md:
 *
 * - GET  /api/organizations                       → OrganizationList (staff: all; advertiser: own)
 * - POST /api/organizations                       CreateOrganizationRequest → { organization } (admin)
 * - PUT  /api/admin/users/:id/organization        SetUserOrganizationRequest → { userId, organizationId } (admin)
 * - GET  /api/campaigns                           → CampaignList (advertiser: their organization's)
 * - POST /api/campaigns                           CreateCampaignRequest → { campaign } (staff)
 * - GET  /api/campaigns/:id                       → CampaignDetail (campaign + its bookings)
 * - POST /api/bookings                            CreateBookingRequest → { booking } (staff)
 * - PATCH /api/bookings/:id                       UpdateBookingRequest → { booking } (staff)
 * - POST /api/bookings/:id/cancel                 → { booking } (staff)
 * - GET  /api/proof-of-play?campaignId=&screenId=&tag=&from=&to=&limit=&format=  → ProofOfPlayList
 * - GET  /api/campaigns/:id/delivery?from=&to=&format=  → DeliveryReport
 */
import { z } from 'zod';
import { isTimeZone } from './local-time';
import { ScreenId } from './domain';
import { SCREEN_ID_PATTERN } from './topics';

/** A campaign id is what players put in `campaignId`: letters, digits, `.`, `:`, `-`, `_`. */
export const CAMPAIGN_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;
export const CampaignId = z
  .string({ error: 'campaign id must be text' })
  .trim()
  .regex(CAMPAIGN_ID_PATTERN, 'campaign id must be 1-128 letters, digits, ., :, - or _');
const OrgId = z
  .string({ error: 'organization id must be text' })
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'organization id must be 1-64 letters, digits, - or _');
const Tag = z
  .string()
  .trim()
  .min(1, 'a tag cannot be empty')
  .max(64, 'a tag is at most 64 characters');

/** The most screens or tags one booking names, and the longest booking. */
export const BOOKING_MAX_SCREENS = 5_000;
export const BOOKING_MAX_DAYS = 400;
export const PROOF_OF_PLAY_MAX_ROWS = 50_000;

export interface Organization {
  id: string;
  name: string;
  createdAt: number;
  /** Advertiser accounts in it. */
  members: { id: string; name: string; email: string }[];
}
export interface OrganizationList {
  organizations: Organization[];
}
export const CreateOrganizationRequest = z
  .object({
    id: OrgId.optional(),
    name: z.string().trim().min(1, 'give the organization a name').max(200),
  })
  .strict();
export type CreateOrganizationRequest = z.input<typeof CreateOrganizationRequest>;

export const SetUserOrganizationRequest = z.object({ organizationId: OrgId.nullable() }).strict();
export type SetUserOrganizationRequest = z.input<typeof SetUserOrganizationRequest>;

export interface Campaign {
  id: string;
  organizationId: string;
  organizationName: string;
  name: string;
  createdAt: number;
  updatedAt: number;
  /** Bookings not cancelled. */
  activeBookings: number;
}
export interface CampaignList {
  campaigns: Campaign[];
}
export const CreateCampaignRequest = z
  .object({
    id: CampaignId,
    organizationId: OrgId,
    name: z.string().trim().min(1, 'give the campaign a name').max(200),
  })
  .strict();
export type CreateCampaignRequest = z.input<typeof CreateCampaignRequest>;

const LocalDate = (what: string) =>
  z
    .string({ error: `${what} must be a date` })
    .regex(/^\d{4}-\d{2}-\d{2}$/, `${what} must be a date as YYYY-MM-DD`)
    .refine(
      (d) =>
        !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) &&
        new Date(`${d}T00:00:00Z`).toISOString().startsWith(d),
      {
        message: `${what} is not a real date`,
      },
    );

/** Whole hours only: the delivery figures are counted per hour (README: "Hours"). */
const Hour = (what: string) =>
  z
    .string({ error: `${what} must be a time` })
    .regex(/^([01]\d|2[0-4]):00$/, `${what} must be a whole hour as HH:00 (00:00 to 24:00)`);

/** Days are ISO weekdays: 1 Monday … 7 Sunday. `end` is exclusive; 24:00 means midnight. */
export const Daypart = z
  .object({
    days: z
      .array(z.number().int().min(1).max(7), {
        error: 'days must be weekdays 1 (Monday) to 7 (Sunday)',
      })
      .min(1, 'a daypart needs at least one weekday')
      .max(7),
    start: Hour('daypart start'),
    end: Hour('daypart end'),
  })
  .strict()
  .refine((d) => d.start < d.end, { message: 'a daypart must end after it starts' });
export type Daypart = z.infer<typeof Daypart>;

/** A booking's IANA zone; the same test as desired state's `TimeZone`, with this form's wording. */
export const BookingTimeZone = z
  .string({ error: 'timeZone must be text' })
  .max(64)
  .refine(isTimeZone, {
    message: 'timeZone must be an IANA time zone such as Europe/Berlin or UTC',
  });

const bookingFields = {
  screenIds: z.array(ScreenId).max(BOOKING_MAX_SCREENS, `at most ${BOOKING_MAX_SCREENS} screens`),
  tags: z.array(Tag).max(100, 'at most 100 tags'),
  startsOn: LocalDate('startsOn'),
  endsOn: LocalDate('endsOn'),
  timeZone: BookingTimeZone,
  dayparts: z.array(Daypart).max(20, 'at most 20 dayparts'),
  contractedPlays: z
    .number({ error: 'contractedPlays must be a number' })
    .int('contractedPlays must be a whole number')
    .min(0)
    .max(1e9)
    .nullable(),
};

export const CreateBookingRequest = z
  .object({
    campaignId: CampaignId,
    screenIds: bookingFields.screenIds.default([]),
    tags: bookingFields.tags.default([]),
    startsOn: bookingFields.startsOn,
    endsOn: bookingFields.endsOn,
    timeZone: bookingFields.timeZone.default('UTC'),
    dayparts: bookingFields.dayparts.default([]),
    contractedPlays: bookingFields.contractedPlays.default(null),
  })
  .strict()
  .refine((b) => b.screenIds.length + b.tags.length > 0, {
    message: 'book at least one screen or tag',
    path: ['screenIds'],
  })
  .refine((b) => b.endsOn >= b.startsOn, {
    message: 'endsOn must not be before startsOn',
    path: ['endsOn'],
  });
export type CreateBookingRequest = z.input<typeof CreateBookingRequest>;

export const UpdateBookingRequest = z
  .object({
    screenIds: bookingFields.screenIds.optional(),
    tags: bookingFields.tags.optional(),
    startsOn: bookingFields.startsOn.optional(),
    endsOn: bookingFields.endsOn.optional(),
    timeZone: bookingFields.timeZone.optional(),
    dayparts: bookingFields.dayparts.optional(),
    contractedPlays: bookingFields.contractedPlays.optional(),
  })
  .strict()
  .refine((v) => Object.keys(v).length > 0, { message: 'say what to change' });
export type UpdateBookingRequest = z.input<typeof UpdateBookingRequest>;

export type BookingStatus = 'active' | 'cancelled';
export interface Booking {
  id: string;
  campaignId: string;
  screenIds: string[];
  tags: string[];
  startsOn: string;
  endsOn: string;
  timeZone: string;
  dayparts: Daypart[];
  contractedPlays: number | null;
  status: BookingStatus;
  createdAt: number;
  updatedAt: number;
}
export interface CampaignDetail {
  campaign: Campaign;
  bookings: Booking[];
}

/** A time in a query string: ms since 1970, or an ISO 8601 date. */
const queryTime = (what: string) =>
  z.preprocess(
    (v) => {
      if (v === '' || v === undefined) return undefined;
      if (typeof v !== 'string') return v;
      if (/^\d+$/.test(v.trim())) return Number(v.trim());
      const parsed = Date.parse(v);
      return Number.isNaN(parsed) ? v : parsed;
    },
    z
      .number({
        error: `${what} must be a time: milliseconds since 1970, or an ISO 8601 date such as 2026-11-01T00:00:00Z`,
      })
      .int()
      .min(0, `${what} must be after 1970`)
      .max(8.64e15, `${what} is too far in the future`)
      .optional(),
  );
const queryText = <T extends z.ZodType<string>>(what: string, inner: T) =>
  z.preprocess(
    (v) => (typeof v === 'string' ? v.trim() || undefined : v),
    z.union([inner, z.undefined()], { error: `${what} must be given once, as text` }).optional(),
  );
const format = z
  .enum(['json', 'csv'], { error: 'format must be json or csv' })
  .optional()
  .default('json');

export const ProofOfPlayQuery = z
  .object({
    campaignId: queryText('campaignId', CampaignId),
    screenId: queryText(
      'screenId',
      z.string().regex(SCREEN_ID_PATTERN, 'screenId must be letters, digits, - and _ only (1-64)'),
    ),
    tag: queryText('tag', Tag),
    from: queryTime('from'),
    to: queryTime('to'),
    limit: z.preprocess(
      (v) => (v === undefined || v === '' ? undefined : Number(v)),
      z
        .number({ error: 'limit must be a number' })
        .int('limit must be a whole number')
        .min(1, 'limit must be at least 1')
        .max(PROOF_OF_PLAY_MAX_ROWS, `limit must be at most ${PROOF_OF_PLAY_MAX_ROWS}`)
        .optional(),
    ),
    format,
  })
  .strict()
  .refine((q) => q.from === undefined || q.to === undefined || q.from < q.to, {
    message: 'from must be before to',
    path: ['from'],
  });
export type ProofOfPlayQuery = z.infer<typeof ProofOfPlayQuery>;

export interface ProofOfPlayRecord {
  screenId: string;
  recordId: string;
  campaignId: string;
  creativeId: string;
  startedAt: number;
  durationMs: number;
  receivedAt: number;
}
export interface ProofOfPlayList {
  records: ProofOfPlayRecord[];
  /** More records matched than `limit` (default and most: PROOF_OF_PLAY_MAX_ROWS). */
  truncated: boolean;
}
export const PROOF_OF_PLAY_CSV_COLUMNS = [
  'screen_id',
  'record_id',
  'campaign_id',
  'creative_id',
  'started_at',
  'duration_ms',
  'received_at',
] as const;

export const DeliveryQuery = z
  .object({
    /** Default: the start of the campaign's earliest active booking. */
    from: queryTime('from'),
    /** Default: the end of its latest booking, or now if that is later than now. */
    to: queryTime('to'),
    format,
  })
  .strict()
  .refine((q) => q.from === undefined || q.to === undefined || q.from < q.to, {
    message: 'from must be before to',
    path: ['from'],
  });
export type DeliveryQuery = z.infer<typeof DeliveryQuery>;

export interface DeliveryOutage {
  state: 'offline' | 'lost';
  from: number;
  /** null: still out at the end of the range. */
  to: number | null;
}
export interface DeliveryScreen {
  screenId: string;
  name: string;
  /** Plays inside the booking's dates and dayparts, in the range. */
  plays: number;
  days: { date: string; plays: number }[];
}
export interface DeliveryMissedScreen {
  screenId: string;
  name: string;
  plays: number;
  /** no_plays: booked and never played; outage: lost/offline during booked hours. */
  reason: 'no_plays' | 'outage';
  outages: DeliveryOutage[];
}
export interface DeliveryReport {
  campaign: Campaign;
  from: number;
  to: number;
  /** The zone the days are counted in (the campaign's first booking's). */
  timeZone: string;
  contractedPlays: number | null;
  deliveredPlays: number;
  /** Plays of this campaign outside its bookings (other screens, dates or hours): not counted. */
  outsideBookingPlays: number;
  /** delivered / contracted × 100, 1 decimal; null without a contract. */
  deliveredPct: number | null;
  firstPlayAt: number | null;
  lastPlayAt: number | null;
  screens: DeliveryScreen[];
  days: { date: string; plays: number }[];
  missed: DeliveryMissedScreen[];
}
/** The CSV is one row per (screen, day) of `screens[].days`, then a TOTAL row. */
export const DELIVERY_CSV_COLUMNS = ['screen_id', 'name', 'date', 'plays'] as const;
export const DELIVERY_CSV_TOTAL = 'TOTAL';
