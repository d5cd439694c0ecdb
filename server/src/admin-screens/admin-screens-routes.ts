/**
 * REST for the screens administration (admins only): register with provisioning, edit,
 * retire, restore, rotate, import. Each change is audited; the screen reaches every console
 * through the fleet's status writer (putRegistry → the change log by `rev`).
 */
import { Router, type Request, type Response } from 'express';
import type { Knex } from 'knex';
import type { z } from 'zod';
import {
  EditScreenRequest,
  ImportScreensRequest,
  RegisterScreenRequest,
  ScreenId,
  type DeviceCredentials,
  type ImportScreensResponse,
  type ProvisionedScreenResponse,
  type Screen,
} from '../../../protocol';
import { recordAudit } from '../audit/audit-log';
import { newSecret, sha256 } from '../auth/tokens';
import { mosquittoHash } from '../broker/mosquitto-auth';
import type { DeviceSessions } from '../broker/device-sessions';
import { AppError } from '../errors';
import type { FleetState } from '../fleet/fleet-state';
import { createScreen, revokeCredentials, rotateCredentials } from '../fleet/screens-repo';
import { route, userOf } from '../http/middleware';
import { readImport } from './csv-import';
import { deviceHttpUrl, provisioningFor } from './provisioning';
import { screenFieldSentence } from './screen-sentences';

export interface AdminScreensDeps {
  knex: Knex;
  fleet: FleetState;
  sessions: DeviceSessions;
  /** The address screens reach the broker at (provisioning.ts). */
  brokerUrl: string;
  /** MARQUEE_PUBLIC_URL: the HTTP address screens upload to, when set (provisioning.ts). */
  publicUrl?: string;
  /** The server's own login on an external broker: no screen may take it. */
  serviceUsername?: string;
}

const label = (s: Pick<Screen, 'id' | 'name'>) => `${s.name} (${s.id})`;

function parse<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const result = schema.safeParse(body);
  if (!result.success) throw new AppError('bad_request', screenFieldSentence(result.error.issues));
  return result.data;
}

export function adminScreensRoutes(deps: AdminScreensDeps): Router {
  const { knex, fleet, sessions, brokerUrl } = deps;
  const router = Router();
  const provisioning = (req: Request, credentials: DeviceCredentials) =>
    provisioningFor(credentials, brokerUrl, deviceHttpUrl(req, deps.publicUrl));

  const admin = (res: Response) => {
    const user = userOf(res);
    if (user.role !== 'admin') throw new AppError('forbidden', 'Only admins can manage screens.');
    return user;
  };
  const screenOf = (req: Request): Screen => {
    const id = String(req.params.id);
    const screen = ScreenId.safeParse(id).success ? fleet.get(id) : undefined;
    if (!screen) throw new AppError('not_found', `No screen has the id "${id}".`);
    return screen;
  };
  /** The database change stands; a broker that cannot be told is said in a sentence. */
  const tellBroker = async (screen: Screen, call: () => Promise<void>) => {
    try {
      await call();
    } catch (err) {
      throw new AppError(
        'unavailable',
        `${label(screen)} is changed, but the MQTT broker could not be told (${(err as Error).message}). Rotate its credentials once the broker is reachable.`,
      );
    }
  };
  const taken = async (id: string) => Boolean(await knex('screens').where({ id }).first('id'));
  const reserved = (id: string | undefined) =>
    id !== undefined && deps.serviceUsername !== undefined && id === deps.serviceUsername;

  router.post(
    '/admin/screens',
    route(async (req, res) => {
      const actor = admin(res);
      const body = parse(RegisterScreenRequest, req.body);
      if (reserved(body.id))
        throw new AppError(
          'bad_request',
          'That id is the server’s own broker login; choose another id.',
        );
      if (body.id !== undefined && (await taken(body.id)))
        throw new AppError(
          'conflict',
          `A screen with the id "${body.id}" is already registered; choose another id.`,
        );
      const created = await createScreen(knex, body, (trx, screen) =>
        recordAudit(trx, {
          actor,
          action: 'screen.registered',
          targetType: 'screen',
          targetId: screen.id,
          summary: `Registered screen ${label(screen)}`,
          details: { name: screen.name, address: screen.address, tags: screen.tags },
        }),
      );
      fleet.putRegistry(created.screen);
      await tellBroker(created.screen, () =>
        sessions.credentialsIssued(created.screen.id, created.credentials.password),
      );
      const answer: ProvisionedScreenResponse = {
        screen: created.screen,
        provisioning: provisioning(req, created.credentials),
      };
      res.status(201).json(answer);
    }),
  );

  router.post(
    '/admin/screens/import',
    route(async (req, res) => {
      const actor = admin(res);
      const { csv } = parse(ImportScreensRequest, req.body);
      const read = readImport(csv);
      if ('fileError' in read) throw new AppError('bad_request', read.fileError);
      const answer: ImportScreensResponse = {
        created: [],
        alreadyRegistered: [],
        errors: read.errors,
        brokerUrl,
      };
      for (const { row, input } of read.rows) {
        const existing = fleet.get(input.id);
        // Idempotent by id: the same row imported again finds its screen and does nothing.
        if (existing && existing.name === input.name) {
          answer.alreadyRegistered.push({ row, id: input.id });
          continue;
        }
        if (existing || reserved(input.id)) {
          answer.errors.push({
            row,
            id: input.id,
            message: `Row ${row}: the id "${input.id}" is already registered${existing ? ` to ${existing.name}` : ''}; choose another id.`,
          });
          continue;
        }
        try {
          const created = await createScreen(knex, input, (trx, screen) =>
            recordAudit(trx, {
              actor,
              action: 'screen.imported',
              targetType: 'screen',
              targetId: screen.id,
              summary: `Imported screen ${label(screen)} (CSV row ${row})`,
              details: { row, name: screen.name, address: screen.address, tags: screen.tags },
            }),
          );
          fleet.putRegistry(created.screen);
          await sessions.credentialsIssued(created.screen.id, created.credentials.password);
          answer.created.push(created);
        } catch (err) {
          answer.errors.push({
            row,
            id: input.id,
            message: `Row ${row}: ${err instanceof AppError ? err.message : 'the screen could not be created'}.`,
          });
        }
      }
      answer.errors.sort((a, b) => a.row - b.row);
      res.json(answer);
    }),
  );

  router.patch(
    '/admin/screens/:id',
    route(async (req, res) => {
      const actor = admin(res);
      const screen = screenOf(req);
      const patch = parse(EditScreenRequest, req.body);
      const next: Screen = {
        ...screen,
        ...(patch.name !== undefined && { name: patch.name }),
        ...(patch.address !== undefined && { address: patch.address || null }),
        ...(patch.lat !== undefined && { lat: patch.lat }),
        ...(patch.lng !== undefined && { lng: patch.lng }),
        ...(patch.tags !== undefined && { tags: patch.tags }),
      };
      const changed = (['name', 'address', 'lat', 'lng', 'tags'] as const).filter(
        (k) => JSON.stringify(next[k]) !== JSON.stringify(screen[k]),
      );
      if (changed.length > 0) {
        fleet.putRegistry(next);
        await recordAudit(knex, {
          actor,
          action: 'screen.updated',
          targetType: 'screen',
          targetId: screen.id,
          summary: `Edited screen ${label(next)}: ${changed.join(', ')}`,
          details: Object.fromEntries(changed.map((k) => [k, { from: screen[k], to: next[k] }])),
        });
      }
      res.json({ screen: fleet.get(screen.id) });
    }),
  );

  router.post(
    '/admin/screens/:id/retire',
    route(async (req, res) => {
      const actor = admin(res);
      const screen = screenOf(req);
      if (screen.retired) throw new AppError('conflict', `${label(screen)} is already retired.`);
      // Credentials first (in the database, for every node), then the live session.
      await knex.transaction(async (trx) => {
        await revokeCredentials(trx, screen.id);
        await trx('screens').where({ id: screen.id }).update({ retired: true });
        await recordAudit(trx, {
          actor,
          action: 'screen.retired',
          targetType: 'screen',
          targetId: screen.id,
          summary: `Retired screen ${label(screen)}`,
        });
      });
      fleet.putRegistry({ ...screen, retired: true });
      await tellBroker(screen, () => sessions.retired(screen.id));
      res.json({ screen: fleet.get(screen.id) });
    }),
  );

  /**
   * Restore: the screen is back in service with NEW credentials, shown once. Retiring
   * revoked the old ones (the server kept only their hash, and a retired device's secret
   * should not come back to life on a controller that may have changed hands).
   */
  router.post(
    '/admin/screens/:id/restore',
    route(async (req, res) => {
      const actor = admin(res);
      const screen = screenOf(req);
      if (!screen.retired) throw new AppError('conflict', `${label(screen)} is not retired.`);
      const password = newSecret();
      await knex.transaction(async (trx) => {
        await trx('device_credentials').where({ screen_id: screen.id }).delete();
        await trx('device_credentials').insert({
          screen_id: screen.id,
          secret_hash: sha256(password),
          mosquitto_hash: mosquittoHash(password),
          created_at: Date.now(),
        });
        // Now, not with the next status write: the device may log in at once.
        await trx('screens').where({ id: screen.id }).update({ retired: false });
        await recordAudit(trx, {
          actor,
          action: 'screen.restored',
          targetType: 'screen',
          targetId: screen.id,
          summary: `Restored screen ${label(screen)} with new credentials`,
        });
      });
      fleet.putRegistry({ ...screen, retired: false });
      await tellBroker(screen, () => sessions.credentialsIssued(screen.id, password));
      const answer: ProvisionedScreenResponse = {
        screen: fleet.get(screen.id)!,
        provisioning: provisioning(req, { username: screen.id, password }),
      };
      res.json(answer);
    }),
  );

  router.post(
    '/admin/screens/:id/rotate',
    route(async (req, res) => {
      const actor = admin(res);
      const screen = screenOf(req);
      if (screen.retired)
        throw new AppError(
          'conflict',
          `${label(screen)} is retired: restore it to issue credentials.`,
        );
      const credentials = await knex.transaction(async (trx) => {
        const issued = await rotateCredentials(trx, screen.id);
        await recordAudit(trx, {
          actor,
          action: 'screen.credentials_rotated',
          targetType: 'screen',
          targetId: screen.id,
          summary: `Rotated the credentials of screen ${label(screen)}`,
        });
        return issued;
      });
      // The old password stops now; the live session on it is ended by the broker.
      await tellBroker(screen, () => sessions.credentialsIssued(screen.id, credentials.password));
      const answer: ProvisionedScreenResponse = {
        screen,
        provisioning: provisioning(req, credentials),
      };
      res.json(answer);
    }),
  );

  return router;
}
