/** What the command palette offers: screens, views, saved fleet views and actions. */
import type { Screen, User } from '../../../../../../protocol';
import { can } from '../../state/permissions';
import { href, navigate } from '../../state/router';
import { setFleetPrefs } from '../../state/fleet-prefs';
import type { SavedView } from '../fleet-wall/saved-views';
import { fuzzyScore } from './fuzzy';

export interface PaletteItem {
  key: string;
  group: 'Screen' | 'View' | 'Saved view' | 'Action';
  label: string;
  hint: string;
  /** Matched besides the label (ids, tags, addresses). */
  keywords: string;
  run(): void;
}

export function paletteItems(
  user: User | null,
  screens: Map<string, Screen>,
  views: SavedView[],
  openSheet: () => void,
): PaletteItem[] {
  const items: PaletteItem[] = [];
  const view = (label: string, to: string, keywords = '') =>
    items.push({
      key: `view:${to}`,
      group: 'View',
      label,
      hint: 'Go to',
      keywords,
      run: () => navigate(to),
    });
  view('Fleet', href.fleet(), 'wall screens grid');
  view('Map', href.map(), 'locations world geography clusters');
  if (can(user, 'seeAlarms')) view('Alarms', href.alarms(), 'faults problems');
  view('Messages', href.messages(), 'conversations chat');
  view('Notifications', href.notifications());
  view('Settings', href.settings());
  view('Diagnostics', href.diagnostics());
  const wall = (key: string, label: string, patch: Parameters<typeof setFleetPrefs>[0]) =>
    items.push({
      key,
      group: 'Action',
      label,
      hint: 'Fleet',
      keywords: 'sort filter',
      run: () => (setFleetPrefs({ ...patch, scrollTop: 0 }), navigate(href.fleet())),
    });
  wall('act:trouble', 'Sort the wall by trouble', { sort: 'trouble', reverse: false });
  wall('act:lost', 'Show lost screens', { state: 'lost' });
  wall('act:all', 'Show all screens', { state: 'all', tag: '', search: '' });
  items.push({
    key: 'act:sheet',
    group: 'Action',
    label: 'Keyboard shortcuts',
    hint: '?',
    keywords: 'help keys',
    run: openSheet,
  });
  for (const v of views)
    items.push({
      key: `saved:${v.name}`,
      group: 'Saved view',
      label: v.name,
      hint: 'Fleet view',
      keywords: '',
      run: () => (setFleetPrefs({ ...v.filters, scrollTop: 0 }), navigate(href.fleet())),
    });
  for (const s of screens.values())
    if (!s.retired)
      items.push({
        key: `screen:${s.id}`,
        group: 'Screen',
        label: s.name,
        hint: s.state,
        keywords: `${s.id} ${s.tags.join(' ')} ${s.address ?? ''}`,
        run: () => navigate(href.screen(s.id)),
      });
  return items;
}

/** The best matches first; an empty query lists views and actions (not 10,000 screens). */
export function matchItems(items: PaletteItem[], query: string, limit = 30): PaletteItem[] {
  if (!query.trim()) return items.filter((i) => i.group !== 'Screen').slice(0, limit);
  const scored: { item: PaletteItem; score: number }[] = [];
  for (const item of items) {
    const byLabel = fuzzyScore(query, item.label);
    const byKeyword = fuzzyScore(query, item.keywords);
    const score = Math.max(byLabel ?? -1, byKeyword === null ? -1 : byKeyword - 50);
    if (score >= 0) scored.push({ item, score });
  }
  scored.sort((a, b) => b.score - a.score || a.item.label.localeCompare(b.item.label));
  return scored.slice(0, limit).map((s) => s.item);
}
