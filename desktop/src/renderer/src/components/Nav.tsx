import { useMemo } from 'react';
import { useConsole } from '../state/store';
import { href, type Route } from '../state/router';
import { can, type Ability } from '../state/permissions';
import { Icon, type IconName } from './Icon';
import { WaitingBadge } from '../features/conversations';

interface Item {
  id:
    | 'fleet'
    | 'map'
    | 'alarms'
    | 'messages'
    | 'notifications'
    | 'diagnostics'
    | 'settings'
    | 'people'
    | 'audit'
    | 'reports'
    | 'alarmRules'
    | 'alerting'
    | 'campaigns';
  label: string;
  icon: IconName;
  href: string;
  active: (r: Route) => boolean;
  /** Offered only to users who have it. */
  needs?: Ability;
}

const items: Item[] = [
  {
    id: 'fleet',
    label: 'Fleet',
    icon: 'grid',
    href: href.fleet(),
    active: (r) => r.view === 'fleet' || r.view === 'screen' || r.view === 'screenshotSchedules',
  },
  { id: 'map', label: 'Map', icon: 'map', href: href.map(), active: (r) => r.view === 'map' },
  {
    id: 'alarms',
    label: 'Alarms',
    icon: 'bell',
    href: href.alarms(),
    active: (r) => r.view === 'alarms',
    needs: 'seeAlarms',
  },
  // alarm rules
  {
    id: 'alarmRules',
    label: 'Alarm rules',
    icon: 'gear',
    href: href.alarmRules(),
    active: (r) => r.view === 'alarmRules',
    needs: 'seeAlarmRules',
  },
  {
    id: 'messages',
    label: 'Messages',
    icon: 'chat',
    href: href.messages(),
    active: (r) => r.view === 'messages',
  },
  {
    id: 'notifications',
    label: 'Notifications',
    icon: 'inbox',
    href: href.notifications(),
    active: (r) => r.view === 'notifications',
  },
  // campaigns: everyone (advertisers read their organization's)
  {
    id: 'campaigns',
    label: 'Campaigns',
    icon: 'list',
    href: href.campaigns(),
    active: (r) => r.view === 'campaigns',
  },
  // reports
  {
    id: 'reports',
    label: 'Reports',
    icon: 'pulse',
    href: href.reports(),
    active: (r) => r.view === 'reports',
    needs: 'seeReports',
  },
  // audit
  {
    id: 'audit',
    label: 'Audit log',
    icon: 'list',
    href: href.audit(),
    active: (r) => r.view === 'audit',
    needs: 'seeAudit',
  },
  // alerting
  {
    id: 'alerting',
    label: 'Alerting',
    icon: 'bell',
    href: href.alerting(),
    active: (r) => r.view === 'alerting',
    needs: 'manageAlerting',
  },
  {
    id: 'people',
    label: 'People',
    icon: 'list',
    href: href.people(),
    active: (r) => r.view === 'people',
    needs: 'managePeople',
  },
  {
    id: 'diagnostics',
    label: 'Diagnostics',
    icon: 'pulse',
    href: href.diagnostics(),
    active: (r) => r.view === 'diagnostics',
  },
  {
    id: 'settings',
    label: 'Settings',
    icon: 'gear',
    href: href.settings(),
    active: (r) => r.view === 'settings',
  },
];

export function Nav({ route }: { route: Route }) {
  const alarms = useConsole((s) => s.alarms);
  const conversations = useConsole((s) => s.conversations);
  const notifications = useConsole((s) => s.notifications);
  const user = useConsole((s) => s.user);
  const shown = items.filter((item) => !item.needs || can(user, item.needs));

  const badges = useMemo(() => {
    let active = 0;
    let critical = false;
    for (const a of alarms.values()) {
      if (a.status !== 'active') continue;
      active += 1;
      if (a.severity === 'critical') critical = true;
    }
    let unread = 0;
    for (const c of conversations.values()) unread += c.unread;
    let unreadNotes = 0;
    for (const n of notifications.values()) if (n.readAt === null) unreadNotes += 1;
    return { active, critical, unread, unreadNotes };
  }, [alarms, conversations, notifications]);

  const badgeFor = (id: Item['id']) => {
    if (id === 'alarms' && badges.active)
      return {
        n: badges.active,
        tone: badges.critical ? 'critical' : 'warning',
        label: 'active alarms',
      };
    if (id === 'messages' && badges.unread)
      return { n: badges.unread, tone: 'accent', label: 'unread messages' };
    if (id === 'notifications' && badges.unreadNotes)
      return { n: badges.unreadNotes, tone: 'accent', label: 'unread notifications' };
    return null;
  };

  return (
    <nav className="sidenav" aria-label="Main">
      <ul>
        {shown.map((item) => {
          const active = item.active(route);
          const badge = badgeFor(item.id);
          return (
            <li key={item.id}>
              <a
                href={item.href}
                data-testid={`nav-${item.id}`}
                className={active ? 'nav-link active' : 'nav-link'}
                aria-current={active ? 'page' : undefined}
              >
                <Icon name={item.icon} />
                <span className="nav-label">{item.label}</span>
                {badge && (
                  <span
                    className={`nav-badge tone-${badge.tone}`}
                    aria-label={`${badge.n} ${badge.label}`}
                  >
                    {badge.n > 999 ? '999+' : badge.n}
                  </span>
                )}
                {item.id === 'messages' && <WaitingBadge />}
              </a>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
