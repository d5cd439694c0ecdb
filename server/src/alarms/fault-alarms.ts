/**
 * Fault alarms with a per-screen cap (the decision is in ./README.md): a screen gets at most
 * FAULT_ALARMS_PER_SCREEN open alarms of its own fault codes; further codes fold into one
 * grouped alarm of the screen (kind `fault`, code '' — agent codes are never empty, so it
 * cannot collide with one), whose message says how many and which came last. The folded codes
 * are kept in `alarm_fault_overflow` so that clearing them is exact: the grouped alarm clears
 * when its last folded code has cleared.
 *
 * Every path reserves its revision first: that row lock serializes fault writers across server
 * nodes (db/revisions.ts), so two nodes cannot both see "4 open" and make it 6.
 */
import type { Knex } from 'knex';
import type { Alarm, FaultSeverity } from '../../../protocol';
import { reserveRevisions } from '../db/revisions';
import { clearInTransaction, openKey, raiseInTransaction, rowToAlarm } from './alarms-repo';

export const FAULT_ALARMS_PER_SCREEN = 5;
/** The grouped alarm's code: empty, which no agent fault code can be. */
export const FOLDED_FAULTS_CODE = '';

const OVERFLOW = 'alarm_fault_overflow';
const rank: Record<FaultSeverity, number> = { info: 0, warning: 1, critical: 2 };

export interface FaultSpec {
  screenId: string;
  screenName: string;
  code: string;
  severity: FaultSeverity;
  message: string;
}

interface OverflowRow {
  screen_id: string;
  code: string;
  severity: FaultSeverity;
  message: string;
  ts: number | string;
}

/** The alarm that changed and whether it is new (new alarms notify people). */
export type FaultOutcome = { alarm: Alarm; isNew: boolean };

export async function raiseFault(
  knex: Knex,
  spec: FaultSpec,
  now = Date.now(),
  cap = FAULT_ALARMS_PER_SCREEN,
): Promise<FaultOutcome> {
  return knex.transaction(async (trx) => {
    const rev = await reserveRevisions(trx, 1);
    const raise = {
      screenId: spec.screenId,
      kind: 'fault' as const,
      code: spec.code,
      severity: spec.severity,
      message: `${spec.screenName}: ${spec.message || spec.code}`,
    };
    const own = await trx('alarms')
      .where({ open_key: openKey(spec.screenId, 'fault', spec.code) })
      .first('id');
    const folded = await trx<OverflowRow>(OVERFLOW)
      .where({ screen_id: spec.screenId, code: spec.code })
      .first();
    if (own || (!folded && (await openOwnFaults(trx, spec.screenId)) < cap)) {
      return raiseInTransaction(trx, raise, rev, now);
    }
    const row = {
      screen_id: spec.screenId,
      code: spec.code,
      severity: spec.severity,
      message: spec.message.slice(0, 500),
      ts: now,
    };
    if (folded)
      await trx(OVERFLOW).where({ screen_id: spec.screenId, code: spec.code }).update(row);
    else await trx(OVERFLOW).insert(row);
    return raiseInTransaction(trx, await groupSpec(trx, spec.screenId, spec.screenName), rev, now);
  });
}

/** A `faultCleared`: clears the code's own alarm, or takes it out of the grouped one. */
export async function clearFault(
  knex: Knex,
  screenId: string,
  screenName: string,
  code: string,
  now = Date.now(),
): Promise<Alarm | null> {
  return knex.transaction(async (trx) => {
    // Taken first, like raiseFault: concurrent clears of folded codes must count in turn.
    const rev = await reserveRevisions(trx, 1);
    const own = await clearInTransaction(trx, openKey(screenId, 'fault', code), now, rev);
    if (own) return own;
    const removed = await trx(OVERFLOW).where({ screen_id: screenId, code }).del();
    if (removed === 0) return null;
    const left = await trx(OVERFLOW).where({ screen_id: screenId }).count<{ n: number }[]>({
      n: '*',
    });
    const groupKey = openKey(screenId, 'fault', FOLDED_FAULTS_CODE);
    if (Number(left[0]?.n ?? 0) === 0) return clearInTransaction(trx, groupKey, now, rev);
    const spec = await groupSpec(trx, screenId, screenName);
    const patch = { message: spec.message, severity: spec.severity, updated_at: now, rev };
    const updated = await trx('alarms').where({ open_key: groupKey }).update(patch);
    if (updated === 0) return null;
    return rowToAlarm(await trx('alarms').where({ open_key: groupKey }).first());
  });
}

/** Drops the folded faults of a screen (its grouped alarm was cleared: retired). */
export async function forgetFoldedFaults(knex: Knex, screenId: string): Promise<void> {
  await knex(OVERFLOW).where({ screen_id: screenId }).del();
}

async function openOwnFaults(trx: Knex.Transaction, screenId: string): Promise<number> {
  const rows = await trx('alarms')
    .where({ screen_id: screenId, kind: 'fault' })
    .whereNotNull('open_key')
    .whereNot('code', FOLDED_FAULTS_CODE)
    .count<{ n: number | string }[]>({ n: '*' });
  return Number(rows[0]?.n ?? 0);
}

async function groupSpec(trx: Knex.Transaction, screenId: string, screenName: string) {
  const rows = await trx<OverflowRow>(OVERFLOW)
    .where({ screen_id: screenId })
    .select('code', 'severity', 'message', 'ts');
  let worst: FaultSeverity = 'info';
  let latest = rows[0]!;
  for (const r of rows) {
    if (rank[r.severity] > rank[worst]) worst = r.severity;
    if (Number(r.ts) >= Number(latest.ts)) latest = r;
  }
  const n = rows.length;
  const text = `${screenName}: ${n} more fault${n === 1 ? '' : 's'} open (latest ${latest.code}${latest.message ? `: ${latest.message}` : ''})`;
  return {
    screenId,
    kind: 'fault' as const,
    code: FOLDED_FAULTS_CODE,
    severity: worst,
    message: text.slice(0, 500),
  };
}
