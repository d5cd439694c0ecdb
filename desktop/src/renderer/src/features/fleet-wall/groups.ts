/**
 * Group headers on the wall (issue 11): ordered by trouble or by tag/site, the wall shows a
 * header before each group ("Lost 2", "north 14"). The virtualizer's rows are then headers and
 * rows of tiles; `rowOfIndex` maps a tile's place in the order to its row, for keyboard moves.
 */
import type { Alarm, Screen } from '../../../../../../protocol';
import type { FleetSort } from '../../state/fleet-prefs';
import { siteOf, troubleOf, type Trouble } from './trouble';

export const GROUP_HEAD_H = 34;

const troubleLabel: Record<Trouble, string> = {
  lost: 'Lost',
  critical: 'Critical alarm',
  offline: 'Offline',
  warning: 'Warning',
  stale: 'Stale',
  hot: 'Hot',
  unknown: 'Unknown',
  info: 'Info alarm',
  ok: 'All well',
};

/** Each id's group label, in order; null when the order is not grouped. */
export function groupLabels(
  ids: string[],
  screens: Map<string, Screen>,
  sort: FleetSort,
  worstAlarm: Map<string, Alarm['severity']>,
  now: number,
): string[] | null {
  if (sort !== 'trouble' && sort !== 'site') return null;
  return ids.map((id) => {
    const s = screens.get(id);
    if (!s) return '';
    if (sort === 'site') return siteOf(s) || 'No tag';
    return troubleLabel[troubleOf(s, worstAlarm.get(id), now)];
  });
}

export type WallRow =
  { kind: 'head'; label: string; count: number } | { kind: 'tiles'; start: number; ids: string[] };

export function layoutRows(
  ids: string[],
  groups: string[] | null,
  cols: number,
): { rows: WallRow[]; rowOfIndex: (i: number) => number } {
  const rows: WallRow[] = [];
  const rowAt: number[] = new Array<number>(ids.length);
  let i = 0;
  while (i < ids.length) {
    let end = ids.length;
    if (groups) {
      end = i;
      while (end < ids.length && groups[end] === groups[i]) end++;
      rows.push({ kind: 'head', label: groups[i]!, count: end - i });
    }
    for (let start = i; start < end; start += cols) {
      const stop = Math.min(end, start + cols);
      for (let k = start; k < stop; k++) rowAt[k] = rows.length;
      rows.push({ kind: 'tiles', start, ids: ids.slice(start, stop) });
    }
    i = end;
  }
  return { rows, rowOfIndex: (k) => rowAt[Math.max(0, Math.min(ids.length - 1, k))] ?? 0 };
}

export function sameLabels(a: string[] | null, b: string[] | null): boolean {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
