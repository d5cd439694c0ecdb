/**
 * Scheduled screenshots: every tick, each online screen with a scheduled tag whose newest
 * screenshot is older than its interval (the shortest of its tags') gets the screenshot
 * command, through the command feature like an operator's (stored, audited, offered until the
 * agent answers). The command id is derived from the screen and the interval's time slot, so
 * two server nodes ticking at once send one command, not two (commands are idempotent by id).
 */
import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import type { Screen, User } from '../../../protocol';
import type { CommandFeature } from '../commands/command-feature';
import type { Logger } from '../log';
import { latestCaptureTimes, listSchedules } from './screenshots-repo';

/** Command ids the schedule sends start with this: the upload is then marked `schedule`. */
export const SCHEDULED_COMMAND_PREFIX = 'shotsched-';

/** Who the audit log and the command list name as the sender. */
export const SCHEDULE_ACTOR: User = {
  id: 'system:screenshot-schedule',
  email: 'screenshot-schedule@marquee.local',
  name: 'Screenshot schedule',
  role: 'operator',
};

export interface ScheduleDeps {
  knex: Knex;
  screens(): Screen[];
  commands(): CommandFeature;
  log: Logger;
}

export function scheduledCommandId(screenId: string, everyMs: number, now: number): string {
  const slot = Math.floor(now / everyMs);
  const hash = createHash('sha256').update(`${screenId}|${everyMs}|${slot}`).digest('hex');
  return `${SCHEDULED_COMMAND_PREFIX}${hash.slice(0, 40)}`;
}

/** One pass: returns the screens a screenshot was asked of. */
export async function runScheduleTick(deps: ScheduleDeps, now = Date.now()): Promise<string[]> {
  const schedules = await listSchedules(deps.knex);
  if (schedules.length === 0) return [];
  const every = new Map(schedules.map((s) => [s.tag, s.everyMinutes * 60_000]));
  const due: { id: string; everyMs: number }[] = [];
  const candidates = deps
    .screens()
    .filter((s) => !s.retired && s.state === 'online' && s.capabilities.includes('screenshot'));
  const everyOf = new Map<string, number>();
  for (const s of candidates) {
    const intervals = s.tags.flatMap((t) => (every.has(t) ? [every.get(t)!] : []));
    if (intervals.length) everyOf.set(s.id, Math.min(...intervals));
  }
  const last = await latestCaptureTimes(deps.knex, [...everyOf.keys()]);
  for (const [id, everyMs] of everyOf)
    if ((last.get(id) ?? 0) + everyMs <= now) due.push({ id, everyMs });
  for (const { id, everyMs } of due) {
    await deps
      .commands()
      .send(SCHEDULE_ACTOR, {
        commandId: scheduledCommandId(id, everyMs, now),
        target: { screenIds: [id] },
        type: 'screenshot',
        params: {},
        // It is worth nothing after its own interval: the next slot asks again.
        ttlS: Math.max(5, Math.min(3600, Math.floor(everyMs / 1000))),
      })
      .catch((err: unknown) =>
        deps.log.warn({ err, screenId: id }, 'scheduled screenshot not sent'),
      );
  }
  return due.map((d) => d.id);
}
