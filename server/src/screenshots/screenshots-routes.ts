/**
 * The console's side (session token): the latest image, the list, one image; and the per-tag
 * schedules. Operators and admins see every screen's screenshots; an advertiser only those of
 * screens they may see (their grants and their conversations' screens), and a screen they may
 * not see is "no such screen", as everywhere else.
 */
import { Router, type Response } from 'express';
import {
  PutScreenshotScheduleRequest,
  ScreenId,
  ScreenshotId,
  ScreenshotScheduleTag,
  type ScreenshotList,
  type ScreenshotScheduleList,
  type User,
} from '../../../protocol';
import { recordAudit } from '../audit/audit-log';
import { AppError } from '../errors';
import { requireRole, route, userOf } from '../http/middleware';
import type { ScreenshotFiles } from './screenshot-files';
import {
  deleteSchedule,
  getShot,
  listSchedules,
  listShots,
  metaOf,
  putSchedule,
  type StoredShot,
} from './screenshots-repo';
import type { Knex } from 'knex';
import type { z } from 'zod';

const LIST_DEFAULT = 50;
const LIST_MAX = 200;

export interface ScreenshotRoutesDeps {
  knex: Knex;
  files: ScreenshotFiles;
  /** Whether the screen exists (and is this user's to see). */
  canSee(user: User, screenId: string): Promise<boolean>;
}

/** The schedules' sentences are whole (the console shows them as they are): the first one. */
function scheduleInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success)
    throw new AppError('bad_request', result.error.issues[0]?.message ?? 'Not a valid schedule.');
  return result.data;
}

export function screenshotsRoutes(deps: ScreenshotRoutesDeps): Router {
  const router = Router();
  const { knex, files } = deps;

  const screenOr404 = async (user: User, raw: unknown): Promise<string> => {
    const id = String(raw);
    if (!ScreenId.safeParse(id).success || !(await deps.canSee(user, id)))
      throw new AppError('not_found', `no screen "${id.slice(0, 64)}"`);
    return id;
  };

  const sendImage = async (res: Response, shot: StoredShot) => {
    let data: Buffer;
    try {
      data = await files.read(shot.file);
    } catch {
      throw new AppError('not_found', 'That screenshot is no longer kept.');
    }
    res.setHeader('Content-Type', shot.mime);
    res.setHeader('X-Captured-At', String(shot.capturedAt));
    res.setHeader('X-Screenshot-Id', shot.id);
    res.setHeader('Cache-Control', 'private, max-age=0, no-store');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.end(data);
  };

  router.get(
    '/screens/:id/screenshot',
    route(async (req, res) => {
      const screenId = await screenOr404(userOf(res), req.params.id);
      const [latest] = await listShots(knex, screenId, 1);
      if (!latest) throw new AppError('not_found', 'This screen has no screenshot yet.');
      await sendImage(res, latest);
    }),
  );

  router.get(
    '/screens/:id/screenshots',
    route(async (req, res) => {
      const screenId = await screenOr404(userOf(res), req.params.id);
      const raw = req.query.limit === undefined ? LIST_DEFAULT : Number(req.query.limit);
      if (!Number.isInteger(raw) || raw < 1 || raw > LIST_MAX)
        throw new AppError('bad_request', `limit must be a whole number from 1 to ${LIST_MAX}`);
      const body: ScreenshotList = {
        screenshots: (await listShots(knex, screenId, raw)).map(metaOf),
      };
      res.json(body);
    }),
  );

  router.get(
    '/screens/:id/screenshots/:shotId',
    route(async (req, res) => {
      const screenId = await screenOr404(userOf(res), req.params.id);
      const shotId = String(req.params.shotId);
      const shot = ScreenshotId.safeParse(shotId).success
        ? await getShot(knex, screenId, shotId)
        : null;
      if (!shot) throw new AppError('not_found', 'No such screenshot of this screen.');
      await sendImage(res, shot);
    }),
  );

  router.get(
    '/screenshot-schedules',
    requireRole('admin', 'operator'),
    route(async (_req, res) => {
      const body: ScreenshotScheduleList = { schedules: await listSchedules(knex) };
      res.json(body);
    }),
  );

  router.put(
    '/screenshot-schedules/:tag',
    requireRole('admin'),
    route(async (req, res) => {
      const tag = scheduleInput(ScreenshotScheduleTag, req.params.tag);
      const { everyMinutes } = scheduleInput(PutScreenshotScheduleRequest, req.body);
      const user = userOf(res);
      const schedule = await putSchedule(knex, tag, everyMinutes, user.id);
      await recordAudit(knex, {
        actor: user,
        action: 'screenshots.scheduled',
        targetType: 'tag',
        targetId: tag,
        summary: `Scheduled a screenshot every ${everyMinutes} min of screens tagged ${tag}`,
        details: { everyMinutes },
      });
      res.json({ schedule });
    }),
  );

  router.delete(
    '/screenshot-schedules/:tag',
    requireRole('admin'),
    route(async (req, res) => {
      const tag = scheduleInput(ScreenshotScheduleTag, req.params.tag);
      const user = userOf(res);
      if (!(await deleteSchedule(knex, tag)))
        throw new AppError('not_found', `No screenshot schedule for tag ${tag}.`);
      await recordAudit(knex, {
        actor: user,
        action: 'screenshots.unscheduled',
        targetType: 'tag',
        targetId: tag,
        summary: `Stopped scheduled screenshots of screens tagged ${tag}`,
      });
      res.json({ deleted: tag });
    }),
  );

  return router;
}
