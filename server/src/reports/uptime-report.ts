/**
 * One uptime report: checks the range and the filter (a sentence for each mistake), picks the
 * screens, then reads and computes them a chunk at a time (uptime-repo.ts → uptime-calc.ts).
 */
import type { Knex } from 'knex';
import {
  UPTIME_HISTORY_DAYS,
  UPTIME_HOURLY_UP_TO_MS,
  UPTIME_MAX_RANGE_DAYS,
  type UptimeQuery,
  type UptimeReport,
  type UptimeScreenRow,
} from '../../../protocol';
import { AppError } from '../errors';
import { Buckets, assembleReport, screenUptime } from './uptime-calc';
import { SCREEN_CHUNK, loadScreens, statesAt, transitionsIn } from './uptime-repo';

const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;

const days = (ms: number) => {
  const d = ms / DAY_MS;
  return Number.isInteger(d) ? String(d) : d.toFixed(1);
};

/** The range the report covers, or the sentence saying why it cannot be computed. */
export function resolveRange(q: UptimeQuery, now: number): { from: number; to: number } {
  const to = Math.min(q.to ?? now, now);
  const from = q.from ?? to - DAY_MS;
  if (q.from !== undefined && q.from >= now)
    throw new AppError('bad_request', 'from is in the future: there is no history to report yet.');
  if (from >= to)
    throw new AppError('bad_request', 'from must be before to: the range is empty or reversed.');
  if (to - from > UPTIME_MAX_RANGE_DAYS * DAY_MS)
    throw new AppError(
      'bad_request',
      `The range spans ${days(to - from)} days; a report covers at most ${UPTIME_MAX_RANGE_DAYS} days.`,
    );
  if (from < now - UPTIME_HISTORY_DAYS * DAY_MS)
    throw new AppError(
      'bad_request',
      `from is more than ${UPTIME_HISTORY_DAYS} days ago; state history is kept ${UPTIME_HISTORY_DAYS} days, so start the range later.`,
    );
  return { from, to };
}

export async function buildUptimeReport(
  knex: Knex,
  q: UptimeQuery,
  now = Date.now(),
): Promise<UptimeReport> {
  const { from, to } = resolveRange(q, now);
  const all = await loadScreens(knex);
  let screens = all.filter((s) => !s.retired);
  if (q.screenId) {
    const screen = all.find((s) => s.id === q.screenId);
    if (!screen) throw new AppError('not_found', `No screen has the id "${q.screenId}".`);
    if (screen.retired)
      throw new AppError(
        'not_found',
        `Screen ${screen.name} (${screen.id}) is retired; retired screens are not in uptime reports.`,
      );
    screens = [screen];
  } else if (q.tag) {
    const tag = q.tag;
    screens = screens.filter((s) => s.tags.includes(tag));
    if (screens.length === 0)
      throw new AppError('not_found', `No screen in service carries the tag "${tag}".`);
  }

  const buckets = new Buckets(from, to, to - from <= UPTIME_HOURLY_UP_TO_MS ? HOUR_MS : DAY_MS);
  const rows: UptimeScreenRow[] = [];
  for (let i = 0; i < screens.length; i += SCREEN_CHUNK) {
    const chunk = screens.slice(i, i + SCREEN_CHUNK);
    const ids = chunk.map((s) => s.id);
    const [initial, transitions] = await Promise.all([
      statesAt(knex, ids, from),
      transitionsIn(knex, ids, from, to),
    ]);
    for (const s of chunk)
      rows.push(
        screenUptime(s, from, to, initial.get(s.id) ?? null, transitions.get(s.id) ?? [], buckets),
      );
  }
  return assembleReport(rows, buckets, {
    from,
    to,
    generatedAt: now,
    filter: { tag: q.tag ?? null, screenId: q.screenId ?? null },
  });
}
