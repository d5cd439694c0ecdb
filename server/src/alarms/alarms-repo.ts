/**
 * Alarms in the database. One open alarm per (screen, kind, code): raising it again updates
 * it (count, time, message) instead of adding another; clearing closes it for the record.
 * Every write takes a change-log revision first, which also serializes alarm writers across
 * server nodes (see db/revisions.ts).
 */
import type { Knex } from 'knex';
import type { Alarm, AlarmKind, AlarmNote, FaultSeverity, User } from '../../../protocol';
import { recordAudit } from '../audit/audit-log';
import { newId } from '../auth/tokens';
import { reserveRevisions } from '../db/revisions';
import { AppError } from '../errors';

export interface AlarmRow {
  id: string;
  screen_id: string;
  kind: AlarmKind;
  code: string;
  severity: FaultSeverity;
  status: Alarm['status'];
  message: string;
  flapping: boolean | number;
  count: number;
  raised_at: number | string;
  updated_at: number | string;
  acknowledged_by: string | null;
  acknowledged_by_name?: string | null;
  /** JSON array of AlarmNote (migration 010). */
  notes?: string | null;
  /** A site alarm's site and JSON array of screen ids (migration 013); null otherwise. */
  site?: string | null;
  screen_ids?: string | null;
  cleared_at: number | string | null;
  open_key: string | null;
  rev: number | string;
}

export const openKey = (screenId: string, kind: AlarmKind, code = '') =>
  `${screenId}|${kind}|${code}`;

export function rowToAlarm(r: AlarmRow): Alarm {
  return {
    id: r.id,
    screenId: r.screen_id,
    kind: r.kind,
    code: r.code,
    severity: r.severity,
    status: r.status,
    message: r.message,
    flapping: Boolean(r.flapping),
    count: Number(r.count),
    raisedAt: Number(r.raised_at),
    updatedAt: Number(r.updated_at),
    acknowledgedBy: r.acknowledged_by,
    acknowledgedByName: r.acknowledged_by_name ?? null,
    clearedAt: r.cleared_at === null ? null : Number(r.cleared_at),
    rev: Number(r.rev),
    notes: r.notes ? (JSON.parse(r.notes) as AlarmNote[]) : [],
    // Only on site alarms, so every other alarm keeps its shape.
    ...(r.site ? { site: r.site, screenIds: JSON.parse(r.screen_ids ?? '[]') as string[] } : {}),
  };
}

export interface RaiseSpec {
  screenId: string;
  kind: AlarmKind;
  code?: string;
  severity: FaultSeverity;
  message: string;
  flapping?: boolean;
}

export async function raiseAlarm(
  knex: Knex,
  spec: RaiseSpec,
  now = Date.now(),
): Promise<{ alarm: Alarm; isNew: boolean }> {
  return knex.transaction(async (trx) => {
    const rev = await reserveRevisions(trx, 1);
    return raiseInTransaction(trx, spec, rev, now);
  });
}

/** Raise (or update the open one) inside a transaction that already holds revision `rev`. */
export async function raiseInTransaction(
  trx: Knex.Transaction,
  spec: RaiseSpec,
  rev: number,
  now: number,
): Promise<{ alarm: Alarm; isNew: boolean }> {
  const key = openKey(spec.screenId, spec.kind, spec.code);
  const message = clipAlarmMessage(spec.message);
  const existing = await trx<AlarmRow>('alarms').where({ open_key: key }).first();
  if (existing) {
    const patch = {
      count: Number(existing.count) + 1,
      updated_at: now,
      message,
      severity: spec.severity,
      flapping: spec.flapping ?? Boolean(existing.flapping),
      rev,
    };
    await trx('alarms').where({ id: existing.id }).update(patch);
    return { alarm: rowToAlarm({ ...existing, ...patch }), isNew: false };
  }
  const row: AlarmRow = {
    id: newId(),
    screen_id: spec.screenId,
    kind: spec.kind,
    code: spec.code ?? '',
    severity: spec.severity,
    status: 'active',
    message,
    flapping: spec.flapping ?? false,
    count: 1,
    raised_at: now,
    updated_at: now,
    acknowledged_by: null,
    cleared_at: null,
    open_key: key,
    rev,
  };
  await trx('alarms').insert(row);
  return { alarm: rowToAlarm(row), isNew: true };
}

export async function clearAlarm(knex: Knex, key: string, now = Date.now()): Promise<Alarm | null> {
  return knex.transaction((trx) => clearInTransaction(trx, key, now));
}

/** `reserved`: a revision the transaction already holds (taken first, as the fault cap does). */
export async function clearInTransaction(
  trx: Knex.Transaction,
  key: string,
  now: number,
  reserved?: number,
): Promise<Alarm | null> {
  // Locked: a clear racing a raise or an acknowledgement must see the other's result.
  const existing = await trx<AlarmRow>('alarms').where({ open_key: key }).forUpdate().first();
  if (!existing) return null;
  const rev = reserved ?? (await reserveRevisions(trx, 1));
  const patch = {
    status: 'cleared' as const,
    cleared_at: now,
    updated_at: now,
    open_key: null,
    rev,
  };
  await trx('alarms').where({ id: existing.id }).update(patch);
  return rowToAlarm({ ...existing, ...patch });
}

/**
 * Acknowledging is idempotent: an acknowledged alarm stays as it is (and is not audited again);
 * a cleared one is refused. Audited as `alarm.acknowledged` in the same transaction.
 */
export async function acknowledgeAlarm(
  knex: Knex,
  alarmId: string,
  user: Pick<User, 'id' | 'name' | 'role'>,
  now = Date.now(),
): Promise<{ alarm: Alarm; changed: boolean }> {
  return knex.transaction(async (trx) => {
    const existing = await trx<AlarmRow>('alarms').where({ id: alarmId }).forUpdate().first();
    if (!existing) throw new AppError('not_found', `no alarm "${alarmId}"`);
    if (existing.status !== 'active') return { alarm: rowToAlarm(existing), changed: false };
    const rev = await reserveRevisions(trx, 1);
    const patch = {
      status: 'acknowledged' as const,
      acknowledged_by: user.id,
      acknowledged_by_name: user.name,
      updated_at: now,
      rev,
    };
    await trx('alarms').where({ id: alarmId }).update(patch);
    const alarm = rowToAlarm({ ...existing, ...patch });
    // Names, not ids, in what a person reads: the screen's name with its id.
    const screen = (await trx('screens').where({ id: alarm.screenId }).first('name')) as
      { name: string } | undefined;
    const screenLabel = screen ? `${screen.name} (${alarm.screenId})` : alarm.screenId;
    await recordAudit(
      trx,
      {
        actor: user,
        action: 'alarm.acknowledged',
        targetType: 'alarm',
        targetId: alarmId,
        summary: `Acknowledged ${alarm.severity} alarm on screen ${screenLabel}: ${alarm.message}`,
        details: { screenId: alarm.screenId, kind: alarm.kind, code: alarm.code },
      },
      now,
    );
    return { alarm, changed: true };
  });
}

export async function openAlarmKeys(knex: Knex): Promise<Set<string>> {
  const rows = await knex('alarms').whereNotNull('open_key').select('open_key');
  return new Set(rows.map((r: { open_key: string }) => r.open_key));
}

export async function alarmsInWindow(knex: Knex, from: number, to: number): Promise<Alarm[]> {
  const rows = await knex<AlarmRow>('alarms')
    .where('rev', '>', from)
    .andWhere('rev', '<=', to)
    .orderBy('rev');
  return rows.map(rowToAlarm);
}

export async function listAlarms(
  knex: Knex,
  opts: { status?: string; screenId?: string; limit: number },
): Promise<Alarm[]> {
  const rows = await knex<AlarmRow>('alarms')
    .modify((q) => {
      if (opts.status) void q.where('status', opts.status);
      if (opts.screenId) void q.where('screen_id', opts.screenId);
    })
    .orderBy('updated_at', 'desc')
    .limit(opts.limit);
  return rows.map(rowToAlarm);
}

/** The alarms table's message column (002_fleet_ops.ts). */
export const ALARM_MESSAGE_MAX = 500;

/**
 * Alarm texts are composed ("<screen name>: <the agent's message>"), so one can outgrow the
 * column even when each part is within its own limit; PostgreSQL would refuse the row and the
 * alarm would be lost. Clipped here, for every kind, with an ellipsis that says so.
 */
export function clipAlarmMessage(message: string): string {
  return message.length <= ALARM_MESSAGE_MAX
    ? message
    : `${message.slice(0, ALARM_MESSAGE_MAX - 1)}…`;
}
