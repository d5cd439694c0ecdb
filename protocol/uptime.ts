/**
 * Uptime reports on the wire: `GET /api/reports/uptime?from=&to=&tag=&screenId=&format=`
 * (operators and admins). Per screen and per tag: the share of monitored time the screen was
 * online, its outages (count, total, longest), and the fleet's figures per hour or day for a
 * chart. How "up", "outage" and "monitored" are defined: server/src/reports/README.md.
 */
import { z } from 'zod';
import { SCREEN_ID_PATTERN } from './topics';

/** The longest range a report covers, and how long state transitions are kept for it. */
export const UPTIME_MAX_RANGE_DAYS = 400;
export const UPTIME_HISTORY_DAYS = UPTIME_MAX_RANGE_DAYS;
const DAY_MS = 24 * 3600_000;
/** Ranges up to this long are charted per hour, longer ones per day. */
export const UPTIME_HOURLY_UP_TO_MS = 2 * DAY_MS;

/** A time in a query string: ms since 1970, or an ISO 8601 date (`2026-11-01T00:00:00Z`). */
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
      .int(`${what} must be a whole number of milliseconds`)
      .min(0, `${what} must be after 1970`)
      .max(8.64e15, `${what} is too far in the future`)
      .optional(),
  );

const queryText = (what: string, max: number, pattern: RegExp, hint: string) =>
  z.preprocess(
    (v) => (typeof v === 'string' ? v.trim() || undefined : v),
    z
      .string({ error: `${what} must be given once, as text` })
      .max(max, `${what} must be at most ${max} characters`)
      .regex(pattern, hint)
      .optional(),
  );

export const UptimeQuery = z
  .object({
    /** Start of the range (inclusive). Default: 24 hours before `to`. */
    from: queryTime('from'),
    /** End of the range (exclusive). Default: now. A time after now is cut to now. */
    to: queryTime('to'),
    /** Only screens carrying this tag. */
    tag: queryText('tag', 64, /^\P{Cc}+$/u, 'tag must not contain control characters'),
    /** Only this screen. */
    screenId: queryText(
      'screenId',
      64,
      SCREEN_ID_PATTERN,
      'screenId must be letters, digits, - and _ only (1-64)',
    ),
    format: z
      .enum(['json', 'csv'], { error: 'format must be json or csv' })
      .optional()
      .default('json'),
  })
  .strict()
  .refine((q) => !(q.tag && q.screenId), {
    message: 'give a tag or a screenId, not both',
    path: ['tag'],
  });
export type UptimeQuery = z.infer<typeof UptimeQuery>;
export type UptimeQueryInput = z.input<typeof UptimeQuery>;

const ms = z.number().nonnegative();
/** Percent with 3 decimals; null when nothing was monitored (never activated in the range). */
const pct = z.number().min(0).max(100).nullable();

/** Figures over a set of screens (the fleet, a tag) or one screen. */
export const UptimeFigures = z.object({
  /** Time the screen(s) were activated and in service within the range (the denominator). */
  monitoredMs: ms,
  /** Of that, time online. */
  upMs: ms,
  /** Of that, time offline or lost. */
  downMs: ms,
  uptimePct: pct,
  /** Outages within the range (one that began before it or runs past it counts, clipped). */
  outages: z.number().int().nonnegative(),
  /** The longest outage's length within the range. */
  longestOutageMs: ms,
});
export type UptimeFigures = z.infer<typeof UptimeFigures>;

export const UptimeScreenRow = UptimeFigures.extend({
  screenId: z.string(),
  name: z.string(),
  tags: z.array(z.string()),
  /** When the longest outage began (clipped to the range start); null without outages. */
  longestOutageStart: z.number().int().nullable(),
  /** Down at the range end (the last outage runs past it). */
  downAtEnd: z.boolean(),
});
export type UptimeScreenRow = z.infer<typeof UptimeScreenRow>;

export const UptimeGroup = UptimeFigures.extend({
  /** Screens in the group, and how many of them were monitored in the range at all. */
  screens: z.number().int().nonnegative(),
  monitoredScreens: z.number().int().nonnegative(),
});
export type UptimeGroup = z.infer<typeof UptimeGroup>;

export const UptimeBucket = z.object({
  from: z.number().int(),
  to: z.number().int(),
  /** The fleet's (the filtered screens') availability in this hour or day. */
  uptimePct: pct,
  /** Outages that began in this bucket (one already running at the range start: the first). */
  outagesStarted: z.number().int().nonnegative(),
});
export type UptimeBucket = z.infer<typeof UptimeBucket>;

export const UptimeReport = z.object({
  from: z.number().int(),
  /** The range end as computed: `to`, or now when `to` was later. */
  to: z.number().int(),
  generatedAt: z.number().int(),
  filter: z.object({ tag: z.string().nullable(), screenId: z.string().nullable() }),
  fleet: UptimeGroup,
  /** One group per tag carried by a screen in the report, by name. */
  tags: z.array(UptimeGroup.extend({ tag: z.string() })),
  /** Worst uptime first; screens with nothing monitored last. */
  screens: z.array(UptimeScreenRow),
  bucketMs: z.number().int().positive(),
  buckets: z.array(UptimeBucket),
});
export type UptimeReport = z.infer<typeof UptimeReport>;

/** The CSV export's columns, in order (one row per screen, then the totals row). */
export const UPTIME_CSV_COLUMNS = [
  'screen_id',
  'name',
  'tags',
  'uptime_pct',
  'monitored_s',
  'up_s',
  'down_s',
  'outages',
  'longest_outage_s',
  'longest_outage_start_utc',
] as const;
/** The `screen_id` cell of the totals row. */
export const UPTIME_CSV_TOTAL = 'TOTAL';
