/** Hash routing (works from file:// under Electron and from the browser host alike). */
import { useSyncExternalStore } from 'react';

export type Route =
  | { view: 'fleet' }
  | { view: 'screen'; screenId: string }
  | { view: 'alarms' }
  | { view: 'messages'; conversationId: string | null }
  | { view: 'notifications' }
  | { view: 'diagnostics' }
  | { view: 'settings' }
  | { view: 'people'; userId: string | null }
  // audit
  | { view: 'audit' }
  // reports
  | { view: 'reports' }
  // alarm rules
  | { view: 'alarmRules' }
  // alerting: routes, on-call groups, people's contacts, webhooks, delivery log (admins)
  | { view: 'alerting'; tab: AlertingTab }
  // conversations: start one (optionally about a screen)
  | { view: 'newConversation'; screenId: string | null }
  // map (issue 13)
  | { view: 'map' }
  // screenshots (issue 13): the per-tag schedules
  | { view: 'screenshotSchedules' }
  // campaigns (issue 12)
  | { view: 'campaigns'; campaignId: string | null };

export const ALERTING_TABS = ['routes', 'groups', 'people', 'webhooks', 'log'] as const;
export type AlertingTab = (typeof ALERTING_TABS)[number];

export function parseRoute(hash: string): Route {
  const parts = hash
    .replace(/^#\/?/, '')
    .split('/')
    .map((p) => {
      try {
        return decodeURIComponent(p);
      } catch {
        return p;
      }
    });
  switch (parts[0]) {
    case 'screens':
      return parts[1] ? { view: 'screen', screenId: parts[1] } : { view: 'fleet' };
    case 'alarms':
      return { view: 'alarms' };
    case 'messages':
      return { view: 'messages', conversationId: parts[1] || null };
    case 'notifications':
      return { view: 'notifications' };
    case 'diagnostics':
      return { view: 'diagnostics' };
    case 'settings':
      return { view: 'settings' };
    case 'people':
      return { view: 'people', userId: parts[1] || null };
    // audit
    case 'audit':
      return { view: 'audit' };
    // reports
    case 'reports':
      return { view: 'reports' };
    // alarm rules
    case 'alarm-rules':
      return { view: 'alarmRules' };
    case 'alerting':
      return {
        view: 'alerting',
        tab: (ALERTING_TABS as readonly string[]).includes(parts[1] ?? '')
          ? (parts[1] as AlertingTab)
          : 'routes',
      };
    case 'conversations':
      return { view: 'newConversation', screenId: parts[2] || null };
    case 'map':
      return { view: 'map' };
    case 'screenshot-schedules':
      return { view: 'screenshotSchedules' };
    case 'campaigns':
      return { view: 'campaigns', campaignId: parts[1] || null };
    default:
      return { view: 'fleet' };
  }
}

export const href = {
  fleet: () => '#/fleet',
  screen: (id: string) => `#/screens/${encodeURIComponent(id)}`,
  alarms: () => '#/alarms',
  messages: (id?: string | null) => (id ? `#/messages/${encodeURIComponent(id)}` : '#/messages'),
  notifications: () => '#/notifications',
  diagnostics: () => '#/diagnostics',
  settings: () => '#/settings',
  people: (id?: string | null) => (id ? `#/people/${encodeURIComponent(id)}` : '#/people'),
  // audit
  audit: () => '#/audit',
  // reports
  reports: () => '#/reports',
  // alarm rules
  alarmRules: () => '#/alarm-rules',
  alerting: (tab: AlertingTab = 'routes') => `#/alerting/${tab}`,
  newConversation: (screenId?: string | null) =>
    screenId ? `#/conversations/new/${encodeURIComponent(screenId)}` : '#/conversations/new',
  map: () => '#/map',
  screenshotSchedules: () => '#/screenshot-schedules',
  campaigns: (id?: string | null) => (id ? `#/campaigns/${encodeURIComponent(id)}` : '#/campaigns'),
};

export function navigate(to: string): void {
  if (location.hash !== to) location.hash = to;
}

const subscribe = (cb: () => void) => {
  window.addEventListener('hashchange', cb);
  return () => window.removeEventListener('hashchange', cb);
};

export function useHash(): string {
  return useSyncExternalStore(
    subscribe,
    () => location.hash,
    () => '',
  );
}
