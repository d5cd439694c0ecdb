/**
 * The console API's `fetchMapTile` (issue 13): a tile from the tile server the operator set in
 * Settings, fetched here in the core and handed to the renderer as a data: URL. The renderer's
 * CSP (shared/csp.ts) stays `img-src 'self' data:`: no page of the console ever loads from
 * another host, whatever tile server is configured, and with none configured the map asks for
 * no tile at all. Limits: images only, 1 MiB, 10 s; the last 256 are kept, repeats share a fetch.
 */
import type { z } from 'zod';
import { ConsoleError, type consoleRequests } from '../shared/console-api';
import { tileTemplateProblem, tileUrl } from '../shared/map-tile-source';

export const TILE_MAX_BYTES = 1024 * 1024;
const TIMEOUT_MS = 10_000;
const CACHE_SIZE = 256;
const IMAGE_TYPES = /^image\/(png|jpeg|webp|gif)$/;

type Request = z.output<(typeof consoleRequests)['fetchMapTile']>;

export function mapTileHandlers(fetchImpl: typeof fetch = fetch) {
  const cache = new Map<string, string>();
  const inFlight = new Map<string, Promise<{ dataUrl: string }>>();

  const load = async (url: string): Promise<{ dataUrl: string }> => {
    let res: Response;
    try {
      res = await fetchImpl(url, {
        signal: AbortSignal.timeout(TIMEOUT_MS),
        redirect: 'follow',
        headers: { accept: 'image/png,image/jpeg,image/webp,image/gif' },
      });
    } catch (err) {
      throw new ConsoleError(
        'unavailable',
        `The tile server did not answer (${(err as Error).message}).`,
      );
    }
    if (!res.ok) {
      void res.body?.cancel();
      throw new ConsoleError('unavailable', `The tile server answered ${res.status}.`);
    }
    const type = (res.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (!IMAGE_TYPES.test(type)) {
      void res.body?.cancel();
      throw new ConsoleError(
        'bad_gateway',
        `The tile server sent ${type || 'no type'}, not an image.`,
      );
    }
    const declared = Number(res.headers.get('content-length') ?? 0);
    if (declared > TILE_MAX_BYTES) {
      void res.body?.cancel();
      throw new ConsoleError('bad_gateway', 'The tile server sent a tile over 1 MiB.');
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    const reader = res.body?.getReader();
    for (;;) {
      const chunk = reader ? await reader.read() : { done: true as const, value: undefined };
      if (chunk.done) break;
      size += chunk.value.byteLength;
      if (size > TILE_MAX_BYTES) {
        void reader?.cancel();
        throw new ConsoleError('bad_gateway', 'The tile server sent a tile over 1 MiB.');
      }
      chunks.push(chunk.value);
    }
    const dataUrl = `data:${type};base64,${Buffer.concat(chunks).toString('base64')}`;
    cache.set(url, dataUrl);
    if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
    return { dataUrl };
  };

  return {
    fetchMapTile: async ({ template, z, x, y }: Request): Promise<{ dataUrl: string }> => {
      const problem = tileTemplateProblem(template);
      if (problem) throw new ConsoleError('bad_request', problem);
      const n = 2 ** z;
      if (x >= n || y >= n) throw new ConsoleError('bad_request', `No tile ${z}/${x}/${y}.`);
      const url = tileUrl(template, z, x, y);
      const hit = cache.get(url);
      if (hit) return { dataUrl: hit };
      let pending = inFlight.get(url);
      if (!pending) {
        pending = load(url).finally(() => inFlight.delete(url));
        inFlight.set(url, pending);
      }
      return pending;
    },
  };
}
