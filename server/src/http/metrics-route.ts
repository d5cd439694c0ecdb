/**
 * GET /metrics, exposed as configured (`METRICS`):
 * - `loopback` (default): only to a scraper on the same machine — a request whose TCP peer is a
 *   loopback address and that carries no forwarding header (a reverse proxy on the same machine
 *   forwarding the outside world would otherwise look local);
 * - `token`: to anybody presenting `Authorization: Bearer $METRICS_TOKEN`;
 * - `public`: to anybody (a private network where the scraper sits elsewhere);
 * - `off`: not served (404).
 * The counters reveal fleet size, traffic and user counts: not for the open internet.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import type { Metrics } from '../metrics';
import { bearerToken } from './middleware';

export type MetricsExposure = 'off' | 'loopback' | 'public' | 'token';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

function fromThisMachine(req: Request): boolean {
  const peer = req.socket.remoteAddress ?? '';
  const forwarded = req.headers['x-forwarded-for'] ?? req.headers.forwarded;
  return LOOPBACK.test(peer) && !forwarded;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function metricsRoute(
  metrics: Metrics,
  exposure: MetricsExposure,
  token: string | undefined,
): RequestHandler {
  if (exposure === 'token' && (!token || token.length < 16))
    throw new Error('METRICS=token needs METRICS_TOKEN (at least 16 characters)');
  const deny = (res: Parameters<RequestHandler>[1], status: number, message: string) =>
    res
      .status(status)
      .json({ error: { code: status === 404 ? 'not_found' : 'forbidden', message } });
  return (req, res) => {
    if (exposure === 'off') return deny(res, 404, 'no such endpoint');
    if (exposure === 'loopback' && !fromThisMachine(req))
      return deny(
        res,
        403,
        'Metrics are served only to this machine; set METRICS=token or METRICS=public to open them.',
      );
    if (exposure === 'token') {
      const given = bearerToken(req);
      if (!given || !sameSecret(given, token!)) {
        res.setHeader('WWW-Authenticate', 'Bearer');
        return res.status(401).json({
          error: {
            code: 'unauthorized',
            message: 'Metrics need Authorization: Bearer <METRICS_TOKEN>.',
          },
        });
      }
    }
    res.type('text/plain; version=0.0.4').send(metrics.render());
  };
}
