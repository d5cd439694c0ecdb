/**
 * Maintenance windows for the screen detail and the Alarms view ("In maintenance until …").
 * Asked of the server while the console is live, shared by every view that shows them (one
 * request, refreshed every 30 s and at once after a change made on this console).
 */
import { useEffect, useSyncExternalStore } from 'react';
import type { MaintenanceWindow } from '../../../../../../protocol';
import { consoleApi } from '../../../console-api-client';
import { useConsole } from '../../state/store';
import { can } from '../../state/permissions';

const REFRESH_MS = 30_000;
let windows: MaintenanceWindow[] = [];
const listeners = new Set<() => void>();
let users = 0;
let timer: ReturnType<typeof setInterval> | null = null;

export function refreshMaintenance(): void {
  consoleApi
    .listMaintenance({})
    .then((res) => {
      windows = res.windows;
      for (const l of listeners) l();
    })
    // Offline or refused: keep what was last known (the views say "until …", not "now").
    .catch(() => {});
}

const subscribe = (cb: () => void) => {
  listeners.add(cb);
  return () => listeners.delete(cb);
};

export function useMaintenanceWindows(): MaintenanceWindow[] {
  const live = useConsole((s) => s.connection.status === 'live');
  const allowed = useConsole((s) => can(s.user, 'seeAlarmRules'));
  useEffect(() => {
    if (!live || !allowed) return;
    users += 1;
    if (users === 1) {
      refreshMaintenance();
      timer = setInterval(refreshMaintenance, REFRESH_MS);
    }
    return () => {
      users -= 1;
      if (users === 0 && timer) {
        clearInterval(timer);
        timer = null;
      }
    };
  }, [live, allowed]);
  return useSyncExternalStore(subscribe, () => windows);
}

/** The window covering a screen now (its own or a tag's; the one ending last), as the server decides. */
export function maintenanceOf(
  list: readonly MaintenanceWindow[],
  screen: { id: string; tags: readonly string[] },
  now = Date.now(),
): MaintenanceWindow | null {
  let found: MaintenanceWindow | null = null;
  for (const w of list) {
    if (w.startsAt > now || w.endsAt <= now) continue;
    const covers = w.scope === 'screen' ? w.target === screen.id : screen.tags.includes(w.target);
    if (covers && (!found || w.endsAt > found.endsAt)) found = w;
  }
  return found;
}
