/** Filtering and sorting the fleet: pure functions, run at most about once a second. */
import type { Alarm, Screen, ScreenStatus } from '../../../../../protocol';
import { siteOf, troubleOf, TROUBLE_RANK } from '../features/fleet-wall/trouble';
import type { FleetPrefs, FleetSort } from '../state/fleet-prefs';

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
const searchKeys = new WeakMap<Screen, string>();

function searchKey(s: Screen): string {
  let key = searchKeys.get(s);
  if (key === undefined) {
    key = `${s.name}\n${s.id}\n${s.address ?? ''}`.toLowerCase();
    searchKeys.set(s, key);
  }
  return key;
}

/**
 * A key whose plain string order is a natural, case-insensitive name order ("Screen 2" before
 * "Screen 10"). Intl.Collator is correct but costs ~60 ms for 10,000 names; keys are cached per
 * name, so a re-sort after a batch is plain string comparison (~5 ms).
 */
const nameKeys = new Map<string, string>();
function nameKey(name: string): string {
  let key = nameKeys.get(name);
  if (key === undefined) {
    key = name
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/\d+/g, (d) => d.padStart(12, '0'));
    if (nameKeys.size > 200_000) nameKeys.clear();
    nameKeys.set(name, key);
  }
  return key;
}

/** Problems first. */
const stateOrder: Record<ScreenStatus, number> = { lost: 0, offline: 1, unknown: 2, online: 3 };

interface Row {
  s: Screen;
  k: string;
  /** Trouble rank (features/fleet-wall/trouble.ts); only for the trouble and site orders. */
  t: number;
  site: string;
}

/** What the trouble orders need beyond the screens. */
export interface TroubleContext {
  worstAlarm: Map<string, Alarm['severity']>;
  now: number;
}

const byKey = (a: Row, b: Row) => (a.k < b.k ? -1 : a.k > b.k ? 1 : a.s.id < b.s.id ? -1 : 1);

const comparators: Record<FleetSort, (a: Row, b: Row) => number> = {
  trouble: (a, b) => a.t - b.t || byKey(a, b),
  // Grouped by first tag (screens without one last), trouble first inside each group.
  site: (a, b) =>
    Number(a.site === '') - Number(b.site === '') ||
    (a.site < b.site ? -1 : a.site > b.site ? 1 : 0) ||
    a.t - b.t ||
    byKey(a, b),
  name: byKey,
  state: (a, b) => stateOrder[a.s.state] - stateOrder[b.s.state] || byKey(a, b),
  // Longest silent first: that is where an operator looks.
  lastSeen: (a, b) => (a.s.lastSeen ?? -1) - (b.s.lastSeen ?? -1) || byKey(a, b),
  // Hottest first; screens without a reading last.
  temperature: (a, b) =>
    (b.s.telemetry?.temperatureC ?? -Infinity) - (a.s.telemetry?.temperatureC ?? -Infinity) ||
    byKey(a, b),
};

/** The fleet's filters (state, tag, search, retired): one test, shared by the wall and the map. */
export function matchesFleetFilters(
  s: Screen,
  prefs: Pick<FleetPrefs, 'state' | 'tag' | 'showRetired'> & { drift?: boolean },
  /** The search, trimmed and lower-cased. */
  q: string,
): boolean {
  if (s.retired && !prefs.showRetired) return false;
  if (prefs.drift && !s.desired?.drift.length) return false;
  if (prefs.state !== 'all' && s.state !== prefs.state) return false;
  if (prefs.tag && !s.tags.includes(prefs.tag)) return false;
  return !q || searchKey(s).includes(q);
}

export function filterAndSort(
  screens: Map<string, Screen>,
  prefs: Pick<FleetPrefs, 'state' | 'tag' | 'sort' | 'reverse' | 'showRetired' | 'drift'>,
  search: string,
  trouble: TroubleContext = { worstAlarm: new Map(), now: Date.now() },
): string[] {
  const ranked = prefs.sort === 'trouble' || prefs.sort === 'site';
  const q = search.trim().toLowerCase();
  const list: Row[] = [];
  for (const s of screens.values()) {
    if (!matchesFleetFilters(s, prefs, q)) continue;
    list.push({
      s,
      k: nameKey(s.name),
      t: ranked ? TROUBLE_RANK[troubleOf(s, trouble.worstAlarm.get(s.id), trouble.now)] : 0,
      site: prefs.sort === 'site' ? siteOf(s) : '',
    });
  }
  const cmp = comparators[prefs.sort];
  list.sort(prefs.reverse ? (a, b) => cmp(b, a) : cmp);
  return list.map((r) => r.s.id);
}

export function allTags(screens: Map<string, Screen>): string[] {
  const tags = new Set<string>();
  for (const s of screens.values()) for (const t of s.tags) tags.add(t);
  return [...tags].sort(collator.compare);
}

export function sameIds(a: string[], b: string[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
