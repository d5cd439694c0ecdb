/**
 * How much trouble a screen is in, for "problems first" (issue 11). Lower is worse.
 * Decision: a lost screen is the worst (nobody knows what it shows); then an active critical
 * alarm (a fault on a screen that still reports), offline, a warning, stale (online but
 * silent), hot, unknown; a quiet online screen last. An acknowledged alarm still counts: it
 * is known, not fixed.
 */
import type { Alarm, Screen } from '../../../../../../protocol';
import { HOT_C, isStale } from '../../format';

export type Trouble =
  'lost' | 'critical' | 'offline' | 'warning' | 'stale' | 'hot' | 'unknown' | 'info' | 'ok';

export const TROUBLE_RANK: Record<Trouble, number> = {
  lost: 0,
  critical: 1,
  offline: 2,
  warning: 3,
  stale: 4,
  hot: 5,
  unknown: 6,
  info: 7,
  ok: 8,
};

export function troubleOf(
  s: Screen,
  worstAlarm: Alarm['severity'] | undefined,
  now: number,
): Trouble {
  if (s.state === 'lost') return 'lost';
  if (worstAlarm === 'critical') return 'critical';
  if (s.state === 'offline') return 'offline';
  if (worstAlarm === 'warning') return 'warning';
  if (isStale(s.state, s.lastSeen, now)) return 'stale';
  if ((s.telemetry?.temperatureC ?? -Infinity) >= HOT_C) return 'hot';
  if (s.state === 'unknown') return 'unknown';
  if (worstAlarm === 'info') return 'info';
  return 'ok';
}

/** The group a screen falls in when the wall is ordered by tag/site: its first tag. */
export const siteOf = (s: Screen): string => [...s.tags].sort()[0] ?? '';
