/**
 * Routes, on-call groups and webhooks in the database (migration 014). Rows ↔ the protocol's
 * shapes; lists are JSON text read whole with their row.
 */
import type { Knex } from 'knex';
import {
  AlertRouteInput,
  OnCallGroupInput,
  WebhookInput,
  type AlertRoute,
  type FaultSeverity,
  type OnCallGroup,
  type QuietPolicy,
  type RouteTarget,
  type Webhook,
  type WebhookFormat,
} from '../../../protocol';
import { newId } from '../auth/tokens';

interface RouteRow {
  id: string;
  name: string;
  enabled: boolean | number;
  tags: string;
  min_severity: string;
  kinds: string;
  steps: string;
  escalate_after_min: number | null;
  quiet_hours: string;
  channel_console: boolean | number;
  channel_email: boolean | number;
  webhook_ids: string;
  created_at: number | string;
  updated_at: number | string;
}

interface GroupRow {
  id: string;
  name: string;
  member_ids: string;
  created_at: number | string;
  updated_at: number | string;
}

interface WebhookRow {
  id: string;
  name: string;
  url: string;
  format: string;
  enabled: boolean | number;
  created_at: number | string;
  updated_at: number | string;
}

const list = <T>(text: string): T[] => JSON.parse(text) as T[];

export function toRoute(r: RouteRow): AlertRoute {
  return {
    id: r.id,
    name: r.name,
    enabled: Boolean(r.enabled),
    tags: list<string>(r.tags),
    minSeverity: r.min_severity as FaultSeverity,
    kinds: list<string>(r.kinds),
    steps: list<RouteTarget>(r.steps),
    escalateAfterMinutes: r.escalate_after_min === null ? null : Number(r.escalate_after_min),
    quietHours: r.quiet_hours as QuietPolicy,
    channels: { console: Boolean(r.channel_console), email: Boolean(r.channel_email) },
    webhookIds: list<string>(r.webhook_ids),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

const toGroup = (r: GroupRow): OnCallGroup => ({
  id: r.id,
  name: r.name,
  memberIds: list<string>(r.member_ids),
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

const toWebhook = (r: WebhookRow): Webhook => ({
  id: r.id,
  name: r.name,
  url: r.url,
  format: r.format as WebhookFormat,
  enabled: Boolean(r.enabled),
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

type Db = Knex | Knex.Transaction;

function routeColumns(route: ReturnType<typeof AlertRouteInput.parse>) {
  return {
    name: route.name,
    enabled: route.enabled,
    tags: JSON.stringify([...new Set(route.tags)]),
    min_severity: route.minSeverity,
    kinds: JSON.stringify([...new Set(route.kinds)]),
    steps: JSON.stringify(route.steps),
    escalate_after_min: route.escalateAfterMinutes,
    quiet_hours: route.quietHours,
    channel_console: route.channels.console,
    channel_email: route.channels.email,
    webhook_ids: JSON.stringify([...new Set(route.webhookIds)]),
  };
}

export const routesRepo = {
  async list(db: Db): Promise<AlertRoute[]> {
    const rows: RouteRow[] = await db('alert_routes').orderBy([
      { column: 'created_at', order: 'asc' },
      { column: 'id', order: 'asc' },
    ]);
    return rows.map(toRoute);
  },
  async get(db: Db, id: string): Promise<AlertRoute | null> {
    const row: RouteRow | undefined = await db('alert_routes').where({ id }).first();
    return row ? toRoute(row) : null;
  },
  async create(db: Db, input: ReturnType<typeof AlertRouteInput.parse>, now: number) {
    const id = newId();
    await db('alert_routes').insert({
      id,
      ...routeColumns(input),
      created_at: now,
      updated_at: now,
    });
    return (await routesRepo.get(db, id))!;
  },
  async update(db: Db, id: string, input: ReturnType<typeof AlertRouteInput.parse>, now: number) {
    const n = await db('alert_routes')
      .where({ id })
      .update({ ...routeColumns(input), updated_at: now });
    return n ? routesRepo.get(db, id) : null;
  },
  remove: async (db: Db, id: string) => (await db('alert_routes').where({ id }).delete()) > 0,
};

export const groupsRepo = {
  async list(db: Db): Promise<OnCallGroup[]> {
    const rows: GroupRow[] = await db('alert_groups').orderBy('name');
    return rows.map(toGroup);
  },
  async get(db: Db, id: string): Promise<OnCallGroup | null> {
    const row: GroupRow | undefined = await db('alert_groups').where({ id }).first();
    return row ? toGroup(row) : null;
  },
  async create(db: Db, input: ReturnType<typeof OnCallGroupInput.parse>, now: number) {
    const id = newId();
    await db('alert_groups').insert({
      id,
      name: input.name,
      member_ids: JSON.stringify(input.memberIds),
      created_at: now,
      updated_at: now,
    });
    return (await groupsRepo.get(db, id))!;
  },
  async update(db: Db, id: string, input: ReturnType<typeof OnCallGroupInput.parse>, now: number) {
    const n = await db('alert_groups')
      .where({ id })
      .update({ name: input.name, member_ids: JSON.stringify(input.memberIds), updated_at: now });
    return n ? groupsRepo.get(db, id) : null;
  },
  remove: async (db: Db, id: string) => (await db('alert_groups').where({ id }).delete()) > 0,
};

export const webhooksRepo = {
  async list(db: Db): Promise<Webhook[]> {
    const rows: WebhookRow[] = await db('alert_webhooks').orderBy('name');
    return rows.map(toWebhook);
  },
  async get(db: Db, id: string): Promise<Webhook | null> {
    const row: WebhookRow | undefined = await db('alert_webhooks').where({ id }).first();
    return row ? toWebhook(row) : null;
  },
  async create(db: Db, input: ReturnType<typeof WebhookInput.parse>, now: number) {
    const id = newId();
    await db('alert_webhooks').insert({ id, ...input, created_at: now, updated_at: now });
    return (await webhooksRepo.get(db, id))!;
  },
  async update(db: Db, id: string, input: ReturnType<typeof WebhookInput.parse>, now: number) {
    const n = await db('alert_webhooks')
      .where({ id })
      .update({ ...input, updated_at: now });
    return n ? webhooksRepo.get(db, id) : null;
  },
  remove: async (db: Db, id: string) => (await db('alert_webhooks').where({ id }).delete()) > 0,
};

/** Routes that name a group or a webhook (what a deletion would leave dangling). */
export async function routesUsing(
  db: Db,
  what: { groupId?: string; webhookId?: string },
): Promise<AlertRoute[]> {
  return (await routesRepo.list(db)).filter((r) =>
    what.groupId
      ? r.steps.some((s) => s.type === 'group' && s.id === what.groupId)
      : r.webhookIds.includes(what.webhookId ?? ''),
  );
}
