/**
 * REST for alarm rules and maintenance windows (protocol/alarm-rules.ts lists the shapes).
 * Operators and admins read them; only admins change them. Every change reloads this node's
 * policy at once (other nodes pick it up on their next sweep) and is audited by the repo.
 */
import { Router, type Request } from 'express';
import type { Knex } from 'knex';
import type { z } from 'zod';
import {
  AlarmRuleScope,
  AlarmRuleSettings,
  AlarmRuleTarget,
  MaintenanceRequest,
  describeZodError,
  type AlarmRulesResponse,
  type EffectiveRuleResponse,
  type MaintenanceResponse,
} from '../../../protocol';
import { AppError } from '../errors';
import { requireRole, route, userOf } from '../http/middleware';
import type { AlarmPolicy } from './alarm-policy';
import {
  deleteRule,
  endWindow,
  listRules,
  listWindows,
  putRule,
  putWindow,
} from './alarm-rules-repo';

const adminOnly = requireRole('admin');

function target(req: Request): { scope: AlarmRuleScope; target: string } {
  const scope = AlarmRuleScope.safeParse(req.params.scope);
  if (!scope.success)
    throw new AppError(
      'bad_request',
      'A rule is for a "tag" or a "screen": use /tag/NAME or /screen/ID.',
    );
  const name = AlarmRuleTarget.safeParse(req.params.target);
  if (!name.success) throw new AppError('bad_request', describeZodError(name.error));
  return { scope: scope.data, target: name.data };
}

function body<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(value ?? {});
  if (!parsed.success)
    throw new AppError('bad_request', `${what}: ${describeZodError(parsed.error)}`);
  return parsed.data;
}

export function alarmRulesRoutes(
  knex: Knex,
  policy: AlarmPolicy,
  storm: { minScreens: number },
): Router {
  const r = Router();
  r.use('/alarm-rules', requireRole('admin', 'operator'));
  const changed = () => policy.reload();

  r.get(
    '/alarm-rules',
    route(async (_req, res) => {
      const answer: AlarmRulesResponse = {
        rules: await listRules(knex),
        defaults: policy.defaults,
        storm,
      };
      res.json(answer);
    }),
  );

  r.get(
    '/alarm-rules/maintenance',
    route(async (_req, res) => {
      const answer: MaintenanceResponse = { windows: await listWindows(knex) };
      res.json(answer);
    }),
  );

  r.get(
    '/alarm-rules/effective/:screenId',
    route(async (req, res) => {
      const id = String(req.params.screenId);
      const row = (await knex('screens').where({ id }).first('id', 'tags')) as
        { id: string; tags: string } | undefined;
      if (!row) throw new AppError('not_found', `There is no screen "${id}".`);
      await policy.reload();
      const resolved = policy.resolve({ id, tags: JSON.parse(row.tags) as string[] });
      const answer: EffectiveRuleResponse = { screenId: id, ...resolved };
      res.json(answer);
    }),
  );

  r.put(
    '/alarm-rules/maintenance/:scope/:target',
    adminOnly,
    route(async (req, res) => {
      const t = target(req);
      const spec = body(MaintenanceRequest, req.body, 'Maintenance');
      const window = await putWindow(knex, t.scope, t.target, spec, userOf(res));
      await changed();
      res.json({ window });
    }),
  );

  r.delete(
    '/alarm-rules/maintenance/:scope/:target',
    adminOnly,
    route(async (req, res) => {
      const t = target(req);
      const ended = await endWindow(knex, t.scope, t.target, userOf(res));
      await changed();
      res.json({ ended });
    }),
  );

  r.put(
    '/alarm-rules/:scope/:target',
    adminOnly,
    route(async (req, res) => {
      const t = target(req);
      const settings = body(AlarmRuleSettings, req.body, 'Alarm rule');
      const rule = await putRule(knex, t.scope, t.target, settings, userOf(res));
      await changed();
      res.json({ rule });
    }),
  );

  r.delete(
    '/alarm-rules/:scope/:target',
    adminOnly,
    route(async (req, res) => {
      const t = target(req);
      const deleted = await deleteRule(knex, t.scope, t.target, userOf(res));
      await changed();
      res.json({ deleted });
    }),
  );

  return r;
}
