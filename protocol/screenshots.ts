/**
 * Screenshots on the wire. Agents upload images over HTTP with their device credentials
 * (`Authorization: Basic screenId:password`), never through MQTT (the broker's packet limit
 * stays small); consoles read them back with their session token.
 *
 * - `POST /api/devices/:screenId/screenshots` (device): the body is the PNG or JPEG itself
 *   (`Content-Type: image/png | image/jpeg`), at most SCREENSHOT_UPLOAD_MAX_BYTES (refused by
 *   Content-Length and by the bytes received, before the credentials are checked). Headers:
 *   `X-Captured-At` (ms epoch, default: when it arrived), `X-Command-Id` (the screenshot
 *   command it answers), `X-Screenshot-Trigger`. Answers `{screenshot}`.
 * - `GET /api/screens/:id/screenshot`: the latest image, with `X-Captured-At` and
 *   `X-Screenshot-Id` headers; `GET /api/screens/:id/screenshots`: the list, newest first;
 *   `GET /api/screens/:id/screenshots/:shotId`: one image.
 * - `GET /api/screenshot-schedules`, `PUT /api/screenshot-schedules/:tag {everyMinutes}`
 *   (admins), `DELETE /api/screenshot-schedules/:tag` (admins): a screenshot every N minutes of
 *   every online screen with the tag, sent by the server as the screenshot command.
 */
import { z } from 'zod';
import { ScreenId } from './domain';

/** The largest upload a server takes (the agent refuses to send more). */
export const SCREENSHOT_UPLOAD_MAX_BYTES = 8 * 1024 * 1024;
/** Fault codes the agent raises from what it captures. */
export const BLANK_SCREEN_FAULT = 'blank_screen';
export const FROZEN_SCREEN_FAULT = 'frozen_screen';

export const ScreenshotMime = z.enum(['image/png', 'image/jpeg']);
export type ScreenshotMime = z.infer<typeof ScreenshotMime>;

/** Why the agent sent it: a command, a scheduled one, or as the evidence of a fault. */
export const ScreenshotTrigger = z.enum(['command', 'schedule', 'fault', 'agent']);
export type ScreenshotTrigger = z.infer<typeof ScreenshotTrigger>;

export const ScreenshotId = z.string().regex(/^shot_[A-Za-z0-9]{6,40}$/, 'not a screenshot id');

export const ScreenshotMeta = z.object({
  id: ScreenshotId,
  screenId: ScreenId,
  /** When the agent captured it (its clock). */
  capturedAt: z.number().int(),
  /** When the server stored it. */
  receivedAt: z.number().int(),
  mime: ScreenshotMime,
  /** After scaling (the server keeps at most its configured size). */
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  bytes: z.number().int().positive(),
  trigger: ScreenshotTrigger,
  commandId: z.string().nullable(),
});
export type ScreenshotMeta = z.infer<typeof ScreenshotMeta>;

export const ScreenshotList = z.object({ screenshots: z.array(ScreenshotMeta) });
export type ScreenshotList = z.infer<typeof ScreenshotList>;

export const ScreenshotUploadResponse = z.object({ screenshot: ScreenshotMeta });
export type ScreenshotUploadResponse = z.infer<typeof ScreenshotUploadResponse>;

/** The upload's headers, as Express gives them (lower-case names, strings). */
export const ScreenshotUploadHeaders = z.object({
  'x-captured-at': z
    .string()
    .regex(/^\d{1,15}$/, 'X-Captured-At must be a ms timestamp')
    .transform(Number)
    .optional(),
  'x-command-id': z.string().min(1).max(64).optional(),
  'x-screenshot-trigger': ScreenshotTrigger.optional(),
});

export const SCREENSHOT_SCHEDULE_MIN_MINUTES = 1;
export const SCREENSHOT_SCHEDULE_MAX_MINUTES = 7 * 24 * 60;

export const ScreenshotScheduleTag = z
  .string()
  .trim()
  .min(1, 'Name the tag to schedule.')
  .max(64, 'A tag has at most 64 characters.');

export const ScreenshotSchedule = z.object({
  tag: ScreenshotScheduleTag,
  everyMinutes: z.number().int(),
  updatedAt: z.number().int(),
});
export type ScreenshotSchedule = z.infer<typeof ScreenshotSchedule>;

export const PutScreenshotScheduleRequest = z
  .object({
    everyMinutes: z
      .number({ error: 'The interval must be a number of minutes.' })
      .int('The interval must be a whole number of minutes.')
      .min(SCREENSHOT_SCHEDULE_MIN_MINUTES, 'Screenshots can be scheduled at most every minute.')
      .max(
        SCREENSHOT_SCHEDULE_MAX_MINUTES,
        `Schedule at least one screenshot a week (at most ${SCREENSHOT_SCHEDULE_MAX_MINUTES} minutes).`,
      ),
  })
  .strict();

export const ScreenshotScheduleList = z.object({ schedules: z.array(ScreenshotSchedule) });
export type ScreenshotScheduleList = z.infer<typeof ScreenshotScheduleList>;

/** Recognizes an image by its first bytes (never by what the sender says it is). */
export function imageMimeOf(head: Uint8Array): ScreenshotMime | null {
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (head.length >= 8 && png.every((b, i) => head[i] === b)) return 'image/png';
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff)
    return 'image/jpeg';
  return null;
}

export const screenshotPaths = {
  upload: (screenId: string) => `/api/devices/${encodeURIComponent(screenId)}/screenshots`,
  latest: (screenId: string) => `/api/screens/${encodeURIComponent(screenId)}/screenshot`,
  list: (screenId: string) => `/api/screens/${encodeURIComponent(screenId)}/screenshots`,
  one: (screenId: string, shotId: string) =>
    `/api/screens/${encodeURIComponent(screenId)}/screenshots/${encodeURIComponent(shotId)}`,
  schedules: () => '/api/screenshot-schedules',
  schedule: (tag: string) => `/api/screenshot-schedules/${encodeURIComponent(tag)}`,
};
