/**
 * People and who sees what, as one server feature: the admin routes (admin-users-routes.ts)
 * and "last seen" kept by the connection hooks. Other features reach the grants through
 * `visibleScreens` (app.ts hands it to the fleet as `advertiserScreens`).
 *
 * Decision: people are not in the change log. The directory is admin-only, small, and half of
 * what the People view shows (who is connected now, last seen) changes with every connection,
 * which the log does not record; the open People view asks again every few seconds instead
 * (desktop/src/renderer/src/features/admin-users/README.md).
 */
import type { Feature, ServerContext } from '../context';
import type { SessionSignals } from '../auth/session-signals';
import { adminUsersRoutes } from './admin-users-routes';
import { grantedScreens } from './grants-repo';
import type { PresenceSource } from './people';

export interface AdminUsersFeature extends Feature {
  /** Screens an advertiser may see: grants ∪ conversations about screens ∪ bookings. */
  visibleScreens(userId: string): Promise<Set<string>>;
}

export function createAdminUsersFeature(
  ctx: ServerContext,
  deps: {
    signals: SessionSignals;
    presence: PresenceSource;
    conversationScreens(userId: string): Promise<Set<string>>;
    /** Screens the advertiser's organization booked (campaigns feature). */
    bookedScreens?(userId: string): Promise<Set<string>>;
    accessChanged(userIds: string[]): Promise<void>;
  },
): AdminUsersFeature {
  const { knex, log } = ctx;
  const seen = (userId: string) => {
    knex('users')
      .where({ id: userId })
      .update({ last_seen_at: Date.now() })
      .catch((err: unknown) => log.warn({ err }, 'could not record last seen'));
  };
  return {
    name: 'admin-users',
    async visibleScreens(userId) {
      const [granted, talked, booked] = await Promise.all([
        grantedScreens(knex, userId),
        deps.conversationScreens(userId),
        deps.bookedScreens?.(userId) ?? new Set<string>(),
      ]);
      for (const id of talked) granted.add(id);
      for (const id of booked) granted.add(id);
      return granted;
    },
    registerRoutes(router) {
      router.use(
        adminUsersRoutes({
          knex,
          signals: deps.signals,
          presence: deps.presence,
          accessChanged: deps.accessChanged,
        }),
      );
    },
    onConnect: (socket) => seen(socket.data.user.id),
    onDisconnect: (socket) => seen(socket.data.user.id),
  };
}
