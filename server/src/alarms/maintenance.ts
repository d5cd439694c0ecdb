/**
 * Whether a screen is in maintenance now (README.md: maintenance windows). A screen is in
 * maintenance while a window for itself or for one of its tags has started and not ended;
 * when several cover it, the one ending last is the one the console names ("until …").
 * In maintenance a screen raises no alarm of any kind; the alarms it already had stay open
 * and clear as usual (clearing them would send a "back online" that is not true).
 */
import type { MaintenanceWindow } from '../../../protocol';

export function maintenanceOf(
  windows: readonly MaintenanceWindow[],
  screen: { id: string; tags: readonly string[] },
  now: number,
): MaintenanceWindow | null {
  let found: MaintenanceWindow | null = null;
  for (const w of windows) {
    if (w.startsAt > now || w.endsAt <= now) continue;
    const covers = w.scope === 'screen' ? w.target === screen.id : screen.tags.includes(w.target);
    if (covers && (!found || w.endsAt > found.endsAt)) found = w;
  }
  return found;
}
