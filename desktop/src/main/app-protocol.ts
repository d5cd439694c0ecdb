/**
 * The renderer is served from `app://marquee/`, a privileged custom scheme, instead of
 * `file://`: a page on `file://` may read any file the user can (and the
 * GrantFileProtocolExtraPrivileges fuse is off in release builds), while this handler answers
 * only files inside the renderer's build folder and refuses everything else.
 *
 * Electron-free on purpose (only types come from electron): the path rules are tested in Node.
 */
import path from 'node:path';
import type { CustomScheme } from 'electron';
import { CONTENT_SECURITY_POLICY } from '../shared/csp';

export const APP_SCHEME = 'app';
export const APP_HOST = 'marquee';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/**
 * `standard` gives the scheme real origins (so `'self'` in the CSP and relative URLs work),
 * `secure` makes it a secure context like https. No CORS, no service workers, no bypassing
 * the CSP.
 */
export const APP_SCHEME_PRIVILEGES: CustomScheme = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true },
};

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

export type AppRequestResolution =
  | { ok: true; file: string; contentType: string }
  | { ok: false; status: 400 | 403 | 404; reason: string };

/** True for a URL of the console's own page (the custom scheme and its one host). */
export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST;
  } catch {
    return false;
  }
}

/** Which file under `root` an `app://marquee/...` URL names, or why it is refused. */
export function resolveAppRequest(url: string, root: string): AppRequestResolution {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, status: 400, reason: 'not a URL' };
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST) {
    return { ok: false, status: 403, reason: `only ${APP_ORIGIN}/ is served` };
  }
  let relative: string;
  try {
    relative = decodeURIComponent(parsed.pathname);
  } catch {
    return { ok: false, status: 400, reason: 'the path is not valid percent-encoding' };
  }
  if (relative === '/' || relative === '') relative = '/index.html';
  // Refuse rather than normalize: a '..' segment, a backslash (a separator on Windows) or a
  // NUL byte only ever comes from a crafted URL, never from the renderer's own assets.
  const segments = relative.split('/');
  if (segments.includes('..') || relative.includes('\\') || relative.includes('\0')) {
    return { ok: false, status: 403, reason: 'the path leaves the console folder' };
  }
  const base = path.resolve(root);
  const file = path.resolve(base, `.${relative}`);
  if (file !== base && !file.startsWith(base + path.sep)) {
    return { ok: false, status: 403, reason: 'the path leaves the console folder' };
  }
  const contentType = CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
  return { ok: true, file, contentType };
}

export interface AppFiles {
  realpath(file: string): Promise<string>;
  readFile(file: string): Promise<Uint8Array>;
}

/**
 * The `protocol.handle` handler. Symlinks are resolved and checked again, so a link inside
 * the folder cannot point out of it.
 */
export function createAppProtocolHandler(
  root: string,
  files: AppFiles,
): (request: Request) => Promise<Response> {
  const refuse = (status: number, reason: string) =>
    new Response(reason, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return refuse(405, 'read only');
    const resolved = resolveAppRequest(request.url, root);
    if (!resolved.ok) return refuse(resolved.status, resolved.reason);
    let realRoot: string;
    let realFile: string;
    try {
      realRoot = await files.realpath(root);
      realFile = await files.realpath(resolved.file);
    } catch {
      return refuse(404, 'not found');
    }
    if (!realFile.startsWith(realRoot + path.sep)) {
      return refuse(403, 'the path leaves the console folder');
    }
    let body: Uint8Array;
    try {
      body = await files.readFile(realFile);
    } catch {
      return refuse(404, 'not found');
    }
    return new Response(request.method === 'HEAD' ? null : new Blob([new Uint8Array(body)]), {
      status: 200,
      headers: {
        'Content-Type': resolved.contentType,
        'Content-Security-Policy': CONTENT_SECURITY_POLICY,
        'X-Content-Type-Options': 'nosniff',
      },
    });
  };
}
