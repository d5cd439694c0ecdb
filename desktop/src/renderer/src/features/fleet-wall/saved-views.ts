/**
 * Named fleet views (issue 11): a saved set of the wall's filters and order.
 * Decision: kept per user on this console (localStorage, keyed by server and user id), not on
 * the server: a view is a personal way of looking, and it works offline. Saving under an
 * existing name replaces that view. Scroll position is not part of a view.
 */
import type { FleetPrefs } from '../../state/fleet-prefs';
import { createStore } from '../../state/create-store';

export const VIEW_NAME_MAX = 60;
export const VIEWS_MAX = 50;

export type ViewFilters = Pick<
  FleetPrefs,
  'state' | 'tag' | 'search' | 'sort' | 'reverse' | 'mode' | 'showRetired'
>;
export interface SavedView {
  name: string;
  filters: ViewFilters;
}

const keyFor = (owner: string) => `marquee.fleetViews.${owner}`;

export const savedViews = createStore<{ owner: string | null; views: SavedView[] }>({
  owner: null,
  views: [],
});

export function loadViews(owner: string): void {
  if (savedViews.get().owner === owner) return;
  let views: SavedView[] = [];
  try {
    const raw = JSON.parse(localStorage.getItem(keyFor(owner)) ?? '[]') as unknown;
    if (Array.isArray(raw))
      views = raw.filter(
        (v): v is SavedView =>
          typeof v === 'object' && v !== null && typeof (v as SavedView).name === 'string',
      );
  } catch {
    views = []; // a damaged entry is dropped, not fatal
  }
  savedViews.set(() => ({ owner, views }));
}

function persist(views: SavedView[]): void {
  const { owner } = savedViews.get();
  if (!owner) return;
  localStorage.setItem(keyFor(owner), JSON.stringify(views));
  savedViews.set(() => ({ owner, views }));
}

/** Saves the view; returns the sentence to show when the name is not acceptable. */
export function saveView(rawName: string, filters: ViewFilters): string | null {
  const name = rawName.trim();
  if (!name) return 'Give the view a name, for example “Lost in the north”.';
  if (name.length > VIEW_NAME_MAX)
    return `View names are limited to ${VIEW_NAME_MAX} characters; shorten it.`;
  const views = savedViews.get().views.filter((v) => v.name !== name);
  if (views.length >= VIEWS_MAX)
    return `You can keep ${VIEWS_MAX} views; delete one you no longer use first.`;
  persist([...views, { name, filters }].sort((a, b) => a.name.localeCompare(b.name)));
  return null;
}

export function deleteView(name: string): void {
  persist(savedViews.get().views.filter((v) => v.name !== name));
}
