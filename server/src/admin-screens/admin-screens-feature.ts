/** The screens administration room: its routes, handed the fleet and the broker by app.ts. */
import type { Feature, ServerContext } from '../context';
import type { DeviceSessions } from '../broker/device-sessions';
import type { FleetState } from '../fleet/fleet-state';
import { adminScreensRoutes } from './admin-screens-routes';
import { deviceBrokerUrl } from './provisioning';

export function createAdminScreensFeature(
  ctx: ServerContext,
  deps: { fleet: FleetState; sessions: DeviceSessions; mqttUrl: string },
): Feature {
  let serviceUsername: string | undefined;
  try {
    serviceUsername = ctx.config.mqttUrl
      ? decodeURIComponent(new URL(ctx.config.mqttUrl).username) || undefined
      : undefined;
  } catch {
    serviceUsername = undefined;
  }
  return {
    name: 'admin-screens',
    registerRoutes(router) {
      router.use(
        adminScreensRoutes({
          knex: ctx.knex,
          fleet: deps.fleet,
          sessions: deps.sessions,
          brokerUrl: deviceBrokerUrl(deps.mqttUrl, ctx.config.deviceBrokerUrl),
          publicUrl: ctx.config.publicUrl,
          serviceUsername,
        }),
      );
    },
  };
}
