/** Filtering alarms at volume (issue 11): by severity, kind, screen tag and screen. */
import type { Alarm, Screen } from '../../../../../../protocol';

export interface AlarmFilter {
  severity: Alarm['severity'] | 'all';
  kind: Alarm['kind'] | 'all';
  tag: string;
  /** Matches the screen's name or id (case-insensitive, part of it). */
  screen: string;
}

export const NO_ALARM_FILTER: AlarmFilter = { severity: 'all', kind: 'all', tag: '', screen: '' };

export function alarmMatches(a: Alarm, f: AlarmFilter, screens: Map<string, Screen>): boolean {
  if (f.severity !== 'all' && a.severity !== f.severity) return false;
  if (f.kind !== 'all' && a.kind !== f.kind) return false;
  if (!f.tag && !f.screen) return true;
  const s = screens.get(a.screenId);
  if (f.tag && !s?.tags.includes(f.tag)) return false;
  const q = f.screen.trim().toLowerCase();
  if (q && !`${s?.name ?? ''}\n${a.screenId}`.toLowerCase().includes(q)) return false;
  return true;
}

export const kindLabel: Record<Alarm['kind'], string> = {
  lost: 'Connection lost',
  offline: 'Offline',
  heartbeat: 'Missed heartbeats',
  temperature: 'Temperature',
  fault: 'Fault',
  site: 'Site outage',
};
