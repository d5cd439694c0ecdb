/**
 * Admin REST for people and who sees what (shapes in protocol/admin-users.ts):
 * POST /api/users, PATCH /api/users/:id, GET /api/admin/people,
 * GET /api/admin/grants?userId=, POST /api/admin/grants, POST /api/admin/grants/revoke.
 */
import { Router } from 'express';
import {
  AdminCreateUserRequest,
  AdminUpdateUserRequest,
  ScreenGrantRequest,
  type GrantsResponse,
  type PeopleResponse,
} from '../../../protocol';
import { recordAudit } from '../audit/audit-log';
import { findUserRowById } from '../auth/users';
import { AppError } from '../errors';
import { parseBody, requireRole, route, type AuthedLocals } from '../http/middleware';
import { addGrants, grantsOf, removeGrants } from './grants-repo';
import { listPeople } from './people';
import { createAccount, updateAccount, type UserAdminDeps } from './user-admin';

export function adminUsersRoutes(deps: UserAdminDeps): Router {
  const { knex } = deps;
  const router = Router();
  const admin = requireRole('admin');

  router.get(
    '/admin/people',
    admin,
    route(async (_req, res) => {
      const body: PeopleResponse = { people: await listPeople(knex, deps.presence) };
      res.json(body);
    }),
  );

  router.post(
    '/users',
    admin,
    route(async (req, res) => {
      const body = parseBody(AdminCreateUserRequest, req.body);
      const { user } = res.locals as AuthedLocals;
      res.status(201).json(await createAccount(deps, user, body));
    }),
  );

  router.patch(
    '/users/:id',
    admin,
    route(async (req, res) => {
      const body = parseBody(AdminUpdateUserRequest, req.body);
      const { user, sessionId } = res.locals as AuthedLocals;
      res.json(await updateAccount(deps, user, sessionId, String(req.params.id), body));
    }),
  );

  router.get(
    '/admin/grants',
    admin,
    route(async (req, res) => {
      const userId = typeof req.query.userId === 'string' ? req.query.userId : '';
      if (!userId) throw new AppError('bad_request', 'Say whose grants: ?userId=<id>.');
      const body: GrantsResponse = { grants: await grantsOf(knex, userId) };
      res.json(body);
    }),
  );

  for (const verb of ['grant', 'revoke'] as const) {
    router.post(
      verb === 'grant' ? '/admin/grants' : '/admin/grants/revoke',
      admin,
      route(async (req, res) => {
        const body = parseBody(ScreenGrantRequest, req.body);
        const { user: actor } = res.locals as AuthedLocals;
        const target = await findUserRowById(knex, body.userId);
        if (!target) throw new AppError('not_found', `There is no user "${body.userId}".`);
        // Staff see the whole fleet already; a grant only means something for an advertiser.
        if (target.role !== 'advertiser')
          throw new AppError(
            'bad_request',
            `${target.name} is ${target.role === 'admin' ? 'an admin' : 'an operator'} and sees every screen already; grants are for advertisers.`,
          );
        const changed = await knex.transaction(async (trx) => {
          if (verb === 'grant') {
            const known: string[] = await trx('screens').whereIn('id', body.screenIds).pluck('id');
            const unknown = body.screenIds.filter((id) => !known.includes(id));
            if (unknown.length)
              throw new AppError(
                'not_found',
                `No screen ${unknown.slice(0, 5).join(', ')}${unknown.length > 5 ? ` and ${unknown.length - 5} more` : ''}: pick screens of the fleet.`,
              );
          }
          const ids =
            verb === 'grant'
              ? await addGrants(trx, body.userId, body.screenIds, actor.id)
              : await removeGrants(trx, body.userId, body.screenIds);
          if (ids.length)
            await recordAudit(trx, {
              actor,
              action: verb === 'grant' ? 'access.granted' : 'access.revoked',
              targetType: 'user',
              targetId: body.userId,
              summary: `${verb === 'grant' ? 'Let' : 'No longer lets'} ${target.name} see ${ids.length === 1 ? `screen ${ids[0]}` : `${ids.length} screens`}`,
              details: { screenIds: ids },
            });
          return ids;
        });
        // The advertiser's open consoles gain the screens whole, or forget them, now.
        if (changed.length) await deps.accessChanged([body.userId]);
        const answer: GrantsResponse = { grants: await grantsOf(knex, body.userId) };
        res.json(answer);
      }),
    );
  }
  return router;
}
