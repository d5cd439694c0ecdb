/**
 * Desired state (issue 13): brightness, display power and a power schedule that the server keeps
 * per screen or per tag and every agent follows, also offline. The shapes here are the REST
 * bodies, the retained MQTT payload on `desired` and the view that travels with the Screen
 * through the change log; the schedule evaluation is here too, so the server (drift) and the
 * agent (applying) read a schedule the same way.
 */
import { z } from 'zod';
import { isTimeZone, localTime, minutesOf } from './local-time';

const ts = z.number().int().nonnegative();

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export const Weekday = z.enum(WEEKDAYS);
export type Weekday = z.infer<typeof Weekday>;

const HHMM = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day as HH:MM, from 00:00 to 23:59');

/**
 * One "display on" window: on at `on`, off at `off`, on each of `days` (the day the window
 * starts). `off` earlier than `on` crosses midnight: on Mon 06:00, off Tue 01:00.
 */
export const PowerWindow = z
  .object({
    days: z.array(Weekday).min(1, 'must name at least one day').max(7),
    on: HHMM,
    off: HHMM,
  })
  .strict()
  .refine((w) => w.on !== w.off, { message: 'must differ from the on time', path: ['off'] });
export type PowerWindow = z.infer<typeof PowerWindow>;

export const MAX_POWER_WINDOWS = 21;
/** Outside every window the display is off. Several windows per day are allowed. */
export const PowerSchedule = z
  .object({
    windows: z
      .array(PowerWindow)
      .min(1, 'must have at least one window')
      .max(MAX_POWER_WINDOWS, `may have at most ${MAX_POWER_WINDOWS} windows`),
  })
  .strict();
export type PowerSchedule = z.infer<typeof PowerSchedule>;

export const TimeZone = z
  .string()
  .min(1)
  .max(64)
  .refine(isTimeZone, 'must be an IANA time zone such as Europe/Berlin or America/New_York');

export const DesiredPower = z.enum(['on', 'off']);
export type DesiredPower = z.infer<typeof DesiredPower>;

export const DesiredBrightness = z
  .number({ error: 'must be a whole number from 0 to 100' })
  .int('must be a whole number from 0 to 100')
  .min(0, 'must be a whole number from 0 to 100')
  .max(100, 'must be a whole number from 0 to 100');

/**
 * What one screen or one tag sets. A missing field is "not set here": it comes from the next
 * level (screen → tags in the screen's tag order → unmanaged). `power: "off"` keeps the display
 * off whatever the schedule says; otherwise a schedule decides the power.
 */
export const DesiredSpec = z
  .object({
    brightness: DesiredBrightness.optional(),
    power: DesiredPower.optional(),
    schedule: PowerSchedule.optional(),
    timeZone: TimeZone.optional(),
  })
  .strict();
export type DesiredSpec = z.infer<typeof DesiredSpec>;

export const DESIRED_FIELDS = ['brightness', 'power', 'schedule', 'timeZone'] as const;
export type DesiredField = (typeof DESIRED_FIELDS)[number];

/**
 * The retained message on `marquee/v1/screens/{id}/desired` (server → agent, QoS 1): the
 * screen's effective desired state. `version` only grows; an agent ignores a payload whose
 * version is not above the one it keeps. null: not managed (the agent leaves it alone).
 */
export const DesiredStatePayload = z
  .object({
    ts,
    version: z.number().int().positive(),
    brightness: DesiredBrightness.nullable(),
    power: DesiredPower.nullable(),
    schedule: PowerSchedule.nullable(),
    timeZone: TimeZone,
  })
  .strict();
export type DesiredStatePayload = z.infer<typeof DesiredStatePayload>;

/** What an agent reports in telemetry (optional: older agents send none). */
export const DesiredReport = z.object({
  /** The version it applies; null: it has none yet. */
  version: z.number().int().positive().nullable(),
  /** Why the last application failed (null: it succeeded). */
  error: z.string().max(300).nullable(),
});
export type DesiredReport = z.infer<typeof DesiredReport>;

/** Where an effective field comes from: "screen" or "tag:<name>". */
export const DesiredSource = z.string().max(80);

export const DriftEntry = z.object({
  field: z.enum(['brightness', 'power']),
  desired: z.union([z.number(), z.string()]),
  reported: z.union([z.number(), z.string()]),
  /** Since when the screen has reported something else than desired. */
  since: ts,
});
export type DriftEntry = z.infer<typeof DriftEntry>;

/** The view that travels with the Screen entity (`screen.desired`) to consoles. */
export const ScreenDesired = z.object({
  version: z.number().int().positive(),
  brightness: z.number().int().nullable(),
  power: DesiredPower.nullable(),
  schedule: PowerSchedule.nullable(),
  timeZone: z.string(),
  sources: z.partialRecord(z.enum(DESIRED_FIELDS), DesiredSource),
  drift: z.array(DriftEntry),
});
export type ScreenDesired = z.infer<typeof ScreenDesired>;

/** GET/PUT /api/screens/:id/desired */
export interface ScreenDesiredResponse {
  screenId: string;
  /** What the screen itself sets. */
  own: DesiredSpec;
  /** The tags that set something, in the order they apply. */
  tags: TagDesired[];
  /** The effective state (null: nothing managed) with its drift. */
  effective: ScreenDesired | null;
}

export const TagName = z.string().trim().min(1, 'a tag name is needed').max(64);

export interface TagDesired {
  tag: string;
  spec: DesiredSpec;
  updatedAt: number;
  updatedBy: string | null;
}
/** GET /api/tags/desired */
export interface TagDesiredListResponse {
  tags: TagDesired[];
}

// --- schedule evaluation (shared by the server's drift and the agent's applier) ---

/** Whether the schedule has the display on at `now` in `tz`. */
export function scheduleSaysOn(schedule: PowerSchedule, tz: string, now: number): boolean {
  const { weekday, minuteOfDay: minute } = localTime(now, tz);
  const today = WEEKDAYS[weekday - 1]!;
  const yesterday = WEEKDAYS[(weekday + 5) % 7]!;
  return schedule.windows.some((w) => {
    const on = minutesOf(w.on);
    const off = minutesOf(w.off);
    if (on < off) return w.days.includes(today) && minute >= on && minute < off;
    // Crosses midnight: the evening part today, the small hours of a window that began yesterday.
    return (w.days.includes(today) && minute >= on) || (w.days.includes(yesterday) && minute < off);
  });
}

/** The power the desired state asks for at `now`; null when power is not managed. */
export function desiredPowerAt(
  d: Pick<DesiredStatePayload, 'power' | 'schedule' | 'timeZone'>,
  now: number,
): DesiredPower | null {
  if (d.power === 'off') return 'off';
  if (d.schedule) return scheduleSaysOn(d.schedule, d.timeZone, now) ? 'on' : 'off';
  return d.power;
}
