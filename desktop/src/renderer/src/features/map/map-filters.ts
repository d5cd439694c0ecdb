/**
 * The fleet wall's filters (state/fleet-prefs.ts: state, tag, search, retired) as the map uses
 * them: the same store, so a filter set on the wall is the map's filter and the other way round,
 * and the same test (views/fleet-order.ts `matchesFleetFilters`).
 */
import type { Screen } from '../../../../../../protocol';
import type { FleetPrefs } from '../../state/fleet-prefs';
import { matchesFleetFilters } from '../../views/fleet-order';
import { hasLocation } from './map-state';

export type MapFilter = Pick<FleetPrefs, 'state' | 'tag' | 'search' | 'showRetired'>;

export function mapFilter(prefs: MapFilter): { match: (s: Screen) => boolean; key: string } {
  const q = prefs.search.trim().toLowerCase();
  const { state, tag, showRetired } = prefs;
  return {
    match: (s) => matchesFleetFilters(s, { state, tag, showRetired }, q),
    key: JSON.stringify([state, tag, q, showRetired]),
  };
}

/** The screens the filters show that the map cannot place, by name. */
export function unlocatedScreens(
  screens: Map<string, Screen>,
  match: (s: Screen) => boolean,
): Screen[] {
  const out: Screen[] = [];
  for (const s of screens.values()) if (!hasLocation(s) && match(s)) out.push(s);
  return out.sort((a, b) => a.name.localeCompare(b.name));
}
