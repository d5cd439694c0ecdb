/**
 * Flapping (README.md): a screen whose state changed at least `flapTransitions` times within
 * `flapWindowMs` is flapping. Its lost/offline alarm is ONE alarm marked `flapping`:
 * - going down again reopens the alarm of that kind cleared within the window instead of
 *   raising a new one: an update (`isNew` false, no "new alarm"), published as `reopened` so
 *   alerting tells whoever heard "back online" that it is down again, once per reopen;
 * - coming back does not clear it while the screen is flapping; it clears once the screen is
 *   up and has not changed state for a whole window (it is stable).
 * A reopen needs a clear before it, and a clear a calm window: at most one "down again" per
 * window. So a screen bouncing all night is one alarm and a few messages, the last one true.
 */
import type { Knex } from 'knex';
import type { Alarm } from '../../../protocol';
import { reserveRevisions } from '../db/revisions';
import {
  clipAlarmMessage,
  openKey,
  rowToAlarm,
  type AlarmRow,
  type RaiseSpec,
} from './alarms-repo';

export async function stateChangesWithin(
  knex: Knex,
  screenId: string,
  windowMs: number,
  now: number,
): Promise<number> {
  const row = await knex('screen_state_history')
    .where({ screen_id: screenId })
    .andWhere('ts', '>=', now - windowMs)
    .count<{ n: number | string }[]>({ n: '*' });
  return Number(row[0]?.n ?? 0);
}

/** Reopens the screen's alarm of this kind cleared within the window; null when there is none. */
export async function reopenFlappingAlarm(
  knex: Knex,
  spec: RaiseSpec,
  windowMs: number,
  now = Date.now(),
): Promise<Alarm | null> {
  return knex.transaction(async (trx) => {
    const rev = await reserveRevisions(trx, 1);
    const key = openKey(spec.screenId, spec.kind, spec.code);
    if (await trx('alarms').where({ open_key: key }).first('id')) return null;
    const last = await trx<AlarmRow>('alarms')
      .where({ screen_id: spec.screenId, kind: spec.kind, code: spec.code ?? '' })
      .andWhere('cleared_at', '>=', now - windowMs)
      .orderBy('cleared_at', 'desc')
      .forUpdate()
      .first();
    if (!last) return null;
    // Down again: it needs attention again, so it is active (not acknowledged) once more.
    const patch = {
      status: 'active' as const,
      open_key: key,
      cleared_at: null,
      acknowledged_by: null,
      acknowledged_by_name: null,
      flapping: true,
      count: Number(last.count) + 1,
      severity: spec.severity,
      message: clipAlarmMessage(spec.message),
      updated_at: now,
      rev,
    };
    await trx('alarms').where({ id: last.id }).update(patch);
    return rowToAlarm({ ...last, ...patch });
  });
}
