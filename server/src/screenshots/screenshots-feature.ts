/**
 * Screenshots as one server feature (decisions in ./README.md): the devices' upload route
 * (mounted by app.ts before the session check and the JSON body parser), the console's routes,
 * retention, and the per-tag schedule.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Router } from 'express';
import type { Screen, ScreenshotUploadResponse, User } from '../../../protocol';
import type { CommandFeature } from '../commands/command-feature';
import type { Feature, ServerContext } from '../context';
import { watchesWholeFleet } from '../fleet/fleet-feature';
import { verifyDeviceCredentials } from '../fleet/screens-repo';
import { UploadRefused, screenshotUploadRoute, type UploadedImage } from './upload-route';
import { scaleImage } from './scale-image';
import { ScreenshotFiles } from './screenshot-files';
import { insertShot, metaOf, pruneShots, type StoredShot } from './screenshots-repo';
import { screenshotsRoutes } from './screenshots-routes';
import { SCHEDULED_COMMAND_PREFIX, runScheduleTick } from './screenshot-schedule';

const DAY_MS = 24 * 3600_000;
/** How often screenshots past their age are removed (those beyond the count go at once). */
const AGE_SWEEP_MS = 3600_000;

export interface ScreenshotsFeature extends Feature {
  /** The devices' upload route: app.ts mounts it on /api before the session check. */
  deviceRoutes(): Router;
  /** Applies retention now (tests; otherwise hourly and on every upload). */
  prune(now?: number): Promise<number>;
  /** One schedule pass now (tests; otherwise every `screenshotScheduleTickMs`). */
  scheduleTick(now?: number): Promise<string[]>;
}

export function createScreenshotsFeature(
  ctx: ServerContext,
  deps: {
    screen(id: string): Screen | undefined;
    screens(): Screen[];
    advertiserScreens(userId: string): Promise<Set<string>>;
    commands(): CommandFeature;
  },
): ScreenshotsFeature {
  const { knex, log, config } = ctx;
  const files = new ScreenshotFiles(
    path.resolve(config.screenshotDir ?? path.join(config.dataDir, 'screenshots')),
  );
  const retention = () => ({
    keep: config.screenshotsKeep,
    maxAgeMs: config.screenshotMaxAgeDays * DAY_MS,
  });
  const timers: NodeJS.Timeout[] = [];

  const removeFiles = async (gone: StoredShot[]) => {
    for (const shot of gone)
      await files
        .remove(shot.file)
        .catch((err: unknown) => log.warn({ err, file: shot.file }, 'screenshot file not removed'));
  };

  const prune = async (now = Date.now(), screenId?: string) => {
    const { keep, maxAgeMs } = retention();
    const gone = await pruneShots(knex, { screenId, keep, olderThan: now - maxAgeMs });
    await removeFiles(gone);
    return gone.length;
  };

  const store = async ({ screenId, body, headers }: UploadedImage) => {
    const screen = deps.screen(screenId);
    if (!screen || screen.retired)
      throw new UploadRefused(404, 'not_found', 'No such screen (or it is retired).');
    const image = await scaleImage(body, config.screenshotMaxSide);
    const now = Date.now();
    const id = `shot_${randomBytes(12).toString('hex')}`;
    const commandId = headers['x-command-id'] ?? null;
    const shot: StoredShot = {
      id,
      screenId,
      capturedAt: headers['x-captured-at'] ?? now,
      receivedAt: now,
      mime: image.mime,
      width: image.width,
      height: image.height,
      bytes: image.data.length,
      trigger: commandId?.startsWith(SCHEDULED_COMMAND_PREFIX)
        ? 'schedule'
        : (headers['x-screenshot-trigger'] ?? (commandId ? 'command' : 'agent')),
      commandId,
      file: files.relativeFor(screenId, id, image.mime),
    };
    // The file first: a row never names a file that is not there.
    await files.write(shot.file, image.data);
    try {
      await insertShot(knex, shot);
    } catch (err) {
      await files.remove(shot.file).catch(() => undefined);
      throw err;
    }
    await prune(now, screenId).catch((err: unknown) =>
      log.warn({ err, screenId }, 'screenshot retention failed'),
    );
    const answer: ScreenshotUploadResponse = { screenshot: metaOf(shot) };
    return answer;
  };

  const canSee = async (user: User, screenId: string) =>
    deps.screen(screenId) !== undefined &&
    (watchesWholeFleet(user) || (await deps.advertiserScreens(user.id)).has(screenId));

  const scheduleTick = (now?: number) =>
    runScheduleTick({ knex, screens: deps.screens, commands: deps.commands, log }, now);

  return {
    name: 'screenshots',
    deviceRoutes: () =>
      screenshotUploadRoute({
        maxBytes: config.screenshotMaxBytes,
        maxInFlight: 16,
        bodyTimeoutMs: 30_000,
        verifyDevice: (screenId, password) => verifyDeviceCredentials(knex, screenId, password),
        store,
        log,
      }),
    registerRoutes(router) {
      router.use(screenshotsRoutes({ knex, files, canSee }));
    },
    prune: (now) => prune(now),
    scheduleTick,
    start() {
      const every = (ms: number, what: string, fn: () => Promise<unknown>) => {
        let running = false;
        const t = setInterval(() => {
          if (running) return;
          running = true;
          fn()
            .catch((err: unknown) => log.error({ err }, `${what} failed`))
            .finally(() => (running = false));
        }, ms);
        t.unref();
        timers.push(t);
      };
      every(AGE_SWEEP_MS, 'screenshot retention', () => prune());
      every(config.screenshotScheduleTickMs, 'screenshot schedule', () => scheduleTick());
    },
    stop() {
      for (const t of timers) clearInterval(t);
    },
  };
}
