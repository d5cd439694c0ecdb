/** POST /api/auth/login, POST /api/auth/logout, GET /api/me. */
import { Router } from 'express';
import type { Knex } from 'knex';
import { LoginRequest, type LoginResponse } from '../../../protocol';
import { verifyPassword } from '../auth/passwords';
import { RateLimiter } from '../auth/rate-limit';
import { createSession, revokeSession } from '../auth/sessions';
import { findUserByEmail, toUser } from '../auth/users';
import { AppError } from '../errors';
import { parseBody, requireUser, route, userOf, type AuthedLocals } from './middleware';

/** Per email+address: 10 tries in 15 minutes. */
const LOGIN_LIMIT = 10;
const LOGIN_WINDOW_MS = 15 * 60_000;
/** Verified against when the email is unknown, so timing does not reveal which emails exist. */
const DUMMY_HASH =
  'scrypt$131072$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

export function authRoutes(knex: Knex, sessionTtlMs: number): Router {
  const router = Router();
  const limiter = new RateLimiter(LOGIN_LIMIT, LOGIN_WINDOW_MS);

  router.post(
    '/auth/login',
    route(async (req, res) => {
      const body = parseBody(LoginRequest, req.body);
      const key = `${body.email}|${req.ip}`;
      const waitMs = limiter.hit(key);
      if (waitMs > 0) {
        res.setHeader('Retry-After', String(Math.ceil(waitMs / 1000)));
        throw new AppError(
          'rate_limited',
          `too many sign-in attempts; try again in ${Math.ceil(waitMs / 60000)} min`,
        );
      }
      const row = await findUserByEmail(knex, body.email);
      const valid = await verifyPassword(body.password, row?.password_hash ?? DUMMY_HASH);
      if (!row || !valid) throw new AppError('unauthorized', 'wrong email or password');
      limiter.reset(key);
      const session = await createSession(knex, row.id, sessionTtlMs);
      const response: LoginResponse = {
        token: session.token,
        user: toUser(row),
        expiresAt: session.expiresAt,
      };
      res.json(response);
    }),
  );

  router.post(
    '/auth/logout',
    requireUser(knex),
    route(async (_req, res) => {
      await revokeSession(knex, (res.locals as AuthedLocals).sessionId);
      res.status(204).end();
    }),
  );

  router.get('/me', requireUser(knex), (_req, res) => {
    res.json({ user: userOf(res) });
  });

  return router;
}
