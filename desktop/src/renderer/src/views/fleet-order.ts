/** Filtering and sorting the fleet: pure functions, run at most about once a second. */
import type { Screen, ScreenStatus } from '../../../../../protocol';
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

/** Problems first. */
const stateOrder: Record<ScreenStatus, number> = { lost: 0, offline: 1, unknown: 2, online: 3 };

const byName = (a: Screen, b: Screen) => collator.compare(a.name, b.name) || (a.id < b.id ? -1 : 1);

const comparators: Record<FleetSort, (a: Screen, b: Screen) => number> = {
  name: byName,
  state: (a, b) => stateOrder[a.state] - stateOrder[b.state] || byName(a, b),
  // Longest silent first: that is where an operator looks.
  lastSeen: (a, b) => (a.lastSeen ?? -1) - (b.lastSeen ?? -1) || byName(a, b),
  // Hottest first; screens without a reading last.
  temperature: (a, b) =>
    (b.telemetry?.temperatureC ?? -Infinity) - (a.telemetry?.temperatureC ?? -Infinity) ||
    byName(a, b),
};

export function filterAndSort(
  screens: Map<string, Screen>,
  prefs: Pick<FleetPrefs, 'state' | 'tag' | 'sort' | 'reverse' | 'showRetired'>,
  search: string,
): string[] {
  const q = search.trim().toLowerCase();
  const list: Screen[] = [];
  for (const s of screens.values()) {
    if (s.retired && !prefs.showRetired) continue;
    if (prefs.state !== 'all' && s.state !== prefs.state) continue;
    if (prefs.tag && !s.tags.includes(prefs.tag)) continue;
    if (q && !searchKey(s).includes(q)) continue;
    list.push(s);
  }
  const cmp = comparators[prefs.sort];
  list.sort(prefs.reverse ? (a, b) => cmp(b, a) : cmp);
  return list.map((s) => s.id);
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
