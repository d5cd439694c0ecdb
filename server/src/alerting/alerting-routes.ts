/**
 * Admin REST under /api/alerting (shapes in protocol/alerting.ts): routes, on-call groups,
 * webhooks, people's contacts, the delivery log; and /api/alerting/me, where any operator or
 * admin sets their own time zone, quiet and working hours. Every change is audited.
 */
import { Router, type Request } from 'express';
import type { Knex } from 'knex';
import {
  AlertRouteInput,
  DeliveryLogQuery,
  OnCallGroupInput,
  PersonContactInput,
  PersonScheduleInput,
  WebhookInput,
  type AlertingStatus,
  type AlertRoute,
} from '../../../protocol';
import { recordAudit } from '../audit/audit-log';
import { AppError } from '../errors';
import { parseBody, requireRole, route, userOf } from '../http/middleware';
import type { AlertingConfig } from './alerting-config';
import { refuseLiteralPrivate } from './channels/webhook-address';
import { contactOf, publicContact, saveContact, staffContacts } from './contacts-repo';
import { deliveryLog } from './dispatch-store';
import { groupsRepo, routesRepo, routesUsing, webhooksRepo } from './setup-repo';

export interface AlertingRouteDeps {
  knex: Knex;
  config: AlertingConfig;
  now(): number;
  status(): AlertingStatus;
}

const idOf = (req: Request) => String(req.params.id);
const names = (routes: AlertRoute[]) => routes.map((r) => `"${r.name}"`).join(', ');

export function alertingRoutes(deps: AlertingRouteDeps): Router {
  const { knex } = deps;
  const r = Router();
  const admin = requireRole('admin');

  /** Steps and webhooks must name things that exist, said in a sentence. */
  async function checkRefs(input: ReturnType<typeof AlertRouteInput.parse>) {
    const staff = new Map((await staffContacts(knex)).map((p) => [p.userId, p]));
    for (const step of input.steps) {
      if (step.type === 'user' && !staff.has(step.id))
        throw new AppError(
          'bad_request',
          `There is no operator or admin "${step.id}" to route alarms to.`,
        );
      if (step.type === 'group' && !(await groupsRepo.get(knex, step.id)))
        throw new AppError('bad_request', `There is no on-call group "${step.id}".`);
    }
    for (const id of input.webhookIds)
      if (!(await webhooksRepo.get(knex, id)))
        throw new AppError('bad_request', `There is no webhook "${id}".`);
  }

  r.get('/alerting/status', admin, (_req, res) => void res.json(deps.status()));

  // routes
  r.get(
    '/alerting/routes',
    admin,
    route(async (_req, res) => res.json({ routes: await routesRepo.list(knex) })),
  );
  r.post(
    '/alerting/routes',
    admin,
    route(async (req, res) => {
      const input = parseBody(AlertRouteInput, req.body);
      await checkRefs(input);
      const actor = userOf(res);
      const created = await knex.transaction(async (trx) => {
        const made = await routesRepo.create(trx, input, deps.now());
        await recordAudit(trx, {
          actor,
          action: 'alerting.route_created',
          targetType: 'alert_route',
          targetId: made.id,
          summary: `Created alarm route "${made.name}"`,
          details: { route: input },
        });
        return made;
      });
      res.status(201).json({ route: created });
    }),
  );
  r.put(
    '/alerting/routes/:id',
    admin,
    route(async (req, res) => {
      const input = parseBody(AlertRouteInput, req.body);
      await checkRefs(input);
      const actor = userOf(res);
      const updated = await knex.transaction(async (trx) => {
        const changed = await routesRepo.update(trx, idOf(req), input, deps.now());
        if (!changed) throw new AppError('not_found', `There is no alarm route "${idOf(req)}".`);
        await recordAudit(trx, {
          actor,
          action: 'alerting.route_updated',
          targetType: 'alert_route',
          targetId: changed.id,
          summary: `Changed alarm route "${changed.name}"`,
          details: { route: input },
        });
        return changed;
      });
      res.json({ route: updated });
    }),
  );
  r.delete(
    '/alerting/routes/:id',
    admin,
    route(async (req, res) => {
      const actor = userOf(res);
      await knex.transaction(async (trx) => {
        const existing = await routesRepo.get(trx, idOf(req));
        if (!existing) throw new AppError('not_found', `There is no alarm route "${idOf(req)}".`);
        await routesRepo.remove(trx, existing.id);
        await recordAudit(trx, {
          actor,
          action: 'alerting.route_deleted',
          targetType: 'alert_route',
          targetId: existing.id,
          summary: `Deleted alarm route "${existing.name}"`,
        });
      });
      res.json({ deleted: idOf(req) });
    }),
  );

  // on-call groups
  r.get(
    '/alerting/groups',
    admin,
    route(async (_req, res) => res.json({ groups: await groupsRepo.list(knex) })),
  );
  const saveGroup = (mode: 'create' | 'update') =>
    route(async (req, res) => {
      const input = parseBody(OnCallGroupInput, req.body);
      const staff = new Set((await staffContacts(knex)).map((p) => p.userId));
      const unknown = input.memberIds.filter((id) => !staff.has(id));
      if (unknown.length)
        throw new AppError(
          'bad_request',
          `A group's members are operators or admins; "${unknown[0]}" is not one.`,
        );
      const actor = userOf(res);
      const group = await knex.transaction(async (trx) => {
        const g =
          mode === 'create'
            ? await groupsRepo.create(trx, input, deps.now())
            : await groupsRepo.update(trx, idOf(req), input, deps.now());
        if (!g) throw new AppError('not_found', `There is no on-call group "${idOf(req)}".`);
        await recordAudit(trx, {
          actor,
          action: mode === 'create' ? 'alerting.group_created' : 'alerting.group_updated',
          targetType: 'alert_group',
          targetId: g.id,
          summary: `${mode === 'create' ? 'Created' : 'Changed'} on-call group "${g.name}" (${g.memberIds.length} member${g.memberIds.length === 1 ? '' : 's'})`,
          details: { memberIds: g.memberIds },
        });
        return g;
      });
      res.status(mode === 'create' ? 201 : 200).json({ group });
    });
  r.post('/alerting/groups', admin, saveGroup('create'));
  r.put('/alerting/groups/:id', admin, saveGroup('update'));
  r.delete(
    '/alerting/groups/:id',
    admin,
    route(async (req, res) => {
      const actor = userOf(res);
      const group = await groupsRepo.get(knex, idOf(req));
      if (!group) throw new AppError('not_found', `There is no on-call group "${idOf(req)}".`);
      const using = await routesUsing(knex, { groupId: group.id });
      if (using.length)
        throw new AppError(
          'conflict',
          `On-call group "${group.name}" is used by route ${names(using)}; take it out of the route first.`,
        );
      await knex.transaction(async (trx) => {
        await groupsRepo.remove(trx, group.id);
        await recordAudit(trx, {
          actor,
          action: 'alerting.group_deleted',
          targetType: 'alert_group',
          targetId: group.id,
          summary: `Deleted on-call group "${group.name}"`,
        });
      });
      res.json({ deleted: group.id });
    }),
  );

  // webhooks
  r.get(
    '/alerting/webhooks',
    admin,
    route(async (_req, res) => res.json({ webhooks: await webhooksRepo.list(knex) })),
  );
  const saveWebhook = (mode: 'create' | 'update') =>
    route(async (req, res) => {
      const input = parseBody(WebhookInput, req.body);
      const refused = refuseLiteralPrivate(input.url, deps.config.webhooksAllowPrivate);
      if (refused) throw new AppError('bad_request', `url: ${refused}`);
      const actor = userOf(res);
      const hook = await knex.transaction(async (trx) => {
        const h =
          mode === 'create'
            ? await webhooksRepo.create(trx, input, deps.now())
            : await webhooksRepo.update(trx, idOf(req), input, deps.now());
        if (!h) throw new AppError('not_found', `There is no webhook "${idOf(req)}".`);
        await recordAudit(trx, {
          actor,
          action: mode === 'create' ? 'alerting.webhook_created' : 'alerting.webhook_updated',
          targetType: 'alert_webhook',
          targetId: h.id,
          summary: `${mode === 'create' ? 'Added' : 'Changed'} ${h.format} webhook "${h.name}" (${new URL(h.url).host})`,
          // The URL's path often is the secret (Slack, Teams): only the host goes in the record.
          details: { host: new URL(h.url).host, format: h.format, enabled: h.enabled },
        });
        return h;
      });
      res.status(mode === 'create' ? 201 : 200).json({ webhook: hook });
    });
  r.post('/alerting/webhooks', admin, saveWebhook('create'));
  r.put('/alerting/webhooks/:id', admin, saveWebhook('update'));
  r.delete(
    '/alerting/webhooks/:id',
    admin,
    route(async (req, res) => {
      const actor = userOf(res);
      const hook = await webhooksRepo.get(knex, idOf(req));
      if (!hook) throw new AppError('not_found', `There is no webhook "${idOf(req)}".`);
      const using = await routesUsing(knex, { webhookId: hook.id });
      if (using.length)
        throw new AppError(
          'conflict',
          `Webhook "${hook.name}" is used by route ${names(using)}; take it out of the route first.`,
        );
      await knex.transaction(async (trx) => {
        await webhooksRepo.remove(trx, hook.id);
        await recordAudit(trx, {
          actor,
          action: 'alerting.webhook_deleted',
          targetType: 'alert_webhook',
          targetId: hook.id,
          summary: `Deleted webhook "${hook.name}"`,
        });
      });
      res.json({ deleted: hook.id });
    }),
  );

  // people's contacts
  r.get(
    '/alerting/contacts',
    admin,
    route(async (_req, res) =>
      res.json({ contacts: (await staffContacts(knex)).map(publicContact) }),
    ),
  );
  r.put(
    '/alerting/contacts/:id',
    admin,
    route(async (req, res) => {
      const input = parseBody(PersonContactInput, req.body);
      const person = await contactOf(knex, idOf(req));
      if (!person) throw new AppError('not_found', `There is no operator or admin "${idOf(req)}".`);
      const actor = userOf(res);
      await knex.transaction(async (trx) => {
        await saveContact(trx, person.userId, input, deps.now());
        await recordAudit(trx, {
          actor,
          action: 'alerting.contact_updated',
          targetType: 'user',
          targetId: person.userId,
          summary: `Changed how ${person.name} is reached for alarms`,
          details: { ...input },
        });
      });
      res.json({ contact: publicContact((await contactOf(knex, person.userId))!) });
    }),
  );

  // one's own schedule (operators and admins)
  r.get(
    '/alerting/me',
    requireRole('admin', 'operator'),
    route(async (_req, res) => {
      res.json({ contact: publicContact((await contactOf(knex, userOf(res).id))!) });
    }),
  );
  r.put(
    '/alerting/me',
    requireRole('admin', 'operator'),
    route(async (req, res) => {
      const input = parseBody(PersonScheduleInput, req.body);
      const me = userOf(res);
      await knex.transaction(async (trx) => {
        await saveContact(trx, me.id, input, deps.now());
        await recordAudit(trx, {
          actor: me,
          action: 'alerting.schedule_updated',
          targetType: 'user',
          targetId: me.id,
          summary: `${me.name} changed their alarm hours`,
          details: { ...input },
        });
      });
      res.json({ contact: publicContact((await contactOf(knex, me.id))!) });
    }),
  );

  // delivery log
  r.get(
    '/alerting/deliveries',
    admin,
    route(async (req, res) => {
      const q = parseBody(DeliveryLogQuery, req.query);
      res.json(await deliveryLog(knex, q));
    }),
  );
  return r;
}
