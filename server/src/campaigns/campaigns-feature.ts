/**
 * Campaigns as one server feature (issue 12): organizations, campaigns and bookings
 * (campaigns-routes.ts), proof of play and the delivery report (below), and the screens an
 * advertiser may see because their organization booked them (`advertiserScreens`, added to the
 * union admin-users computes; app.ts wires it). REST live-only, not in the change log
 * (README.md says why).
 */
import { Router } from 'express';
import type { NotificationService } from '../chat/notifications';
import { DeliveryQuery, ProofOfPlayQuery, describeZodError } from '../../../protocol';
import type { Feature, ServerContext } from '../context';
import { AppError } from '../errors';
import { route, userOf } from '../http/middleware';
import { AdvertiserNotices } from './advertiser-notices';
import { bookedScreensOf, type ScreenLite } from './booking-screens';
import { deliveryCsv, proofOfPlayCsv, sendCsv } from './campaign-csv';
import { campaignFor, campaignRoutes, isStaff } from './campaigns-routes';
import * as repo from './campaigns-repo';
import { buildDeliveryReport } from './delivery';
import { queryProofOfPlay } from './pop-query';

export interface CampaignsFeature extends Feature {
  /** Screens the advertiser's organization has booked (active bookings). */
  advertiserScreens(userId: string): Promise<Set<string>>;
  /** Outage notices to advertisers (advertiser-notices.ts); app.ts hands it state changes. */
  notices: AdvertiserNotices;
  /** The time the notices read (booked hours, quiet hours, the flap window); tests move it. */
  clock: { now(): number };
  /**
   * A screen was created, retagged, retired or restored: a booking on a tag may now cover it or
   * no longer. The advertisers with bookings are looked at again, once per burst (a CSV import
   * is hundreds of changes).
   */
  screensChanged(): void;
}

const SCREENS_CHANGED_DEBOUNCE_MS = 200;

export function createCampaignsFeature(
  ctx: ServerContext,
  deps: {
    /** The registered screens in service (fleet state). */
    screens(): ScreenLite[];
    accessChanged(userIds: string[]): Promise<void>;
    notifications: Pick<NotificationService, 'deliver'>;
  },
): CampaignsFeature {
  const { knex } = ctx;
  const clock = { now: () => Date.now() };
  const notices = new AdvertiserNotices({
    knex,
    log: ctx.log,
    clock: { now: () => clock.now() },
    screens: deps.screens,
    notifications: deps.notifications,
  });
  // Every booking change passes here (campaigns-routes.ts), so the notices read bookings again.
  const accessChanged = (userIds: string[]) => {
    notices.bookingsChanged();
    return deps.accessChanged(userIds);
  };
  const day = (ts: number) => new Date(ts).toISOString().slice(0, 10);

  const reportRoutes = Router();
  reportRoutes.get(
    '/proof-of-play',
    route(async (req, res) => {
      const user = userOf(res);
      const parsed = ProofOfPlayQuery.safeParse(req.query);
      if (!parsed.success) throw new AppError('bad_request', describeZodError(parsed.error));
      const q = parsed.data;
      let campaignIds: string[] | null = q.campaignId ? [q.campaignId] : null;
      if (!isStaff(user)) {
        // An advertiser reads their organization's campaigns only.
        if (q.campaignId) await campaignFor(knex, user, q.campaignId);
        else {
          const org = await repo.organizationOfUser(knex, user.id);
          campaignIds = org ? (await repo.listCampaigns(knex, org)).map((c) => c.id) : [];
        }
      }
      let screenIds: string[] | null = null;
      if (q.tag)
        screenIds = deps
          .screens()
          .filter((s) => s.tags.includes(q.tag!))
          .map((s) => s.id);
      if (q.screenId)
        screenIds = screenIds ? screenIds.filter((id) => id === q.screenId) : [q.screenId];
      const list = await queryProofOfPlay(knex, {
        campaignIds,
        screenIds,
        from: q.from,
        to: q.to,
        limit: q.limit,
      });
      if (q.format === 'csv') {
        const scope = q.campaignId ?? q.screenId ?? q.tag ?? 'all';
        return sendCsv(res, `marquee-proof-of-play-${scope}.csv`, proofOfPlayCsv(list));
      }
      res.json(list);
    }),
  );
  reportRoutes.get(
    '/campaigns/:id/delivery',
    route(async (req, res) => {
      const campaign = await campaignFor(knex, userOf(res), String(req.params.id));
      const parsed = DeliveryQuery.safeParse(req.query);
      if (!parsed.success) throw new AppError('bad_request', describeZodError(parsed.error));
      const report = await buildDeliveryReport(knex, {
        campaign,
        bookings: await repo.bookingsOf(knex, [campaign.id]),
        screens: deps.screens(),
        from: parsed.data.from,
        to: parsed.data.to,
      });
      if (parsed.data.format === 'csv')
        return sendCsv(
          res,
          `marquee-delivery-${campaign.id}-${day(report.from)}-to-${day(report.to)}.csv`,
          deliveryCsv(report),
        );
      res.json(report);
    }),
  );

  let screensChangedTimer: NodeJS.Timeout | null = null;
  const screensChanged = () => {
    if (screensChangedTimer) return;
    screensChangedTimer = setTimeout(() => {
      screensChangedTimer = null;
      repo
        .advertisersWithBookings(knex)
        .then((users) => (users.length ? accessChanged(users) : undefined))
        .catch((err: unknown) => ctx.log.error({ err }, 'booked screens refresh failed'));
    }, SCREENS_CHANGED_DEBOUNCE_MS);
  };

  return {
    name: 'campaigns',
    notices,
    clock,
    screensChanged,
    async advertiserScreens(userId) {
      const org = await repo.organizationOfUser(knex, userId);
      if (!org) return new Set();
      return bookedScreensOf(await repo.activeBookingsOfOrganization(knex, org), deps.screens());
    },
    registerRoutes(router) {
      router.use(campaignRoutes({ knex, screens: deps.screens, accessChanged }));
      router.use(reportRoutes);
    },
    async start() {
      // The live index (fleet/advertiser-live.ts) loads grants and conversations itself; the
      // advertisers with bookings are refreshed through the same seam a booking change uses.
      const users = await repo.advertisersWithBookings(knex);
      if (users.length) await deps.accessChanged(users);
      // Notices held for quiet hours, and outages whose "back" came due while we were down.
      await notices.start();
    },
    stop: () => {
      if (screensChangedTimer) clearTimeout(screensChangedTimer);
      screensChangedTimer = null;
      return notices.stop();
    },
  };
}
