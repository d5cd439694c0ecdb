/**
 * Escalation timers (migration 015 `alert_escalations`): one per (alarm, route), the step of
 * the route's chain to reach next and when. In the database, so an alarm left unacknowledged
 * across a restart still escalates on time. Acknowledging or clearing the alarm ends them.
 */
import type { Knex } from 'knex';
import type { Alarm } from '../../../protocol';
import { newId } from '../auth/tokens';

export interface Escalation {
  id: string;
  alarmId: string;
  routeId: string;
  nextStep: number;
  dueAt: number;
  alarm: Alarm;
}

interface EscalationRow {
  id: string;
  alarm_id: string;
  route_id: string;
  next_step: number;
  due_at: number | string;
  status: string;
  alarm: string;
  lease_until: number | string | null;
}

const toEscalation = (r: EscalationRow): Escalation => ({
  id: r.id,
  alarmId: r.alarm_id,
  routeId: r.route_id,
  nextStep: Number(r.next_step),
  dueAt: Number(r.due_at),
  alarm: JSON.parse(r.alarm) as Alarm,
});

/** Sets (or moves on) the timer of this alarm on this route. */
export async function scheduleEscalation(
  db: Knex,
  alarm: Alarm,
  routeId: string,
  nextStep: number,
  dueAt: number,
  now: number,
): Promise<void> {
  await db('alert_escalations')
    .insert({
      id: newId(),
      alarm_id: alarm.id,
      route_id: routeId,
      next_step: nextStep,
      due_at: dueAt,
      status: 'pending',
      alarm: JSON.stringify(alarm),
      lease_until: null,
      updated_at: now,
    })
    .onConflict(['alarm_id', 'route_id'])
    .merge(['next_step', 'due_at', 'status', 'lease_until', 'updated_at', 'alarm']);
}

export async function endEscalations(db: Knex, alarmId: string, now: number): Promise<number> {
  return db('alert_escalations')
    .where({ alarm_id: alarmId })
    .whereIn('status', ['pending', 'running'])
    .update({ status: 'done', updated_at: now });
}

/** Due timers this node now holds (a running one whose lease ran out is taken over). */
export async function claimDueEscalations(
  db: Knex,
  now: number,
  leaseMs: number,
): Promise<Escalation[]> {
  const rows: EscalationRow[] = await db('alert_escalations')
    .where('due_at', '<=', now)
    .where((w) =>
      w
        .where('status', 'pending')
        .orWhere((x) => x.where('status', 'running').where('lease_until', '<', now)),
    )
    .orderBy('due_at')
    .limit(50);
  const out: Escalation[] = [];
  for (const r of rows) {
    const n = await db('alert_escalations')
      .where({ id: r.id, status: r.status, due_at: r.due_at })
      .update({ status: 'running', lease_until: now + leaseMs, updated_at: now });
    if (n === 1) out.push(toEscalation(r));
  }
  return out;
}

/** The step was reached: done, or the next one is due at `dueAt` — unless the alarm ended meanwhile. */
export async function advanceEscalation(
  db: Knex,
  e: Escalation,
  next: { step: number; dueAt: number } | null,
  now: number,
): Promise<void> {
  await db('alert_escalations')
    .where({ id: e.id, status: 'running' })
    .update(
      next
        ? {
            status: 'pending',
            next_step: next.step,
            due_at: next.dueAt,
            lease_until: null,
            updated_at: now,
          }
        : { status: 'done', lease_until: null, updated_at: now },
    );
}
