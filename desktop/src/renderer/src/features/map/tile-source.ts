/**
 * The optional tile server, chosen per console in Settings and kept in localStorage
 * ("marquee.mapTiles"): where a workstation can reach a tile server (an intranet one, or a
 * public one the network's licence allows) is a fact about that workstation, not the fleet.
 * Empty (the default) means the bundled base map alone, and no tile request at all.
 */
import { createStore } from '../../state/create-store';
import { tileTemplateProblem } from '../../../../shared/map-tile-source';

const KEY = 'marquee.mapTiles';

function read(): string {
  try {
    const saved = localStorage.getItem(KEY) ?? '';
    // A hand-edited or outdated value that no longer passes is ignored, not fetched.
    return saved && !tileTemplateProblem(saved) ? saved : '';
  } catch {
    return '';
  }
}

export const mapTiles = createStore<{ template: string }>({ template: read() });

/** Saves the tile address (empty: none); returns the sentence why not, or null when saved. */
export function setTileTemplate(input: string): string | null {
  const template = input.trim();
  const problem = template ? tileTemplateProblem(template) : null;
  if (problem) return problem;
  try {
    if (template) localStorage.setItem(KEY, template);
    else localStorage.removeItem(KEY);
  } catch {
    // Storage may be unavailable (private mode); the choice then lasts for this session.
  }
  mapTiles.set({ template });
  return null;
}
