/**
 * Notices to advertisers about their booked screens (issue 12): a booked screen that goes lost
 * or offline in a booked hour tells the campaign organization's advertisers once per outage;
 * its return tells them again once it has stayed back for the flap window. Quiet hours (the
 * alerting schedule) hold a notice until they end. Every notice is a row keyed
 * `bookingId:screenId:outageStart:down|back` per recipient, and its console notification is
 * written in the same transaction, so a restart, a replayed state or two nodes never double
 * one and a held one is not lost. README.md beside this file has the decisions.
 */
import type { Knex } from 'knex';
import { localTime, type Screen } from '../../../protocol';
import { isOnDuty, nextOnDuty } from '../alerting/schedule';
import {
  insertNotifications,
  type Delivered,
  type NotificationService,
} from '../chat/notifications';
import type { Logger } from '../log';
import { reserveRevisions } from '../db/revisions';
import { bookedScreenIds, hourIsBooked, type ScreenLite } from './booking-screens';
import { backNotice, downNotice, playsPerHour } from './advertiser-notice-text';
import * as repo from './advertiser-notices-repo';

const HOUR_MS = 3_600_000;
/** A screen back for less than this that drops again is the same outage (one notice). */
export const FLAP_WINDOW_MS = 10 * 60_000;
const SWEEP_MS = 30_000;
const BOOKINGS_TTL_MS = 10_000;
/** Someone whose schedule never puts them on duty within a week still hears, a day later. */
const NEVER_ON_DUTY_RETRY_MS = 24 * HOUR_MS;

const isDown = (state: string) => state === 'lost' || state === 'offline';

export interface AdvertiserNoticesDeps {
  knex: Knex;
  log: Logger;
  clock: { now(): number };
  screens(): (ScreenLite & { state?: string })[];
  notifications: Pick<NotificationService, 'deliver'>;
  flapWindowMs?: number;
  sweepMs?: number;
}

export class AdvertiserNotices {
  private bookings: { list: repo.ActiveBooking[]; at: number } | null = null;
  /** One change at a time on this node: a flap's down/up/down are handled in order. */
  private chain: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  private readonly flapWindowMs: number;

  constructor(private readonly deps: AdvertiserNoticesDeps) {
    this.flapWindowMs = deps.flapWindowMs ?? FLAP_WINDOW_MS;
  }

  /** A booking was created, edited or cancelled: read them again on the next change. */
  bookingsChanged(): void {
    this.bookings = null;
  }

  /** app.ts calls this for every screen state change (never throws; errors are logged). */
  onStateChanged(screen: Screen, previous: string): void {
    const at = this.deps.clock.now();
    void this.enqueue(() => this.handleChange(screen, previous, at));
  }

  /** Plans what became due: held notices, "down" at a daypart's start, "back" after the window. */
  sweep(): Promise<void> {
    return this.enqueue(() => this.runSweep(this.deps.clock.now()));
  }

  /** Settle in-flight work (tests and shutdown). */
  idle(): Promise<void> {
    return this.chain;
  }

  async start(): Promise<void> {
    await this.sweep();
    this.timer = setInterval(() => void this.sweep(), this.deps.sweepMs ?? SWEEP_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.chain;
  }

  private enqueue(job: () => Promise<void>): Promise<void> {
    this.chain = this.chain
      .then(job)
      .catch((err: unknown) => this.deps.log.error({ err }, 'advertiser notices failed'));
    return this.chain;
  }

  private async activeBookings(now: number): Promise<repo.ActiveBooking[]> {
    if (!this.bookings || now - this.bookings.at > BOOKINGS_TTL_MS || now < this.bookings.at)
      this.bookings = { list: await repo.activeBookings(this.deps.knex), at: now };
    return this.bookings.list;
  }

  /** Active bookings that cover the screen at all (any date), with how many screens each has. */
  private async bookingsOn(screenId: string, now: number) {
    const screens = this.deps.screens();
    const out: (repo.ActiveBooking & { screenCount: number })[] = [];
    for (const b of await this.activeBookings(now)) {
      const ids = bookedScreenIds(b.booking, screens);
      if (ids.has(screenId)) out.push({ ...b, screenCount: ids.size });
    }
    return out;
  }

  private async handleChange(screen: Screen, previous: string, now: number): Promise<void> {
    const { knex } = this.deps;
    if (isDown(screen.state)) {
      // Screens nobody booked are answered from the cached bookings, without a write.
      if ((await this.bookingsOn(screen.id, now)).length === 0) return;
      let outage = await repo.openOutage(knex, screen.id);
      if (outage && outage.ended_at !== null && now - outage.ended_at > this.flapWindowMs) {
        // Back long enough: that outage is over (its "back" is planned), this is a new one.
        await this.closeOutage(outage, now);
        outage = null;
      }
      if (!outage) {
        outage = {
          screen_id: screen.id,
          started_at: now,
          ended_at: null,
          status: 'open',
          state: screen.state,
        };
        await repo.insertOutage(knex, outage);
      } else if (outage.ended_at !== null || outage.state !== screen.state) {
        // A flap (or lost → offline): the same outage goes on.
        await repo.updateOutage(knex, outage, { ended_at: null, state: screen.state });
        outage = { ...outage, ended_at: null, state: screen.state };
      }
      await this.planDown(outage, screen.name, now);
    } else if (screen.state === 'online' && isDown(previous)) {
      const outage = await repo.openOutage(knex, screen.id);
      if (outage && outage.ended_at === null)
        await repo.updateOutage(knex, outage, { ended_at: now });
    }
  }

  /** "Down" notices for every booking of the screen whose booked hours include now. */
  private async planDown(outage: repo.OutageRow, screenName: string, now: number) {
    for (const b of await this.bookingsOn(outage.screen_id, now)) {
      if (!hourIsBooked(b.booking, localTime(now, b.booking.timeZone))) continue;
      const recent = b.booking.contractedPlays
        ? []
        : await repo.recentHourlyPlays(
            this.deps.knex,
            b.booking.campaignId,
            outage.screen_id,
            outage.started_at - 24 * HOUR_MS,
            outage.started_at,
          );
      const words = downNotice({
        screenName,
        state: outage.state,
        campaignName: b.campaignName,
        booking: b.booking,
        since: outage.started_at,
        rate: playsPerHour(b.booking, b.screenCount, recent),
      });
      const users = await repo.advertisersOf(this.deps.knex, b.organizationId);
      await this.plan(users, outage, b.booking.id, 'down', words, now);
    }
  }

  /** The outage is over: everyone told it was down (and not still asleep) is told it is back. */
  private async closeOutage(outage: repo.OutageRow, now: number): Promise<void> {
    const { knex } = this.deps;
    const backAt = outage.ended_at ?? now;
    const downs = await repo.downNoticesOf(knex, outage);
    const screen = this.deps.screens().find((s) => s.id === outage.screen_id);
    const bookings = new Map(
      (await repo.activeBookings(knex)).map((b) => [b.booking.id, b] as const),
    );
    for (const d of downs) {
      if (d.status === 'held') {
        // Came and went while they slept: neither the "down" nor the "back" is sent.
        await repo.skipHeld(knex, d);
        continue;
      }
      if (d.status !== 'delivered') continue;
      const b = bookings.get(d.booking_id);
      if (!b) continue; // cancelled since: the advertiser no longer follows this screen
      const words = backNotice({
        screenName: screen?.name ?? outage.screen_id,
        campaignName: b.campaignName,
        booking: b.booking,
        since: outage.started_at,
        backAt,
      });
      await this.plan([d.user_id], outage, d.booking_id, 'back', words, now);
    }
    await repo.updateOutage(knex, outage, { status: 'closed' });
  }

  private async runSweep(now: number): Promise<void> {
    const { knex } = this.deps;
    const screens = new Map(this.deps.screens().map((s) => [s.id, s] as const));
    for (let o of await repo.openOutages(knex)) {
      if (o.ended_at === null && screens.get(o.screen_id)?.state === 'online') {
        // Came back while no node heard it (a restart in between): back from now.
        await repo.updateOutage(knex, o, { ended_at: now });
        o = { ...o, ended_at: now };
      }
      if (o.ended_at === null) {
        // Still down: a daypart that began since the screen went down is told now.
        await this.planDown(o, screens.get(o.screen_id)?.name ?? o.screen_id, now);
      } else if (now - o.ended_at >= this.flapWindowMs) await this.closeOutage(o, now);
    }
    for (const n of await repo.dueHeldNotices(knex, now)) await this.deliverHeld(n, now);
  }

  /**
   * One notice per recipient: stored under its key (a second planning stores nothing), and
   * delivered in the same transaction when the person is on duty, else held until they are.
   */
  private async plan(
    userIds: string[],
    outage: repo.OutageRow,
    bookingId: string,
    kind: repo.NoticeKind,
    words: { title: string; body: string },
    now: number,
  ): Promise<void> {
    const key = `${bookingId}:${outage.screen_id}:${outage.started_at}:${kind}`;
    // A read first: the sweep plans still-down outages again every round, mostly for nothing.
    const planned = await repo.recipientsOf(this.deps.knex, key);
    for (const userId of userIds) {
      if (planned.has(userId)) continue;
      const schedule = await repo.scheduleOf(this.deps.knex, userId);
      const onDuty = isOnDuty(schedule, now);
      const row: repo.NoticeRow = {
        notice_key: key,
        user_id: userId,
        booking_id: bookingId,
        screen_id: outage.screen_id,
        outage_started_at: outage.started_at,
        kind,
        title: words.title,
        body: words.body,
        status: 'held',
        due_at: onDuty ? now : (nextOnDuty(schedule, now) ?? now + NEVER_ON_DUTY_RETRY_MS),
        notification_id: null,
        created_at: now,
        delivered_at: null,
      };
      await this.once(async (trx) => {
        if (!(await repo.insertNotice(trx, row))) return [];
        return onDuty ? this.notifyIn(trx, row, now) : [];
      });
    }
  }

  private async deliverHeld(n: repo.NoticeRow, now: number): Promise<void> {
    const schedule = await repo.scheduleOf(this.deps.knex, n.user_id);
    if (!isOnDuty(schedule, now)) {
      // Their hours changed while it waited: it waits on.
      const at = nextOnDuty(schedule, now) ?? now + NEVER_ON_DUTY_RETRY_MS;
      await repo.holdUntil(this.deps.knex, n, at);
      return;
    }
    await this.once((trx) => this.notifyIn(trx, n, now));
  }

  /** Runs a delivering transaction; emits what it stored after the commit. */
  private async once(work: (trx: Knex.Transaction) => Promise<Delivered[]>): Promise<void> {
    try {
      this.deps.notifications.deliver(await this.deps.knex.transaction(work));
    } catch (err) {
      if (!(err instanceof AlreadyDelivered)) throw err;
    }
  }

  /** The console notification and the notice's "delivered", in the caller's transaction. */
  private async notifyIn(trx: Knex.Transaction, n: repo.NoticeRow, now: number) {
    const rev = await reserveRevisions(trx, 1);
    const out = await insertNotifications(
      trx,
      rev,
      [n.user_id],
      {
        kind: 'screenStatus',
        title: n.title,
        body: n.body,
        ref: { type: 'screen', id: n.screen_id },
      },
      now,
    );
    if (!(await repo.markDelivered(trx, n, out[0]!.notification.id, now))) {
      // Delivered by another node meanwhile: roll this one back.
      throw new AlreadyDelivered();
    }
    return out;
  }
}

class AlreadyDelivered extends Error {}
