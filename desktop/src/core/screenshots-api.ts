/**
 * The console API's screenshots: the list of a screen's screenshots and one image, read from
 * the server each time (images are not kept in the console cache: they are large, change by
 * the minute, and a stale one would mislead). The image crosses IPC / the host's WebSocket as
 * a data URL, which the renderer's Content-Security-Policy allows for images (`img-src data:`).
 * The per-tag schedules are read and changed on the server too (online only, like reports).
 */
import type { z } from 'zod';
import {
  ScreenshotList,
  ScreenshotSchedule,
  ScreenshotScheduleList,
  ScreenshotScheduleTag,
  screenshotPaths,
  type User,
} from '../../../protocol';
import { ConsoleError, type ConsoleResponses, type consoleRequests } from '../shared/console-api';
import { request } from './server-api';

const IMAGE_TIMEOUT_MS = 30_000;

type Method =
  | 'listScreenshots'
  | 'getScreenshot'
  | 'listScreenshotSchedules'
  | 'setScreenshotSchedule'
  | 'deleteScreenshotSchedule';
type ScreenshotsHandlers = {
  [M in Method]: (req: z.output<(typeof consoleRequests)[M]>) => Promise<ConsoleResponses[M]>;
};

export function screenshotsHandlers(
  session: () => { user: User; serverUrl: string; token: string | null },
): ScreenshotsHandlers {
  const live = () => {
    const { serverUrl, token } = session();
    if (!token)
      throw new ConsoleError('unavailable', 'Screenshots need the server: sign in again.');
    return { serverUrl, token };
  };
  /**
   * The tag is a path segment: an empty one would name the list and `.`/`..` are resolved away
   * by any URL, so those are answered here with the protocol's sentence; every other rule is
   * the server's.
   */
  const schedulePath = (raw: string) => {
    const tag = ScreenshotScheduleTag.safeParse(raw);
    if (!tag.success)
      throw new ConsoleError(
        'bad_request',
        tag.error.issues[0]?.message ?? 'Name the tag to schedule.',
      );
    if (/^\.{1,2}$/.test(tag.data))
      throw new ConsoleError('bad_request', 'A tag of only dots cannot be scheduled.');
    return screenshotPaths.schedule(tag.data);
  };
  return {
    listScreenshots: async ({ screenId }) => {
      const { serverUrl, token } = live();
      const body = await request<unknown>(serverUrl, 'GET', screenshotPaths.list(screenId), token);
      return ScreenshotList.parse(body);
    },
    listScreenshotSchedules: async () => {
      const { serverUrl, token } = live();
      const body = await request<unknown>(serverUrl, 'GET', screenshotPaths.schedules(), token);
      return ScreenshotScheduleList.parse(body);
    },
    setScreenshotSchedule: async ({ tag, everyMinutes }) => {
      const { serverUrl, token } = live();
      const body = await request<{ schedule: unknown }>(
        serverUrl,
        'PUT',
        schedulePath(tag),
        token,
        { everyMinutes },
      );
      return { schedule: ScreenshotSchedule.parse(body.schedule) };
    },
    deleteScreenshotSchedule: async ({ tag }) => {
      const { serverUrl, token } = live();
      await request(serverUrl, 'DELETE', schedulePath(tag), token);
      return null;
    },
    getScreenshot: async ({ screenId, shotId }) => {
      const { serverUrl, token } = live();
      const path = screenshotPaths.one(screenId, shotId);
      let res: Response;
      try {
        res = await fetch(new URL(path, serverUrl), {
          headers: { authorization: `Bearer ${token}` },
          signal: AbortSignal.timeout(IMAGE_TIMEOUT_MS),
        });
      } catch (err) {
        throw new ConsoleError(
          'unavailable',
          `cannot reach ${serverUrl}: ${(err as Error).message}`,
        );
      }
      if (!res.ok) {
        const error = await res
          .json()
          .then((j: { error?: { code?: string; message?: string } }) => j.error)
          .catch(() => undefined);
        throw new ConsoleError(
          error?.code ?? `http_${res.status}`,
          error?.message ?? `The screenshot could not be loaded (${res.status}).`,
        );
      }
      const mime = res.headers.get('content-type') ?? '';
      if (mime !== 'image/png' && mime !== 'image/jpeg')
        throw new ConsoleError(
          'bad_response',
          'The server answered something that is not an image.',
        );
      const data = Buffer.from(await res.arrayBuffer()).toString('base64');
      return {
        id: res.headers.get('x-screenshot-id') ?? shotId,
        capturedAt: Number(res.headers.get('x-captured-at')),
        dataUrl: `data:${mime};base64,${data}`,
      };
    },
  };
}
