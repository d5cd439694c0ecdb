/** Express helpers: bearer-token auth, role checks, body validation, one error format. */
import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';
import type { Knex } from 'knex';
import type { z } from 'zod';
import { describeZodError, type Role, type User } from '../../../protocol';
import { verifySession } from '../auth/sessions';
import { AppError, httpStatusOf } from '../errors';
import type { Logger } from '../log';

export interface AuthedLocals {
  user: User;
  sessionId: string;
}

export const userOf = (res: Response): User => (res.locals as AuthedLocals).user;

export function bearerToken(req: Request): string | null {
  const header = req.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice(7).trim() : null;
}

export function requireUser(knex: Knex): RequestHandler {
  return (req, res, next) => {
    verifySession(knex, bearerToken(req)).then((session) => {
      if (!session)
        return next(new AppError('unauthorized', 'sign in first (Authorization: Bearer <token>)'));
      (res.locals as AuthedLocals).user = session.user;
      (res.locals as AuthedLocals).sessionId = session.id;
      next();
    }, next);
  };
}

export function requireRole(...roles: Role[]): RequestHandler {
  return (_req, res, next) => {
    const user = userOf(res);
    if (!roles.includes(user.role)) {
      return next(new AppError('forbidden', `needs role ${roles.join(' or ')}`));
    }
    next();
  };
}

export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const result = schema.safeParse(body);
  if (!result.success) throw new AppError('bad_request', describeZodError(result.error));
  return result.data;
}

/** Wraps an async route so a rejection reaches the error handler. */
export const route =
  (fn: (req: Request, res: Response) => Promise<unknown>): RequestHandler =>
  (req: Request, res: Response, next: NextFunction) => {
    fn(req, res).catch(next);
  };

export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err: unknown, _req, res, _next) => {
    if (err instanceof AppError) {
      res.status(httpStatusOf[err.code]).json({ error: { code: err.code, message: err.message } });
      return;
    }
    const e = err as {
      type?: string;
      status?: number;
      expose?: boolean;
      message?: string;
      encoding?: string;
      charset?: string;
    };
    // body-parser's own errors: malformed JSON, too large.
    if (e.type === 'entity.parse.failed') {
      res
        .status(400)
        .json({ error: { code: 'bad_request', message: `malformed JSON: ${e.message}` } });
      return;
    }
    if (e.type === 'entity.too.large') {
      res.status(413).json({ error: { code: 'too_large', message: 'request body too large' } });
      return;
    }
    // An encoding the body parser cannot read is the client's doing: 415 with a sentence, no
    // stack, nothing logged as a server failure. The code stays within the contract's codes.
    if (e.type === 'encoding.unsupported' || e.type === 'charset.unsupported') {
      const what =
        e.type === 'encoding.unsupported'
          ? `Content-Encoding "${String(e.encoding ?? '').slice(0, 40)}"`
          : `charset "${String(e.charset ?? '').slice(0, 40)}"`;
      res.status(415).json({
        error: {
          code: 'bad_request',
          message: `The request body's ${what} is not supported; send JSON as UTF-8, uncompressed or with gzip, deflate or br.`,
        },
      });
      return;
    }
    // Any other client error the parsers raise (aborted, bad length, corrupt gzip): its status
    // and a plain sentence; only a true server failure is a 500.
    if (typeof e.status === 'number' && e.status >= 400 && e.status < 500 && e.expose) {
      res.status(e.status).json({
        error: { code: 'bad_request', message: `The request could not be read: ${e.message}.` },
      });
      return;
    }
    log.error({ err }, 'request failed');
    res.status(500).json({ error: { code: 'internal', message: 'internal error' } });
  };
}
