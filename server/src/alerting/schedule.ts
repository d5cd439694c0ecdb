/**
 * Whether a person is on duty at an instant, in their own time zone, and when they next are.
 * Off duty = inside quiet hours (which may span midnight: 22:00–07:00), or outside working
 * hours when working hours are set. Wall-clock times come from Intl, so daylight-saving
 * changes are the zone database's business, not ours.
 */
import { localTime, minutesOf } from '../../../protocol';

export interface Schedule {
  timeZone: string;
  quietHours: { start: string; end: string } | null;
  workingHours: { days: number[]; start: string; end: string } | null;
}

const MINUTE = 60_000;
/** The longest a schedule can keep someone off duty: a week (working hours on one day). */
const SEARCH_LIMIT_MIN = 8 * 24 * 60;

/** Half-open [start, end) on the minute of the day; start > end spans midnight; equal: never. */
function within(m: number, start: string, end: string): boolean {
  const s = minutesOf(start);
  const e = minutesOf(end);
  return s <= e ? m >= s && m < e : m >= s || m < e;
}

export function isOnDuty(schedule: Schedule, at: number): boolean {
  const { weekday, minuteOfDay: minute } = localTime(at, schedule.timeZone);
  if (schedule.quietHours && within(minute, schedule.quietHours.start, schedule.quietHours.end))
    return false;
  const w = schedule.workingHours;
  if (w) {
    // Working hours that span midnight belong to the day they start on.
    const s = minutesOf(w.start);
    const e = minutesOf(w.end);
    const day = s > e && minute < e ? ((weekday + 5) % 7) + 1 : weekday;
    if (!w.days.includes(day) || !within(minute, w.start, w.end)) return false;
  }
  return true;
}

/** Minutes of the day at which a schedule can change between on and off duty. */
function boundaries(schedule: Schedule): number[] {
  const out = new Set<number>([0]);
  for (const t of [schedule.quietHours, schedule.workingHours])
    if (t) out.add(minutesOf(t.start)).add(minutesOf(t.end));
  return [...out];
}

/**
 * The first instant at or after `at` the person is on duty (minute resolution), or null when
 * the schedule never puts them on duty within a week (e.g. quiet hours covering working hours).
 * Duty only changes at the schedule's own times of day, so the search jumps from one to the
 * next (a few dozen steps for a week) and walks minute by minute only where the jump does not
 * land where the wall clock says it should (a daylight-saving change in between).
 */
export function nextOnDuty(schedule: Schedule, at: number): number | null {
  if (isOnDuty(schedule, at)) return at;
  const marks = boundaries(schedule);
  const limit = at + SEARCH_LIMIT_MIN * MINUTE;
  let t = Math.floor(at / MINUTE) * MINUTE;
  while (t < limit) {
    const m = localTime(t, schedule.timeZone).minuteOfDay;
    const k = Math.min(...marks.map((b) => (b - m + 1440) % 1440 || 1440));
    let next = t + k * MINUTE;
    if (localTime(next, schedule.timeZone).minuteOfDay !== (m + k) % 1440) next = t + MINUTE;
    t = next;
    if (isOnDuty(schedule, t)) return t;
  }
  return null;
}
