/**
 * Wall-clock time in an IANA time zone, for everything that keeps local hours: power schedules
 * (desired state, on the server and the agent), people's quiet and working hours (alerting),
 * bookings' dates and dayparts (campaigns). Times come from Intl, so daylight saving is the
 * zone database's business, not ours. One formatter per zone, made once: this runs per play
 * hour in delivery reports and per telemetry message for scheduled screens.
 */

/** True when the runtime knows the IANA zone (Intl throws a RangeError otherwise). */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export interface LocalTime {
  /** YYYY-MM-DD */
  date: string;
  /** 0–23 */
  hour: number;
  minute: number;
  /** hour × 60 + minute */
  minuteOfDay: number;
  /** ISO weekday: 1 Monday … 7 Sunday */
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const ISO_WEEKDAY: Record<string, number> = {
  Mon: 1,
  Tue: 2,
  Wed: 3,
  Thu: 4,
  Fri: 5,
  Sat: 6,
  Sun: 7,
};

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      weekday: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The wall clock at `ts` in `timeZone`. */
export function localTime(ts: number, timeZone: string): LocalTime {
  let year = '';
  let month = '';
  let day = '';
  let hour = 0;
  let minute = 0;
  let weekday = 1;
  for (const p of formatter(timeZone).formatToParts(ts)) {
    if (p.type === 'year') year = p.value;
    else if (p.type === 'month') month = p.value;
    else if (p.type === 'day') day = p.value;
    else if (p.type === 'hour') hour = Number(p.value) % 24;
    else if (p.type === 'minute') minute = Number(p.value);
    else if (p.type === 'weekday') weekday = ISO_WEEKDAY[p.value] ?? 1;
  }
  return {
    date: `${year}-${month}-${day}`,
    hour,
    minute,
    minuteOfDay: hour * 60 + minute,
    weekday,
  };
}

/** Minutes since midnight of an "HH:MM" time. */
export const minutesOf = (hhmm: string): number =>
  Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
