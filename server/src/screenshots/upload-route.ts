/**
 * `POST /api/devices/:screenId/screenshots`: an agent's upload, with its own device credentials
 * (HTTP Basic, the same screen id and password it logs in to MQTT with).
 *
 * Every limit holds before the credentials are checked: at most `maxInFlight` uploads at
 * once, a Content-Length over the cap is refused before a byte of body is read, and a body
 * without one (chunked) is cut off at the cap. A refused request gets its answer at once with
 * `Connection: close`, and the connection is ended: its unread body is never waited for.
 * The body is read only once the credentials are good, within `bodyTimeoutMs`.
 */
import type { Request, RequestHandler, Response } from 'express';
import { Router } from 'express';
import type { z } from 'zod';
import {
  ScreenId,
  ScreenshotUploadHeaders,
  type ScreenshotUploadResponse,
} from '../../../protocol';
import { readCappedBody, refuseUpload, sizeText } from '../http/raw-upload';
import type { Logger } from '../log';

export interface UploadedImage {
  screenId: string;
  body: Buffer;
  headers: z.output<typeof ScreenshotUploadHeaders>;
}

export interface UploadRouteDeps {
  maxBytes: number;
  maxInFlight: number;
  bodyTimeoutMs: number;
  verifyDevice(screenId: string, password: string): Promise<boolean>;
  /** Validates, scales and stores; throws UploadRefused for what the sender got wrong. */
  store(upload: UploadedImage): Promise<ScreenshotUploadResponse>;
  log: Logger;
}

/** A refusal worded for the sender: its status, code and sentence. */
export class UploadRefused extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The shared refusal, with the Basic challenge a 401 owes a device. */
function refuse(req: Request, res: Response, status: number, code: string, message: string) {
  if (status === 401 && !res.headersSent)
    res.setHeader('WWW-Authenticate', 'Basic realm="marquee-device"');
  refuseUpload(req, res, status, code, message);
}

function basicCredentials(req: Request): { username: string; password: string } | null {
  const header = req.headers.authorization;
  if (!header?.startsWith('Basic ')) return null;
  const text = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon <= 0) return null;
  return { username: text.slice(0, colon), password: text.slice(colon + 1) };
}

export function screenshotUploadRoute(deps: UploadRouteDeps): Router {
  const router = Router();
  let inFlight = 0;
  const capText = sizeText(deps.maxBytes);

  const handler: RequestHandler = (req, res) => {
    if (inFlight >= deps.maxInFlight)
      return refuse(
        req,
        res,
        503,
        'unavailable',
        'Too many screenshot uploads at once; try again shortly.',
      );
    const declared = req.headers['content-length'];
    if (declared !== undefined && Number(declared) > deps.maxBytes)
      return refuse(req, res, 413, 'too_large', `A screenshot may be at most ${capText}.`);
    const screenId = String(req.params.screenId);
    if (!ScreenId.safeParse(screenId).success)
      return refuse(req, res, 404, 'not_found', 'No such screen.');
    const creds = basicCredentials(req);
    if (!creds || creds.username !== screenId)
      return refuse(
        req,
        res,
        401,
        'unauthorized',
        "Send the screen's own device credentials (HTTP Basic: screen id and password).",
      );
    const headers = ScreenshotUploadHeaders.safeParse(req.headers);
    if (!headers.success)
      return refuse(req, res, 400, 'bad_request', headers.error.issues[0]!.message);
    inFlight++;
    const work = async () => {
      if (!(await deps.verifyDevice(screenId, creds.password)))
        return refuse(req, res, 401, 'unauthorized', 'The device credentials are not valid.');
      const body = await readCappedBody(req, deps.maxBytes, deps.bodyTimeoutMs);
      if (body === 'too_large')
        return refuse(req, res, 413, 'too_large', `A screenshot may be at most ${capText}.`);
      if (body === 'timeout')
        return refuse(req, res, 408, 'bad_request', 'The screenshot took too long to arrive.');
      if (body === 'aborted') return;
      const stored = await deps.store({ screenId, body, headers: headers.data });
      res.status(201).json(stored);
    };
    work()
      .catch((err: unknown) => {
        if (err instanceof UploadRefused)
          return refuse(req, res, err.status, err.code, err.message);
        deps.log.error({ err, screenId }, 'screenshot upload failed');
        refuse(req, res, 500, 'internal', 'The screenshot could not be stored.');
      })
      .finally(() => inFlight--);
  };
  router.post('/devices/:screenId/screenshots', handler);
  return router;
}
