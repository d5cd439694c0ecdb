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
import { recordAudit } from '../audit/audit-log';
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
      const user = await createUser(knex, body);
      await recordAudit(knex, {
        actor: (res.locals as AuthedLocals).user,
        action: 'user.created',
        targetType: 'user',
        targetId: user.id,
        summary: `Created ${user.role} account ${user.name} (${user.email})`,
        details: { email: user.email, role: user.role },
      });
      res.status(201).json({ user });
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
      // One entry per change made (never the password itself).
      for (const [action, verb] of [
        ...(body.disabled === true ? [['user.disabled', 'Disabled'] as const] : []),
        ...(body.disabled === false ? [['user.enabled', 'Re-enabled'] as const] : []),
        ...(body.password !== undefined
          ? [['user.password_reset', 'Reset the password of'] as const]
          : []),
      ])
        await recordAudit(knex, {
          actor,
          action,
          targetType: 'user',
          targetId: id,
          summary: `${verb} ${row.name} (${row.email})`,
        });
      res.json({ user: toUser(row), disabled: !!row.disabled_at });
    }),
  );
  return router;
}
