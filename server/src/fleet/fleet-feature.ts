/**
 * The fleet side of the server: the live state, the MQTT ingest, the status writer that
 * stamps, stores and broadcasts screen changes, the registry routes and the screens' share
 * of `sync`.
 */
import type { Screen, ScreenTelemetryPatch, User } from '../../../protocol';
import type { Feature, ServerContext } from '../context';
import type { DeviceSessions } from '../broker/device-sessions';
import { KnexBatchStore, SqliteBatchStore } from './batch-store';
import { FleetState } from './fleet-state';
import { fleetRoutes } from './fleet-routes';
import { Ingest, type IngestHandlers } from './ingest';
import { rowToScreen, type ScreenRow } from './screen-rows';
import { loadAllScreens, screensInWindow } from './screens-repo';
import { SlowConsoles, BEHIND_ROOM } from './slow-consoles';
import { StatusWriter } from './status-writer';
import { ADVERTISER_LIVE_ROOM, AdvertiserLive } from './advertiser-live';

export const FLEET_ROOM = 'fleet';

/** Operators and admins watch the whole fleet; advertisers only what is theirs. */
export const watchesWholeFleet = (user: Pick<User, 'role'>): boolean =>
  user.role === 'admin' || user.role === 'operator';

export interface FleetFeature extends Feature {
  state: FleetState;
  ingest: Ingest;
  writer: StatusWriter;
  /** Tell the fleet that these users' screen access may have changed (chat calls it). */
  accessChanged(userIds: Iterable<string>): Promise<void>;
  advertisers: AdvertiserLive;
}

/** The server's own login on an external broker: no screen may take it as its id. */
function mqttUsername(mqttUrl: string | undefined): string | undefined {
  if (!mqttUrl) return undefined;
  try {
    return decodeURIComponent(new URL(mqttUrl).username) || undefined;
  } catch {
    return undefined;
  }
}

export async function createFleetFeature(
  ctx: ServerContext,
  opts: {
    handlers?: IngestHandlers;
    /** Screens an advertiser may see (those their conversations are about). */
    advertiserScreens?: (userId: string) => Promise<Set<string>>;
    /** Ends a device's live MQTT session when its credentials are rotated or it is retired. */
    deviceSessions?: DeviceSessions;
  } = {},
): Promise<FleetFeature> {
  const state = new FleetState();
  const slow = new SlowConsoles(ctx.io, [FLEET_ROOM, ADVERTISER_LIVE_ROOM]);
  state.load(await loadAllScreens(ctx.knex));
  const advertiserScreens = opts.advertiserScreens ?? (() => Promise.resolve(new Set<string>()));
  const advertisers = new AdvertiserLive({
    knex: ctx.knex,
    io: ctx.io,
    log: ctx.log,
    screensOf: advertiserScreens,
    acrossNodes: !!ctx.config.redisUrl,
  });
  await advertisers.load();
  const ingest = new Ingest(state, ctx.metrics, ctx.log, opts.handlers);
  const writer = new StatusWriter({
    store: ctx.isPostgres ? new KnexBatchStore(ctx.knex) : new SqliteBatchStore(ctx.knex),
    fleet: state,
    tickMs: ctx.config.statusTickMs,
    log: ctx.log,
    metrics: ctx.metrics,
    broadcast: (cursor, written, full) => {
      let oldest = Date.now();
      const screens: Screen[] = [];
      const patches: ScreenTelemetryPatch[] = [];
      written.forEach((s, i) => {
        oldest = Math.min(oldest, s.telemetry?.ts ?? s.stateSince ?? oldest);
        if (full[i]) screens.push(s);
        else
          patches.push({
            id: s.id,
            rev: s.rev,
            baseRev: state.baseRevOf(s.id),
            lastSeen: s.lastSeen,
            telemetry: s.telemetry,
          });
      });
      ctx.metrics.fanoutLagMs.observe(Math.max(0, Date.now() - oldest));
      slow.update();
      ctx.io
        .to(FLEET_ROOM)
        .except(BEHIND_ROOM)
        .emit('billboardStatusUpdate', { cursor, screens, patches });
      advertisers.broadcast(cursor, screens, patches);
    },
  });
  const canSee = async (userId: string, role: string, screenId: string) =>
    watchesWholeFleet({ role: role as User['role'] }) ||
    (await advertiserScreens(userId)).has(screenId);

  ctx.metrics.gauge('marquee_screens_registered', 'Screens known to this node', () => state.size);
  ctx.metrics.gauge(
    'marquee_screens_online',
    'Screens whose agent is online',
    () => state.countByState().online,
  );
  ctx.metrics.gauge(
    'marquee_consoles_behind',
    'Consoles skipped by live batches until they drain',
    () => slow.count,
  );
  ctx.metrics.gauge(
    'marquee_status_pending',
    'Screens changed and not yet written',
    () => state.pendingCount,
  );

  return {
    name: 'fleet',
    state,
    ingest,
    writer,
    accessChanged: (userIds) => advertisers.refresh(userIds),
    advertisers,
    registerRoutes(router) {
      router.use(
        fleetRoutes(
          ctx.knex,
          state,
          canSee,
          async (userId, role) =>
            watchesWholeFleet({ role: role as User['role'] }) ? 'all' : advertiserScreens(userId),
          { sessions: opts.deviceSessions, serviceUsername: mqttUsername(ctx.config.mqttUrl) },
        ),
      );
    },
    async sync(user, from, to) {
      if (watchesWholeFleet(user)) {
        const screens: Screen[] = await screensInWindow(ctx.knex, from, to);
        return { screens };
      }
      // An advertiser's screens are all of theirs up to `to`, not only those changed in the
      // window: a screen becomes theirs when a conversation about it is created, usually long
      // after its last change, and a window-only answer would never carry it ("No screen with
      // id … is known"). They see a handful of screens, so sending them again is cheap.
      const mine = await advertiserScreens(user.id);
      if (mine.size === 0) return { screens: [], visibleScreenIds: [] };
      const rows = await ctx
        .knex<ScreenRow>('screens')
        .whereIn('id', [...mine])
        .andWhere('rev', '<=', to);
      return { screens: rows.map(rowToScreen), visibleScreenIds: [...mine] };
    },
    onConnect(socket) {
      if (watchesWholeFleet(socket.data.user)) void socket.join(FLEET_ROOM);
      else void socket.join(ADVERTISER_LIVE_ROOM);
    },
    start() {
      writer.start();
    },
    async stop() {
      await writer.stop();
    },
  };
}
