/** POST /api/auth/login, POST /api/auth/logout, GET /api/me, POST /api/me/password. */
import { Router } from 'express';
import type { Knex } from 'knex';
import { ChangePasswordRequest, LoginRequest, type LoginResponse } from '../../../protocol';
import { verifyPassword } from '../auth/passwords';
import { RateLimiter } from '../auth/rate-limit';
import type { SessionSignals } from '../auth/session-signals';
import { createSession, pruneSessions, revokeSession, revokeUserSessions } from '../auth/sessions';
import { findUserByEmail, findUserRowById, setUserPassword, toUser } from '../auth/users';
import { recordAudit } from '../audit/audit-log';
import { AppError } from '../errors';
import type { Logger } from '../log';
import { parseBody, requireUser, route, userOf, type AuthedLocals } from './middleware';

/** Per email+address: 10 tries in 15 minutes. */
const LOGIN_LIMIT = 10;
const LOGIN_WINDOW_MS = 15 * 60_000;
/**
 * Per address, across emails: 20 failed tries in 15 minutes. Spraying one password over many
 * accounts from one address is slowed after 20; a sign-in that succeeds is not counted, so an
 * office behind one NAT address is not locked out by its own people signing in. Behind a
 * reverse proxy the address is the client's only when TRUST_PROXY names that proxy (config.ts);
 * otherwise it is the proxy's and the limit is shared by everybody behind it — a safe failure.
 */
const ADDRESS_LIMIT = 20;
/** Verified against when the email is unknown, so timing does not reveal which emails exist. */
const DUMMY_HASH =
  'scrypt$131072$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

export interface AuthRouteDeps {
  knex: Knex;
  sessionTtlMs: number;
  signals: SessionSignals;
  log: Logger;
}

const minutes = (ms: number) => Math.max(1, Math.ceil(ms / 60_000));

export function authRoutes({ knex, sessionTtlMs, signals, log }: AuthRouteDeps): Router {
  const router = Router();
  const perEmail = new RateLimiter(LOGIN_LIMIT, LOGIN_WINDOW_MS);
  const perAddress = new RateLimiter(ADDRESS_LIMIT, LOGIN_WINDOW_MS);

  router.post(
    '/auth/login',
    route(async (req, res) => {
      const body = parseBody(LoginRequest, req.body);
      const emailKey = `${body.email}|${req.ip}`;
      const addressKey = `${req.ip}`;
      // Both counted up front, before any password check: concurrent attempts cannot all slip
      // through while the first ones are still being checked.
      const waitMs = Math.max(perEmail.hit(emailKey), perAddress.hit(addressKey));
      if (waitMs > 0) {
        res.setHeader('Retry-After', String(Math.ceil(waitMs / 1000)));
        throw new AppError(
          'rate_limited',
          `Too many sign-in attempts; please try again in ${minutes(waitMs)} min.`,
        );
      }
      const row = await findUserByEmail(knex, body.email);
      const valid = await verifyPassword(body.password, row?.password_hash ?? DUMMY_HASH).catch(
        (err: unknown) => {
          // Refused by the password gate (too many checks waiting): say when to come back.
          if (err instanceof AppError && err.code === 'unavailable')
            res.setHeader('Retry-After', '2');
          throw err;
        },
      );
      if (!row || !valid) throw new AppError('unauthorized', 'wrong email or password');
      perEmail.reset(emailKey);
      perAddress.forgive(addressKey);
      if (row.disabled_at)
        throw new AppError('forbidden', 'This account is disabled; ask an administrator.');
      await pruneSessions(knex, Date.now(), row.id).catch((err: unknown) =>
        log.warn({ err }, 'pruning sessions at sign-in failed'),
      );
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
      const { sessionId } = res.locals as AuthedLocals;
      await revokeSession(knex, sessionId);
      signals.endSession(sessionId, 'logout');
      res.status(204).end();
    }),
  );

  router.get('/me', requireUser(knex), (_req, res) => {
    res.json({ user: userOf(res) });
  });

  router.post(
    '/me/password',
    requireUser(knex),
    route(async (req, res) => {
      const body = parseBody(ChangePasswordRequest, req.body);
      const { user, sessionId } = res.locals as AuthedLocals;
      // A stolen session must not be able to guess the password through this route either.
      const key = `password|${user.id}`;
      const waitMs = perEmail.hit(key);
      if (waitMs > 0) {
        res.setHeader('Retry-After', String(Math.ceil(waitMs / 1000)));
        throw new AppError(
          'rate_limited',
          `Too many attempts; please try again in ${minutes(waitMs)} min.`,
        );
      }
      const row = await findUserRowById(knex, user.id);
      if (!row || !(await verifyPassword(body.currentPassword, row.password_hash)))
        throw new AppError('forbidden', 'The current password is not right.');
      perEmail.reset(key);
      await setUserPassword(knex, user.id, body.newPassword);
      await recordAudit(knex, {
        actor: user,
        action: 'user.password_changed',
        targetType: 'user',
        targetId: user.id,
        summary: `${user.name} changed their own password`,
      });
      // The other consoles of this user were signed in with the old password: they end now.
      await revokeUserSessions(knex, user.id, sessionId);
      signals.endUser(user.id, 'password_changed', sessionId);
      res.status(204).end();
    }),
  );

  return router;
}
