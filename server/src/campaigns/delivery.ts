/**
 * A campaign's delivery report: plays inside its bookings (dates, dayparts, booked screens)
 * against the contracted plays, per screen and per local day, the plays outside its bookings,
 * the first and last play, and the booked screens that missed: no play at all in the range, or
 * lost/offline during the booking's dates (screen_state_history).
 *
 * Reads the hourly roll-up (proof_of_play_hours), never the play rows, so a 30-day report on
 * 1,000 screens reads at most 720,000 small rows whatever the play rate; first/last play are two
 * index probes on (campaign_id, started_at). The range is widened to whole UTC hours.
 */
import type { Knex } from 'knex';
import type {
  Booking,
  Campaign,
  DeliveryMissedScreen,
  DeliveryOutage,
  DeliveryReport,
  DeliveryScreen,
} from '../../../protocol';
import { statesAt, transitionsIn, SCREEN_CHUNK } from '../reports/uptime-repo';
import { bookedScreenIds, hourIsBooked, type ScreenLite } from './booking-screens';
import { bookingWindow, hourInfo } from './booking-time';
import { HOUR_MS } from './pop-store';

const OUT_STATES = new Set(['offline', 'lost']);

/** The default range: the bookings' first day to their last (cut to now). */
export function defaultRange(bookings: Booking[], now = Date.now()): [number, number] {
  if (bookings.length === 0) return [now - 24 * HOUR_MS, now];
  const windows = bookings.map(bookingWindow);
  const from = Math.min(...windows.map((w) => w[0]));
  const to = Math.max(...windows.map((w) => w[1]));
  return [from, Math.max(from + HOUR_MS, Math.min(to, now))];
}

async function firstLast(knex: Knex, campaignId: string, from: number, to: number) {
  const base = () =>
    knex('proof_of_play')
      .where('campaign_id', campaignId)
      .andWhere('started_at', '>=', from)
      .andWhere('started_at', '<', to);
  const [first, last] = (await Promise.all([
    base().orderBy('started_at', 'asc').first('started_at'),
    base().orderBy('started_at', 'desc').first('started_at'),
  ])) as ({ started_at: number | string } | undefined)[];
  return {
    firstPlayAt: first ? Number(first.started_at) : null,
    lastPlayAt: last ? Number(last.started_at) : null,
  };
}

/** Lost/offline stretches of each screen inside [from, to). */
async function outagesOf(
  knex: Knex,
  screenIds: string[],
  from: number,
  to: number,
): Promise<Map<string, DeliveryOutage[]>> {
  const out = new Map<string, DeliveryOutage[]>();
  for (let i = 0; i < screenIds.length; i += SCREEN_CHUNK) {
    const chunk = screenIds.slice(i, i + SCREEN_CHUNK);
    const [initial, moves] = await Promise.all([
      statesAt(knex, chunk, from),
      transitionsIn(knex, chunk, from, to),
    ]);
    for (const id of chunk) {
      const list: DeliveryOutage[] = [];
      let open: DeliveryOutage | null = null;
      const step = (state: string, ts: number) => {
        if (OUT_STATES.has(state)) {
          if (open && open.state === state) return;
          if (open) open.to = ts;
          open = { state: state as DeliveryOutage['state'], from: ts, to: null };
          list.push(open);
        } else if (open) {
          open.to = ts;
          open = null;
        }
      };
      const start = initial.get(id);
      if (start) step(start, from);
      for (const t of moves.get(id) ?? []) step(t.state, t.ts);
      if (list.length) out.set(id, list);
    }
  }
  return out;
}

export async function buildDeliveryReport(
  knex: Knex,
  input: {
    campaign: Campaign;
    bookings: Booking[];
    screens: ScreenLite[];
    from?: number;
    to?: number;
    now?: number;
  },
): Promise<DeliveryReport> {
  const now = input.now ?? Date.now();
  const bookings = input.bookings.filter((b) => b.status === 'active');
  const [defFrom, defTo] = defaultRange(bookings, now);
  const from = Math.floor((input.from ?? defFrom) / HOUR_MS) * HOUR_MS;
  const to = Math.ceil((input.to ?? defTo) / HOUR_MS) * HOUR_MS;
  const timeZone = bookings[0]?.timeZone ?? 'UTC';
  const names = new Map(input.screens.map((s) => [s.id, s.name]));
  const booked = bookings.map((b) => ({
    b,
    screens: bookedScreenIds(b, input.screens),
    info: hourInfo(b.timeZone),
  }));
  const allBooked = new Set<string>();
  for (const x of booked) for (const id of x.screens) allBooked.add(id);
  const dayOf = hourInfo(timeZone);

  const rows = (await knex('proof_of_play_hours')
    .where('campaign_id', input.campaign.id)
    .andWhere('hour', '>=', from)
    .andWhere('hour', '<', to)
    .select('screen_id', 'hour', 'plays')) as {
    screen_id: string;
    hour: number | string;
    plays: number | string;
  }[];

  let delivered = 0;
  let outside = 0;
  const perScreen = new Map<string, Map<string, number>>();
  const perDay = new Map<string, number>();
  for (const r of rows) {
    const hour = Number(r.hour);
    const plays = Number(r.plays);
    const inBooking = booked.some(
      (x) => x.screens.has(r.screen_id) && hourIsBooked(x.b, x.info(hour)),
    );
    if (!inBooking) {
      outside += plays;
      continue;
    }
    delivered += plays;
    const date = dayOf(hour).date;
    let days = perScreen.get(r.screen_id);
    if (!days) perScreen.set(r.screen_id, (days = new Map()));
    days.set(date, (days.get(date) ?? 0) + plays);
    perDay.set(date, (perDay.get(date) ?? 0) + plays);
  }

  const screens: DeliveryScreen[] = [...allBooked].sort().map((id) => {
    const days = [...(perScreen.get(id) ?? new Map<string, number>())]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([date, plays]) => ({ date, plays }));
    return {
      screenId: id,
      name: names.get(id) ?? id,
      plays: days.reduce((n, d) => n + d.plays, 0),
      days,
    };
  });

  // Outages count inside the booking's dates, within the range, up to now.
  const until = Math.min(to, now);
  const windows = bookings.map(bookingWindow);
  const outFrom = Math.max(from, Math.min(...windows.map((w) => w[0]), until));
  const outages =
    until > outFrom ? await outagesOf(knex, [...allBooked], outFrom, until) : new Map();
  const inWindows = (o: DeliveryOutage) =>
    windows.some(([ws, we]) => o.from < we && (o.to ?? until) > ws);
  const missed: DeliveryMissedScreen[] = [];
  for (const s of screens) {
    const list = (outages.get(s.screenId) ?? []).filter(inWindows);
    if (s.plays === 0 || list.length)
      missed.push({
        screenId: s.screenId,
        name: s.name,
        plays: s.plays,
        reason: s.plays === 0 ? 'no_plays' : 'outage',
        outages: list,
      });
  }

  const contracts = bookings.map((b) => b.contractedPlays);
  const contractedPlays = contracts.some((c) => c !== null)
    ? contracts.reduce<number>((n, c) => n + (c ?? 0), 0)
    : null;
  return {
    campaign: input.campaign,
    from,
    to,
    timeZone,
    contractedPlays,
    deliveredPlays: delivered,
    outsideBookingPlays: outside,
    deliveredPct:
      contractedPlays === null || contractedPlays === 0
        ? null
        : Math.round((delivered / contractedPlays) * 1000) / 10,
    ...(await firstLast(knex, input.campaign.id, from, to)),
    screens,
    days: [...perDay]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([date, plays]) => ({ date, plays })),
    missed,
  };
}
