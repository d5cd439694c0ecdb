/**
 * Whether a person is on duty at an instant, in their own time zone, and when they next are.
 * Off duty = inside quiet hours (which may span midnight: 22:00–07:00), or outside working
 * hours when working hours are set. Wall-clock times come from Intl, so daylight-saving
 * changes are the zone database's business, not ours.
 */
export interface Schedule {
  timeZone: string;
  quietHours: { start: string; end: string } | null;
  workingHours: { days: number[]; start: string; end: string } | null;
}

const formats = new Map<string, Intl.DateTimeFormat>();
const WEEKDAY: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };
const MINUTE = 60_000;
/** The longest a schedule can keep someone off duty: a week (working hours on one day). */
const SEARCH_LIMIT_MIN = 8 * 24 * 60;

function formatFor(timeZone: string): Intl.DateTimeFormat {
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formats.set(timeZone, f);
  }
  return f;
}

/** The wall clock in `timeZone`: ISO weekday and minute of the day. */
export function wallClock(timeZone: string, at: number): { weekday: number; minute: number } {
  let weekday = 1;
  let hour = 0;
  let minute = 0;
  for (const p of formatFor(timeZone).formatToParts(at)) {
    if (p.type === 'weekday') weekday = WEEKDAY[p.value] ?? 1;
    else if (p.type === 'hour') hour = Number(p.value) % 24;
    else if (p.type === 'minute') minute = Number(p.value);
  }
  return { weekday, minute: hour * 60 + minute };
}

const minutes = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));

/** Half-open [start, end) on the minute of the day; start > end spans midnight; equal: never. */
function within(m: number, start: string, end: string): boolean {
  const s = minutes(start);
  const e = minutes(end);
  return s <= e ? m >= s && m < e : m >= s || m < e;
}

export function isOnDuty(schedule: Schedule, at: number): boolean {
  const { weekday, minute } = wallClock(schedule.timeZone, at);
  if (schedule.quietHours && within(minute, schedule.quietHours.start, schedule.quietHours.end))
    return false;
  const w = schedule.workingHours;
  if (w) {
    // Working hours that span midnight belong to the day they start on.
    const s = minutes(w.start);
    const e = minutes(w.end);
    const day = s > e && minute < e ? ((weekday + 5) % 7) + 1 : weekday;
    if (!w.days.includes(day) || !within(minute, w.start, w.end)) return false;
  }
  return true;
}

/** Minutes of the day at which a schedule can change between on and off duty. */
function boundaries(schedule: Schedule): number[] {
  const out = new Set<number>([0]);
  for (const t of [schedule.quietHours, schedule.workingHours])
    if (t) out.add(minutes(t.start)).add(minutes(t.end));
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
    const m = wallClock(schedule.timeZone, t).minute;
    const k = Math.min(...marks.map((b) => (b - m + 1440) % 1440 || 1440));
    let next = t + k * MINUTE;
    if (wallClock(schedule.timeZone, next).minute !== (m + k) % 1440) next = t + MINUTE;
    t = next;
    if (isOnDuty(schedule, t)) return t;
  }
  return null;
}
