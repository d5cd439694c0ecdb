/**
 * Alarm rules and maintenance windows in the database (migration 012). Every change is
 * audited in the same transaction. A screen-scoped rule or window needs the screen to exist;
 * a tag may be one no screen carries yet (an admin prepares the rule before tagging screens).
 */
import type { Knex } from 'knex';
import type {
  AlarmRule,
  AlarmRuleScope,
  AlarmRuleSettings,
  MaintenanceRequest,
  MaintenanceWindow,
  User,
} from '../../../protocol';
import { recordAudit } from '../audit/audit-log';
import { AppError } from '../errors';

type Actor = Pick<User, 'id' | 'name' | 'role'>;

interface RuleRow {
  scope: AlarmRuleScope;
  target: string;
  settings: string;
  updated_at: number | string;
  updated_by: string | null;
  updated_by_name: string;
}

interface WindowRow {
  scope: AlarmRuleScope;
  target: string;
  starts_at: number | string;
  ends_at: number | string;
  reason: string;
  set_by: string | null;
  set_by_name: string;
  set_at: number | string;
}

/** Rules and windows are read on every sweep: a bound keeps that read small whatever is sent. */
export const ALARM_RULES_MAX = 2000;
export const MAINTENANCE_WINDOWS_MAX = 2000;

async function belowCap(
  trx: Knex.Transaction,
  table: 'alarm_rules' | 'maintenance_windows',
  max: number,
  what: string,
) {
  const rows = await trx(table).count<{ n: number | string }[]>({ n: '*' });
  if (Number(rows[0]?.n ?? 0) >= max)
    throw new AppError(
      'conflict',
      `There are already ${max} ${what}, the most the server keeps; delete one first.`,
    );
}

/** A window longer than this is not maintenance but retirement (admin-screens does that). */
export const MAINTENANCE_MAX_MS = 90 * 24 * 3600_000;

const rowToRule = (r: RuleRow): AlarmRule => ({
  scope: r.scope,
  target: r.target,
  settings: JSON.parse(r.settings) as AlarmRuleSettings,
  updatedAt: Number(r.updated_at),
  updatedByName: r.updated_by_name,
});

const rowToWindow = (r: WindowRow): MaintenanceWindow => ({
  scope: r.scope,
  target: r.target,
  startsAt: Number(r.starts_at),
  endsAt: Number(r.ends_at),
  reason: r.reason,
  setByName: r.set_by_name,
  setAt: Number(r.set_at),
});

const label = (scope: AlarmRuleScope, target: string) =>
  scope === 'tag' ? `tag "${target}"` : `screen ${target}`;

/** Only what the rule sets (nulls dropped), so resolution sees "not set" as absent. */
function compact(settings: AlarmRuleSettings): AlarmRuleSettings {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(settings)) {
    if (v === null || v === undefined) continue;
    if (k === 'severity' && Object.keys(v as object).length === 0) continue;
    out[k] = k === 'ignoreFaultCodes' ? [...new Set(v as string[])] : v;
  }
  return out as AlarmRuleSettings;
}

async function requireScreen(db: Knex | Knex.Transaction, scope: AlarmRuleScope, target: string) {
  if (scope !== 'screen') return;
  const screen = (await db('screens').where({ id: target }).first('id')) as unknown;
  if (!screen) throw new AppError('not_found', `There is no screen "${target}".`);
}

export async function listRules(knex: Knex): Promise<AlarmRule[]> {
  const rows = await knex<RuleRow>('alarm_rules').orderBy(['scope', 'target']);
  return rows.map(rowToRule);
}

export async function putRule(
  knex: Knex,
  scope: AlarmRuleScope,
  target: string,
  input: AlarmRuleSettings,
  actor: Actor,
  now = Date.now(),
): Promise<AlarmRule> {
  const settings = compact(input);
  if (Object.keys(settings).length === 0)
    throw new AppError(
      'bad_request',
      'This rule sets nothing: give at least one of graceMs, heartbeatTimeoutMs, temperatureMaxC, ignoreFaultCodes or severity (or delete the rule).',
    );
  return knex.transaction(async (trx) => {
    await requireScreen(trx, scope, target);
    const before = await trx<RuleRow>('alarm_rules').where({ scope, target }).first();
    const row: RuleRow = {
      scope,
      target,
      settings: JSON.stringify(settings),
      updated_at: now,
      updated_by: actor.id,
      updated_by_name: actor.name,
    };
    if (before) await trx('alarm_rules').where({ scope, target }).update(row);
    else {
      await belowCap(trx, 'alarm_rules', ALARM_RULES_MAX, 'alarm rules');
      await trx('alarm_rules').insert(row);
    }
    await recordAudit(
      trx,
      {
        actor,
        action: before ? 'alarm_rule.updated' : 'alarm_rule.created',
        targetType: 'alarm_rule',
        targetId: `${scope}:${target}`,
        summary: `${before ? 'Changed' : 'Set'} the alarm rule of ${label(scope, target)}`,
        details: {
          before: before ? (JSON.parse(before.settings) as unknown) : null,
          after: settings,
        },
      },
      now,
    );
    return rowToRule(row);
  });
}

export async function deleteRule(
  knex: Knex,
  scope: AlarmRuleScope,
  target: string,
  actor: Actor,
  now = Date.now(),
): Promise<AlarmRule> {
  return knex.transaction(async (trx) => {
    const before = await trx<RuleRow>('alarm_rules').where({ scope, target }).first();
    if (!before)
      throw new AppError('not_found', `There is no alarm rule for ${label(scope, target)}.`);
    await trx('alarm_rules').where({ scope, target }).del();
    await recordAudit(
      trx,
      {
        actor,
        action: 'alarm_rule.deleted',
        targetType: 'alarm_rule',
        targetId: `${scope}:${target}`,
        summary: `Deleted the alarm rule of ${label(scope, target)}`,
        details: { before: JSON.parse(before.settings) as unknown },
      },
      now,
    );
    return rowToRule(before);
  });
}

/** Current and coming windows (one that has ended is gone: the audit log keeps it). */
export async function listWindows(knex: Knex, now = Date.now()): Promise<MaintenanceWindow[]> {
  const rows = await knex<WindowRow>('maintenance_windows')
    .where('ends_at', '>', now)
    .orderBy('ends_at');
  return rows.map(rowToWindow);
}

export async function putWindow(
  knex: Knex,
  scope: AlarmRuleScope,
  target: string,
  req: MaintenanceRequest,
  actor: Actor,
  now = Date.now(),
): Promise<MaintenanceWindow> {
  const startsAt = req.startsAt ?? now;
  if (req.endsAt <= now)
    throw new AppError('bad_request', 'The end of maintenance must be in the future.');
  if (req.endsAt <= startsAt)
    throw new AppError('bad_request', 'Maintenance must end after it starts.');
  if (req.endsAt - startsAt > MAINTENANCE_MAX_MS)
    throw new AppError(
      'bad_request',
      'Maintenance can last at most 90 days; retire a screen that is out of service for longer.',
    );
  return knex.transaction(async (trx) => {
    await requireScreen(trx, scope, target);
    const row: WindowRow = {
      scope,
      target,
      starts_at: startsAt,
      ends_at: req.endsAt,
      reason: req.reason,
      set_by: actor.id,
      set_by_name: actor.name,
      set_at: now,
    };
    // Windows that ended by themselves go with the next change (their start is in the audit log).
    await trx('maintenance_windows').where('ends_at', '<=', now).del();
    const replaced = await trx('maintenance_windows').where({ scope, target }).del();
    if (!replaced)
      await belowCap(trx, 'maintenance_windows', MAINTENANCE_WINDOWS_MAX, 'maintenance windows');
    await trx('maintenance_windows').insert(row);
    await recordAudit(
      trx,
      {
        actor,
        action: 'maintenance.started',
        targetType: 'maintenance',
        targetId: `${scope}:${target}`,
        summary: `Put ${label(scope, target)} in maintenance until ${new Date(req.endsAt).toISOString()}: ${req.reason}`,
        details: { startsAt, endsAt: req.endsAt, reason: req.reason },
      },
      now,
    );
    return rowToWindow(row);
  });
}

export async function endWindow(
  knex: Knex,
  scope: AlarmRuleScope,
  target: string,
  actor: Actor,
  now = Date.now(),
): Promise<MaintenanceWindow> {
  return knex.transaction(async (trx) => {
    const row = await trx<WindowRow>('maintenance_windows')
      .where({ scope, target })
      .andWhere('ends_at', '>', now)
      .first();
    if (!row)
      throw new AppError('not_found', `There is no maintenance for ${label(scope, target)}.`);
    await trx('maintenance_windows').where({ scope, target }).del();
    await recordAudit(
      trx,
      {
        actor,
        action: 'maintenance.ended',
        targetType: 'maintenance',
        targetId: `${scope}:${target}`,
        summary: `Ended the maintenance of ${label(scope, target)}`,
        details: { startsAt: Number(row.starts_at), endsAt: Number(row.ends_at), endedAt: now },
      },
      now,
    );
    return rowToWindow(row);
  });
}
