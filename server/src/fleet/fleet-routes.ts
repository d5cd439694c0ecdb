/** REST for the screen registry: list, read, create, edit, retire, credentials, history. */
import { Router } from 'express';
import type { Knex } from 'knex';
import {
  CreateScreenRequest,
  RESERVED_ID_MESSAGE,
  ScreenId,
  UpdateScreenRequest,
  type Screen,
} from '../../../protocol';
import { noDeviceSessions, type DeviceSessions } from '../broker/device-sessions';
import { recordAudit } from '../audit/audit-log';
import { AppError } from '../errors';
import { parseBody, requireRole, route, userOf } from '../http/middleware';
import type { FleetState } from './fleet-state';
import { createScreen, revokeCredentials, rotateCredentials, screenHistory } from './screens-repo';

const HISTORY_DEFAULT_MS = 24 * 3600_000;

export function fleetRoutes(
  knex: Knex,
  fleet: FleetState,
  canSee: (userId: string, role: string, screenId: string) => Promise<boolean>,
  /** The screens a user may see, computed once per request ('all' for operators and admins). */
  visibleIds: (userId: string, role: string) => Promise<Set<string> | 'all'>,
  devices: {
    sessions?: DeviceSessions;
    /** The server's login on an external broker (MQTT_URL), reserved like `marquee-server…`. */
    serviceUsername?: string;
  } = {},
): Router {
  const router = Router();
  const sessions = devices.sessions ?? noDeviceSessions;
  /**
   * The database change is made first and stands; when the broker cannot be told (dynamic
   * security unreachable), the caller hears it and can repeat by rotating the credentials.
   */
  const tellBroker = async (screenId: string, retry: string, call: () => Promise<void>) => {
    try {
      await call();
    } catch (err) {
      throw new AppError(
        'unavailable',
        `The change to screen "${screenId}" is saved, but the MQTT broker could not be updated (${(err as Error).message}). ${retry} once the broker is reachable.`,
      );
    }
  };
  const ROTATE_AGAIN = "Issue new credentials (rotate the screen's credentials)";
  const screenOr404 = async (id: string, userId: string, role: string): Promise<Screen> => {
    const screen = ScreenId.safeParse(id).success ? fleet.get(id) : undefined;
    if (!screen || !(await canSee(userId, role, id)))
      throw new AppError('not_found', `no screen "${id}"`);
    return screen;
  };

  router.get(
    '/screens',
    route(async (_req, res) => {
      const user = userOf(res);
      const mine = await visibleIds(user.id, user.role);
      res.json({
        screens: mine === 'all' ? fleet.all() : fleet.all().filter((s) => mine.has(s.id)),
      });
    }),
  );

  router.get(
    '/screens/:id',
    route(async (req, res) => {
      const user = userOf(res);
      res.json({ screen: await screenOr404(String(req.params.id), user.id, user.role) });
    }),
  );

  router.get(
    '/screens/:id/history',
    route(async (req, res) => {
      const user = userOf(res);
      const screen = await screenOr404(String(req.params.id), user.id, user.role);
      const since = Number(req.query.since ?? Date.now() - HISTORY_DEFAULT_MS);
      if (!Number.isFinite(since))
        throw new AppError('bad_request', 'since must be a ms timestamp');
      res.json(await screenHistory(knex, screen.id, since));
    }),
  );

  router.post(
    '/screens',
    requireRole('admin'),
    route(async (req, res) => {
      const body = parseBody(CreateScreenRequest, req.body);
      if (body.id !== undefined && body.id === devices.serviceUsername)
        throw new AppError('bad_request', RESERVED_ID_MESSAGE);
      // Audited like the console's registration (admin-screens), inside the same transaction.
      const created = await createScreen(knex, body, (trx, screen) =>
        recordAudit(trx, {
          actor: userOf(res),
          action: 'screen.registered',
          targetType: 'screen',
          targetId: screen.id,
          summary: `Registered screen ${screen.name} (${screen.id})`,
          details: { name: screen.name, address: screen.address, tags: screen.tags },
        }),
      );
      fleet.putRegistry(created.screen);
      await tellBroker(created.screen.id, ROTATE_AGAIN, () =>
        sessions.credentialsIssued(created.screen.id, created.credentials.password),
      );
      res.status(201).json(created);
    }),
  );

  router.patch(
    '/screens/:id',
    requireRole('admin'),
    route(async (req, res) => {
      const user = userOf(res);
      const screen = await screenOr404(String(req.params.id), user.id, user.role);
      const patch = parseBody(UpdateScreenRequest, req.body);
      const next: Screen = {
        ...screen,
        ...patch,
        address: patch.address ?? screen.address,
        lat: patch.lat ?? screen.lat,
        lng: patch.lng ?? screen.lng,
        tags: patch.tags ?? screen.tags,
      };
      fleet.putRegistry(next);
      // What really changed (old and new), not the fields the request happened to carry.
      const changes = Object.fromEntries(
        (Object.keys(patch) as (keyof typeof patch)[])
          .filter((k) => JSON.stringify(screen[k]) !== JSON.stringify(next[k]))
          .map((k) => [k, { from: screen[k], to: next[k] }]),
      );
      await recordAudit(knex, {
        actor: user,
        action: 'screen.updated',
        targetType: 'screen',
        targetId: screen.id,
        summary: `Edited screen ${next.name} (${screen.id}): ${Object.keys(changes).join(', ') || 'no change'}`,
        details: { changes },
      });
      res.json({ screen: fleet.get(screen.id) });
    }),
  );

  /** Retire: the screen stays for the record, its device can no longer connect. */
  router.delete(
    '/screens/:id',
    requireRole('admin'),
    route(async (req, res) => {
      const user = userOf(res);
      const screen = await screenOr404(String(req.params.id), user.id, user.role);
      // Credentials first (in the database, for every node), then the live session. `retired`
      // is written here, not by the status writer (batch-store.ts says why).
      await knex.transaction(async (trx) => {
        await revokeCredentials(trx, screen.id);
        await trx('screens').where({ id: screen.id }).update({ retired: true });
      });
      fleet.putRegistry({ ...screen, retired: true });
      await recordAudit(knex, {
        actor: user,
        action: 'screen.retired',
        targetType: 'screen',
        targetId: screen.id,
        summary: `Retired screen ${screen.name} (${screen.id})`,
      });
      await tellBroker(screen.id, 'Retire it again', () => sessions.retired(screen.id));
      res.json({ screen: fleet.get(screen.id) });
    }),
  );

  router.post(
    '/screens/:id/credentials',
    requireRole('admin'),
    route(async (req, res) => {
      const user = userOf(res);
      const screen = await screenOr404(String(req.params.id), user.id, user.role);
      if (screen.retired)
        throw new AppError('conflict', `Screen "${screen.id}" is retired: it has no credentials.`);
      const credentials = await rotateCredentials(knex, screen.id);
      // Never the credentials themselves: only that they changed.
      await recordAudit(knex, {
        actor: user,
        action: 'screen.credentials_rotated',
        targetType: 'screen',
        targetId: screen.id,
        summary: `Rotated the credentials of screen ${screen.name} (${screen.id})`,
      });
      await tellBroker(screen.id, ROTATE_AGAIN, () =>
        sessions.credentialsIssued(screen.id, credentials.password),
      );
      res.json({ credentials });
    }),
  );

  return router;
}
