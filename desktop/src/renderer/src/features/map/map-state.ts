/**
 * Pure rules of the map: which screens have a place, how states rank (a cluster shows its worst
 * member), and how big a cluster's badge is. No Leaflet here, so it is unit-tested in Node.
 */
import type { Screen, ScreenStatus } from '../../../../../../protocol';

/** Worst first: the same "problems first" order as the fleet wall's state sort. */
export const STATE_RANK: Record<ScreenStatus, number> = {
  lost: 0,
  offline: 1,
  unknown: 2,
  online: 3,
};

export function worseState(a: ScreenStatus, b: ScreenStatus): ScreenStatus {
  return STATE_RANK[b] < STATE_RANK[a] ? b : a;
}

/** The worst state among `states`; null for none. Stops early at `lost` (nothing is worse). */
export function worstState(states: Iterable<ScreenStatus>): ScreenStatus | null {
  let worst: ScreenStatus | null = null;
  for (const s of states) {
    worst = worst === null ? s : worseState(worst, s);
    if (worst === 'lost') break;
  }
  return worst;
}

/**
 * The colour of a state is the theme's own variable (styles/theme.css: --online, --lost, …), the
 * one the fleet wall's badges and count cards use, so both themes and both views agree.
 */
export function stateColor(state: ScreenStatus): string {
  return `var(--${state})`;
}

/** A coordinate the map can place: both numbers present, finite and on the globe. */
export function hasLocation(s: Pick<Screen, 'lat' | 'lng'>): s is { lat: number; lng: number } {
  return (
    typeof s.lat === 'number' &&
    typeof s.lng === 'number' &&
    Number.isFinite(s.lat) &&
    Number.isFinite(s.lng) &&
    Math.abs(s.lat) <= 90 &&
    Math.abs(s.lng) <= 180
  );
}

/** A cluster badge's diameter in px: grows with the count's digits, readable at 10,000+. */
export function clusterDiameter(count: number): number {
  const digits = String(Math.max(1, Math.floor(count))).length;
  return 26 + Math.min(digits, 6) * 6;
}

/** The badge's text: 1234 → "1,234", 25,000 → "25k" (kept short so the badge stays round). */
export function clusterLabel(count: number): string {
  return count >= 10_000 ? `${Math.floor(count / 1000)}k` : count.toLocaleString('en-US');
}
