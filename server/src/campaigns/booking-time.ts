/**
 * Local time for bookings: dates and dayparts are in the booking's IANA time zone. Figures are
 * counted per UTC hour (the roll-up's bucket), so a zone must sit a whole number of hours from
 * UTC for an hour to be wholly inside or outside a daypart (checked when a booking is saved).
 */
import { localTime, type LocalTime } from '../../../protocol';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Local wall time minus UTC at `ts`, in ms. */
function offsetAt(ts: number, timeZone: string): number {
  const l = localTime(ts, timeZone);
  const wall = Date.parse(
    `${l.date}T${String(l.hour).padStart(2, '0')}:${String(l.minute).padStart(2, '0')}:00Z`,
  );
  return wall - Math.floor(ts / 60_000) * 60_000;
}

/** The instant local midnight starts `date` (YYYY-MM-DD) in the zone. */
export function localMidnight(date: string, timeZone: string): number {
  const guess = Date.parse(`${date}T00:00:00Z`);
  let t = guess - offsetAt(guess, timeZone);
  const again = guess - offsetAt(t, timeZone);
  if (again !== t) t = again;
  return t;
}

/** [start, end) of a booking's dates: local midnight of startsOn to the midnight after endsOn. */
export function bookingWindow(b: {
  startsOn: string;
  endsOn: string;
  timeZone: string;
}): [number, number] {
  const after = new Date(Date.parse(`${b.endsOn}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
  return [localMidnight(b.startsOn, b.timeZone), localMidnight(after, b.timeZone)];
}

/** True when the zone is a whole number of hours from UTC throughout [from, to). */
export function wholeHourZone(timeZone: string, from: number, to: number): boolean {
  for (let t = from; t <= to; t += 7 * DAY_MS)
    if (offsetAt(t, timeZone) % HOUR_MS !== 0) return false;
  return offsetAt(to, timeZone) % HOUR_MS === 0;
}

/** Local info per UTC hour, memoised for one report (a 30-day report has 720 distinct hours). */
export function hourInfo(timeZone: string): (hour: number) => LocalTime {
  const memo = new Map<number, LocalTime>();
  return (hour) => {
    let v = memo.get(hour);
    if (!v) memo.set(hour, (v = localTime(hour, timeZone)));
    return v;
  };
}
