/**
 * Screenshot rows (metadata; the image is a file, ./screenshot-files.ts) and the per-tag
 * schedules. Retention is applied here: per screen the newest `keep` rows stay, and rows older
 * than `maxAgeMs` go; the caller deletes the files of the rows this returns.
 */
import type { Knex } from 'knex';
import type {
  ScreenshotMeta,
  ScreenshotMime,
  ScreenshotSchedule,
  ScreenshotTrigger,
} from '../../../protocol';

interface ShotRow {
  id: string;
  screen_id: string;
  captured_at: number | string;
  received_at: number | string;
  mime: ScreenshotMime;
  width: number;
  height: number;
  bytes: number;
  file: string;
  trigger: ScreenshotTrigger;
  command_id: string | null;
}

export interface StoredShot extends ScreenshotMeta {
  /** Relative to the screenshot directory. */
  file: string;
}

const toShot = (r: ShotRow): StoredShot => ({
  id: r.id,
  screenId: r.screen_id,
  capturedAt: Number(r.captured_at),
  receivedAt: Number(r.received_at),
  mime: r.mime,
  width: r.width,
  height: r.height,
  bytes: r.bytes,
  trigger: r.trigger,
  commandId: r.command_id,
  file: r.file,
});

export const metaOf = ({ file: _file, ...meta }: StoredShot): ScreenshotMeta => meta;

export async function insertShot(knex: Knex, shot: StoredShot): Promise<void> {
  await knex('screenshots').insert({
    id: shot.id,
    screen_id: shot.screenId,
    captured_at: shot.capturedAt,
    received_at: shot.receivedAt,
    mime: shot.mime,
    width: shot.width,
    height: shot.height,
    bytes: shot.bytes,
    file: shot.file,
    trigger: shot.trigger,
    command_id: shot.commandId,
  });
}

/** Newest first (by capture time, then arrival). */
export async function listShots(
  knex: Knex,
  screenId: string,
  limit: number,
): Promise<StoredShot[]> {
  const rows = await knex<ShotRow>('screenshots')
    .where({ screen_id: screenId })
    .orderBy([
      { column: 'captured_at', order: 'desc' },
      { column: 'received_at', order: 'desc' },
    ])
    .limit(limit);
  return rows.map(toShot);
}

export async function getShot(
  knex: Knex,
  screenId: string,
  shotId: string,
): Promise<StoredShot | null> {
  const row = await knex<ShotRow>('screenshots').where({ screen_id: screenId, id: shotId }).first();
  return row ? toShot(row) : null;
}

/** The newest capture time per screen, for the schedule (screens without one are absent). */
export async function latestCaptureTimes(
  knex: Knex,
  screenIds: string[],
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (let i = 0; i < screenIds.length; i += 500) {
    const rows = await knex('screenshots')
      .whereIn('screen_id', screenIds.slice(i, i + 500))
      .groupBy('screen_id')
      .select('screen_id', knex.raw('max(received_at) as last'));
    for (const r of rows as { screen_id: string; last: number | string }[])
      out.set(r.screen_id, Number(r.last));
  }
  return out;
}

/**
 * Deletes what retention no longer keeps — of one screen beyond its newest `keep`, and of every
 * screen older than `olderThan` — and returns the deleted rows (their files go next).
 */
export async function pruneShots(
  knex: Knex,
  opts: { screenId?: string; keep: number; olderThan: number },
): Promise<StoredShot[]> {
  const doomed: StoredShot[] = [];
  if (opts.screenId) {
    const beyond = await knex<ShotRow>('screenshots')
      .where({ screen_id: opts.screenId })
      .orderBy([
        { column: 'captured_at', order: 'desc' },
        { column: 'received_at', order: 'desc' },
      ])
      .offset(opts.keep)
      .limit(10_000);
    doomed.push(...beyond.map(toShot));
  }
  const old = await knex<ShotRow>('screenshots')
    .where('received_at', '<', opts.olderThan)
    .modify((q) => (opts.screenId ? q.andWhere({ screen_id: opts.screenId }) : q))
    .limit(10_000);
  for (const r of old) if (!doomed.some((d) => d.id === r.id)) doomed.push(toShot(r));
  for (let i = 0; i < doomed.length; i += 500)
    await knex('screenshots')
      .whereIn(
        'id',
        doomed.slice(i, i + 500).map((d) => d.id),
      )
      .delete();
  return doomed;
}

interface ScheduleRow {
  tag: string;
  every_minutes: number;
  updated_at: number | string;
}

export async function listSchedules(knex: Knex): Promise<ScreenshotSchedule[]> {
  const rows = await knex<ScheduleRow>('screenshot_schedules').orderBy('tag');
  return rows.map((r) => ({
    tag: r.tag,
    everyMinutes: r.every_minutes,
    updatedAt: Number(r.updated_at),
  }));
}

export async function putSchedule(
  knex: Knex,
  tag: string,
  everyMinutes: number,
  userId: string,
  now = Date.now(),
): Promise<ScreenshotSchedule> {
  await knex('screenshot_schedules')
    .insert({ tag, every_minutes: everyMinutes, updated_by: userId, updated_at: now })
    .onConflict('tag')
    .merge();
  return { tag, everyMinutes, updatedAt: now };
}

export async function deleteSchedule(knex: Knex, tag: string): Promise<boolean> {
  return (await knex('screenshot_schedules').where({ tag }).delete()) > 0;
}
