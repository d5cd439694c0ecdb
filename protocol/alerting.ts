/**
 * Alarm routing and channels (issue 14), admin REST under /api/alerting:
 *
 * - GET    /api/alerting/status                → AlertingStatus (which channels are on)
 * - GET    /api/alerting/routes                → { routes: AlertRoute[] }
 * - POST   /api/alerting/routes                AlertRouteInput → { route }
 * - PUT    /api/alerting/routes/:id            AlertRouteInput → { route }
 * - DELETE /api/alerting/routes/:id            → { deleted: id }
 * - GET|POST /api/alerting/groups, PUT|DELETE /api/alerting/groups/:id      (OnCallGroupInput)
 * - GET|POST /api/alerting/webhooks, PUT|DELETE /api/alerting/webhooks/:id  (WebhookInput)
 * - GET    /api/alerting/contacts              → { contacts: PersonContact[] } (every staff member)
 * - PUT    /api/alerting/contacts/:userId      PersonContactInput → { contact }
 * - GET    /api/alerting/deliveries?alarmId=&userId=&status=&before=&limit= → DeliveryLogPage
 * - GET|PUT /api/alerting/me                   (any operator or admin: their own schedule)
 *                                              PersonScheduleInput → { contact }
 *
 * Times of day are "HH:MM" in the person's IANA time zone.
 */
import { z } from 'zod';
import { FaultSeverity } from './mqtt';
import { isTimeZone } from './local-time';

const id = z.string().min(1).max(64);
const name = z
  .string({ error: 'a name is needed' })
  .trim()
  .min(1, 'a name is needed')
  .max(120, 'a name is at most 120 characters');

export const HHMM = z
  .string({ error: 'a time of day is HH:MM' })
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day is HH:MM (00:00 to 23:59)');

/** A person's IANA zone ("Europe/Berlin", "UTC"); the same test as desired state's `TimeZone`. */
export const PersonTimeZone = z
  .string({ error: 'a time zone is an IANA name such as Europe/Berlin' })
  .min(1)
  .max(64)
  .refine(isTimeZone, {
    message: 'unknown time zone: use an IANA name such as Europe/Berlin or UTC',
  });

export const ROUTE_TAGS_MAX = 50;
export const ROUTE_STEPS_MAX = 10;
export const GROUP_MEMBERS_MAX = 50;
export const ESCALATE_AFTER_MAX_MIN = 7 * 24 * 60;

export const RouteTarget = z
  .object({ type: z.enum(['user', 'group'], { error: 'a target is a user or a group' }), id })
  .strict();
export type RouteTarget = z.infer<typeof RouteTarget>;

export const QuietPolicy = z.enum(['hold', 'escalate'], {
  error: 'quiet hours either hold the message or escalate it',
});
export type QuietPolicy = z.infer<typeof QuietPolicy>;

export const AlertRouteInput = z
  .object({
    name,
    enabled: z.boolean().default(true),
    /**
     * The alarm's screen must carry one of these tags (a region tag, or `site:NAME`); empty:
     * every screen.
     */
    tags: z
      .array(z.string().trim().min(1).max(64))
      .max(ROUTE_TAGS_MAX, `at most ${ROUTE_TAGS_MAX} tags`)
      .default([]),
    /** The least severity the route takes. */
    minSeverity: FaultSeverity.default('info'),
    /** Alarm kinds (lost, offline, fault, …); empty: every kind, also kinds added later. */
    kinds: z.array(z.string().trim().min(1).max(32)).max(20).default([]),
    /** The escalation chain: step 0 first, the next after `escalateAfterMinutes` unacknowledged. */
    steps: z
      .array(RouteTarget)
      .min(1, 'a route needs at least one person or group to reach')
      .max(ROUTE_STEPS_MAX, `at most ${ROUTE_STEPS_MAX} steps`),
    /** Null: no escalation (only step 0 is reached). */
    escalateAfterMinutes: z
      .number({ error: 'escalation is a number of minutes' })
      .int('escalation is a whole number of minutes')
      .min(1, 'escalation is at least 1 minute')
      .max(ESCALATE_AFTER_MAX_MIN, 'escalation is at most a week')
      .nullable()
      .default(null),
    quietHours: QuietPolicy.default('hold'),
    channels: z
      .object({ console: z.boolean().default(true), email: z.boolean().default(false) })
      .strict()
      .default({ console: true, email: false }),
    /** Webhooks told of every alarm this route takes (once per raise and clear). */
    webhookIds: z.array(id).max(10).default([]),
  })
  .strict();
export type AlertRouteInput = z.input<typeof AlertRouteInput>;

export type AlertRoute = z.output<typeof AlertRouteInput> & {
  id: string;
  createdAt: number;
  updatedAt: number;
};

export const OnCallGroupInput = z
  .object({
    name,
    /** In order: the first member on duty is the one reached. */
    memberIds: z
      .array(id)
      .min(1, 'a group needs at least one member')
      .max(GROUP_MEMBERS_MAX, `at most ${GROUP_MEMBERS_MAX} members`)
      .refine((ids) => new Set(ids).size === ids.length, 'a person is in a group once'),
  })
  .strict();
export type OnCallGroupInput = z.input<typeof OnCallGroupInput>;
export type OnCallGroup = z.output<typeof OnCallGroupInput> & {
  id: string;
  createdAt: number;
  updatedAt: number;
};

export const WebhookFormat = z.enum(['json', 'slack', 'teams'], {
  error: 'a webhook format is json, slack or teams',
});
export type WebhookFormat = z.infer<typeof WebhookFormat>;

export const WebhookInput = z
  .object({
    name,
    url: z
      .string({ error: 'a webhook needs a URL' })
      .trim()
      .max(2000, 'a webhook URL is at most 2000 characters')
      .refine((u) => {
        try {
          const p = new URL(u).protocol;
          return p === 'http:' || p === 'https:';
        } catch {
          return false;
        }
      }, 'a webhook URL is an http:// or https:// address'),
    format: WebhookFormat.default('json'),
    enabled: z.boolean().default(true),
  })
  .strict();
export type WebhookInput = z.input<typeof WebhookInput>;
export type Webhook = z.output<typeof WebhookInput> & {
  id: string;
  createdAt: number;
  updatedAt: number;
};

export const WorkingHours = z
  .object({
    /** ISO weekdays, 1 = Monday … 7 = Sunday. */
    days: z
      .array(z.number().int().min(1).max(7))
      .min(1, 'working hours need at least one day')
      .max(7),
    start: HHMM,
    end: HHMM,
  })
  .strict();
export const QuietHours = z.object({ start: HHMM, end: HHMM }).strict();

export const PersonScheduleInput = z
  .object({
    timeZone: PersonTimeZone,
    /** Null: no quiet hours. May span midnight (22:00–07:00). */
    quietHours: QuietHours.nullable(),
    /** Null: always on duty (outside quiet hours). */
    workingHours: WorkingHours.nullable(),
  })
  .strict();
export type PersonScheduleInput = z.input<typeof PersonScheduleInput>;

export const PersonContactInput = PersonScheduleInput.extend({
  /** Where alarm e-mail goes; null: no e-mail for this person. */
  email: z
    .string()
    .trim()
    .toLowerCase()
    .email('an e-mail address looks like name@example.com')
    .max(254)
    .nullable(),
}).strict();
export type PersonContactInput = z.input<typeof PersonContactInput>;

export type PersonContact = z.output<typeof PersonContactInput> & {
  userId: string;
  name: string;
  role: string;
  /** True when nothing was saved yet (the answer shows the defaults). */
  isDefault: boolean;
};

export const DeliveryChannel = z.enum(['console', 'email', 'webhook']);
export type DeliveryChannel = z.infer<typeof DeliveryChannel>;
export const DeliveryStatus = z.enum(['delivered', 'failed', 'retrying', 'held', 'skipped']);
export type DeliveryStatus = z.infer<typeof DeliveryStatus>;

export interface DeliveryLogEntry {
  seq: number;
  ts: number;
  alarmId: string;
  /** raised | cleared | escalated */
  event: string;
  channel: DeliveryChannel;
  /** A person's id, or a webhook's id. */
  recipientId: string;
  /** The person's name or the webhook's name at the time. */
  recipientName: string;
  status: DeliveryStatus;
  attempt: number;
  error: string | null;
}

export interface DeliveryLogPage {
  entries: DeliveryLogEntry[];
  nextBefore: number | null;
}

const queryText = (what: string) =>
  z.preprocess(
    (v) => (typeof v === 'string' ? v.trim() || undefined : v),
    z
      .string({ error: `${what} must be given once, as text` })
      .max(64)
      .optional(),
  );
const queryInt = (what: string, min: number, max: number) =>
  z.preprocess(
    (v) => (v === '' || v === undefined ? undefined : typeof v === 'string' ? Number(v) : v),
    z
      .number({ error: `${what} must be a number` })
      .int(`${what} must be a whole number`)
      .min(min, `${what} must be at least ${min}`)
      .max(max, `${what} must be at most ${max}`)
      .optional(),
  );

export const DELIVERY_PAGE_MAX = 200;

export const DeliveryLogQuery = z
  .object({
    alarmId: queryText('alarmId'),
    /** A person (or webhook) id. */
    userId: queryText('userId'),
    status: z.preprocess(
      (v) => (v === '' ? undefined : v),
      z
        .enum(DeliveryStatus.options, {
          error: 'status must be delivered, failed, retrying, held or skipped',
        })
        .optional(),
    ),
    before: queryInt('before', 1, Number.MAX_SAFE_INTEGER),
    limit: queryInt('limit', 1, DELIVERY_PAGE_MAX),
  })
  .strict();
export type DeliveryLogQueryInput = z.input<typeof DeliveryLogQuery>;

export interface AlertingStatus {
  email: { enabled: boolean; detail: string };
  webhooks: { privateAddresses: boolean };
}
