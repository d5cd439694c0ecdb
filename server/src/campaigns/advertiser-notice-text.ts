/**
 * The words of advertiser notices: which booking, and what an outage costs in plays. The
 * figure is the booking's contracted plays spread evenly over its booked hours and screens
 * when it has a contract, else the screen's own recent rate for the campaign; with neither, no
 * figure is given rather than a guess.
 */
import { localTime, type Booking, type Daypart } from '../../../protocol';
import { bookingWindow, hourInfo } from './booking-time';
import { hourIsBooked } from './booking-screens';

const HOUR_MS = 3_600_000;
const DAY_NAMES = ['', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** [1,2,3,4,5] → "Mon–Fri"; [1,3] → "Mon, Wed". */
export function describeDays(days: number[]): string {
  const sorted = [...new Set(days)].sort((a, b) => a - b);
  const runs: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    const a = DAY_NAMES[sorted[i]!]!;
    const b = DAY_NAMES[sorted[j]!]!;
    runs.push(j === i ? a : j === i + 1 ? `${a}, ${b}` : `${a}–${b}`);
    i = j + 1;
  }
  return runs.join(', ');
}

const daypart = (d: Daypart) => `${describeDays(d.days)} ${d.start}–${d.end}`;

/** "2026-03-01 to 2026-03-31, Mon–Fri 07:00–10:00, Europe/Berlin". */
export function describeBooking(b: Booking): string {
  const dates = b.startsOn === b.endsOn ? b.startsOn : `${b.startsOn} to ${b.endsOn}`;
  const parts = b.dayparts.length ? b.dayparts.map(daypart).join('; ') : 'all day';
  return `${dates}, ${parts}, ${b.timeZone}`;
}

const bookedHoursMemo = new Map<string, number>();

/** Booked hours of a booking (dates ∩ dayparts), counted once per booking version. */
export function bookedHours(b: Booking): number {
  const key = `${b.id}:${b.updatedAt}`;
  const known = bookedHoursMemo.get(key);
  if (known !== undefined) return known;
  const [from, to] = bookingWindow(b);
  const info = hourInfo(b.timeZone);
  let n = 0;
  for (let h = from; h < to; h += HOUR_MS) if (hourIsBooked(b, info(h))) n++;
  if (bookedHoursMemo.size > 1000) bookedHoursMemo.clear();
  bookedHoursMemo.set(key, n);
  return n;
}

/** Plays per booked hour on one screen, or null when there is nothing honest to say. */
export function playsPerHour(
  b: Booking,
  bookedScreenCount: number,
  recentHourly: number[],
): { perHour: number; source: 'contract' | 'recent' } | null {
  if (b.contractedPlays && bookedScreenCount > 0) {
    const hours = bookedHours(b);
    if (hours > 0)
      return { perHour: b.contractedPlays / (hours * bookedScreenCount), source: 'contract' };
  }
  if (recentHourly.length) {
    const sum = recentHourly.reduce((a, x) => a + x, 0);
    return { perHour: sum / recentHourly.length, source: 'recent' };
  }
  return null;
}

const round = (x: number) => (x >= 10 ? Math.round(x) : Math.round(x * 10) / 10);

function impact(rate: ReturnType<typeof playsPerHour>): string {
  if (!rate) return 'there is no contract or recent play rate to say how many plays this costs.';
  const n = round(rate.perHour);
  const why =
    rate.source === 'contract' ? 'by the contracted plays' : 'at its recent rate on this screen';
  return `about ${n} ${n === 1 ? 'play' : 'plays'} per booked hour are not being delivered (${why}).`;
}

const stateWord = (state: string) => (state === 'lost' ? 'offline (connection lost)' : state);

const clockIn = (ts: number, timeZone: string) => {
  const l = localTime(ts, timeZone);
  return `${l.date} ${String(l.hour).padStart(2, '0')}:${String(l.minute).padStart(2, '0')}`;
};

export function downNotice(p: {
  screenName: string;
  state: string;
  campaignName: string;
  booking: Booking;
  since: number;
  rate: ReturnType<typeof playsPerHour>;
}): { title: string; body: string } {
  return {
    title: `${p.screenName} is offline during "${p.campaignName}"`,
    body:
      `${p.screenName} is ${stateWord(p.state)} during your booking "${p.campaignName}" ` +
      `(${describeBooking(p.booking)}) since ${clockIn(p.since, p.booking.timeZone)}; ` +
      impact(p.rate),
  };
}

export function backNotice(p: {
  screenName: string;
  campaignName: string;
  booking: Booking;
  since: number;
  backAt: number;
}): { title: string; body: string } {
  const minutes = Math.max(1, Math.round((p.backAt - p.since) / 60_000));
  return {
    title: `${p.screenName} is back on air for "${p.campaignName}"`,
    body:
      `${p.screenName} is back on air for your booking "${p.campaignName}" ` +
      `(${describeBooking(p.booking)}) since ${clockIn(p.backAt, p.booking.timeZone)}, ` +
      `after about ${minutes} min off the air.`,
  };
}
