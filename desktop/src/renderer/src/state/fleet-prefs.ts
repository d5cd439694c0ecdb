/** The fleet view's filters, sort and scroll, kept while the operator visits a screen. */
import type { ScreenStatus } from '../../../../../protocol';
import { createStore } from './create-store';

export type FleetSort = 'trouble' | 'site' | 'name' | 'state' | 'lastSeen' | 'temperature';

export interface FleetPrefs {
  state: ScreenStatus | 'all';
  tag: string;
  search: string;
  sort: FleetSort;
  /** Reverse the sort's natural direction. */
  reverse: boolean;
  mode: 'grid' | 'list';
  showRetired: boolean;
  /** Only screens whose report differs from their desired state (features/desired-state/). */
  drift?: boolean;
  scrollTop: number;
}

export const fleetPrefs = createStore<FleetPrefs>({
  state: 'all',
  tag: '',
  search: '',
  sort: 'name',
  reverse: false,
  mode: 'grid',
  showRetired: false,
  scrollTop: 0,
});

export function setFleetPrefs(patch: Partial<FleetPrefs>): void {
  fleetPrefs.set((p) => ({ ...p, ...patch }));
}
