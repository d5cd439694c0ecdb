/**
 * POST /api/users: admins create accounts (operators, advertisers, other admins).
 * PATCH /api/users/:id: admins disable/enable an account or set its password; either ends
 * every session of that user at once (sockets included).
 */
import { Router } from 'express';
import type { Knex } from 'knex';
import { CreateUserRequest, UpdateUserRequest } from '../../../protocol';
import type { SessionSignals } from '../auth/session-signals';
import { revokeUserSessions } from '../auth/sessions';
import {
  createUser,
  findUserByEmail,
  findUserRowById,
  setUserDisabled,
  setUserPassword,
  toUser,
} from '../auth/users';
import { AppError } from '../errors';
import { parseBody, requireRole, route, type AuthedLocals } from './middleware';

export function userRoutes(knex: Knex, signals: SessionSignals): Router {
  const router = Router();
  router.post(
    '/users',
    requireRole('admin'),
    route(async (req, res) => {
      const body = parseBody(CreateUserRequest, req.body);
      if (await findUserByEmail(knex, body.email))
        throw new AppError('conflict', `${body.email} already has an account`);
      res.status(201).json({ user: await createUser(knex, body) });
    }),
  );
  router.patch(
    '/users/:id',
    requireRole('admin'),
    route(async (req, res) => {
      const body = parseBody(UpdateUserRequest, req.body);
      const id = String(req.params.id);
      const { user: actor, sessionId } = res.locals as AuthedLocals;
      if (!(await findUserRowById(knex, id))) throw new AppError('not_found', `no user "${id}"`);
      // An admin who disables themselves could leave the network without any admin.
      if (body.disabled && id === actor.id)
        throw new AppError('conflict', 'You cannot disable your own account.');
      if (body.password !== undefined) await setUserPassword(knex, id, body.password);
      if (body.disabled !== undefined) await setUserDisabled(knex, id, body.disabled);
      if (body.disabled || body.password !== undefined) {
        // An admin resetting their own password keeps the session they are using.
        const keep = id === actor.id ? sessionId : undefined;
        await revokeUserSessions(knex, id, keep);
        signals.endUser(id, body.disabled ? 'disabled' : 'password_changed', keep);
      }
      const row = (await findUserRowById(knex, id))!;
      res.json({ user: toUser(row), disabled: !!row.disabled_at });
    }),
  );
  return router;
}
