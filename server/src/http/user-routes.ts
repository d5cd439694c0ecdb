/** POST /api/users: admins create accounts (operators, advertisers, other admins). */
import { Router } from 'express';
import type { Knex } from 'knex';
import { CreateUserRequest } from '../../../protocol';
import { createUser, findUserByEmail } from '../auth/users';
import { AppError } from '../errors';
import { parseBody, requireRole, route } from './middleware';

export function userRoutes(knex: Knex): Router {
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
  return router;
}
