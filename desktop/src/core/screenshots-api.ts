/**
 * The console API's screenshots: the list of a screen's screenshots and one image, read from
 * the server each time (images are not kept in the console cache: they are large, change by
 * the minute, and a stale one would mislead). The image crosses IPC / the host's WebSocket as
 * a data URL, which the renderer's Content-Security-Policy allows for images (`img-src data:`).
 */
import type { z } from 'zod';
import { ScreenshotList, screenshotPaths, type User } from '../../../protocol';
import { ConsoleError, type ConsoleResponses, type consoleRequests } from '../shared/console-api';
import { request } from './server-api';

const IMAGE_TIMEOUT_MS = 30_000;

type Method = 'listScreenshots' | 'getScreenshot';
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
  return {
    listScreenshots: async ({ screenId }) => {
      const { serverUrl, token } = live();
      const body = await request<unknown>(serverUrl, 'GET', screenshotPaths.list(screenId), token);
      return ScreenshotList.parse(body);
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
