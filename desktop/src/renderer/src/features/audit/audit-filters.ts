/**
 * The audit view's filters as a person sets them (text, dates as calendar days) and as the
 * server takes them (ids, ms epoch). Pure, so it is read and tested without a browser.
 */
import type { ConsoleRequest } from '../../../../shared/console-api';

export interface AuditFilters {
  q: string;
  /** An actor's user id ('' = anyone). */
  actor: string;
  /** An exact action or an area prefix ending in '.' ('' = any). */
  action: string;
  targetType: string;
  targetId: string;
  /** Calendar days in the console's time zone, `YYYY-MM-DD` ('' = open). Both inclusive. */
  fromDay: string;
  toDay: string;
}

export const NO_FILTERS: AuditFilters = {
  q: '',
  actor: '',
  action: '',
  targetType: '',
  targetId: '',
  fromDay: '',
  toDay: '',
};

/** What the action menu offers: each area, then its actions (the server's list, audit-log.ts). */
export const ACTION_GROUPS: { area: string; label: string; actions: [string, string][] }[] = [
  {
    area: 'screen.',
    label: 'Screens',
    actions: [
      ['screen.registered', 'Registered'],
      ['screen.updated', 'Edited'],
      ['screen.retired', 'Retired'],
      ['screen.restored', 'Restored'],
      ['screen.credentials_rotated', 'Credentials rotated'],
      ['screen.imported', 'Imported'],
    ],
  },
  {
    area: 'user.',
    label: 'Users',
    actions: [
      ['user.created', 'Created'],
      ['user.updated', 'Edited'],
      ['user.role_changed', 'Role changed'],
      ['user.disabled', 'Disabled'],
      ['user.enabled', 'Re-enabled'],
      ['user.password_reset', 'Password reset'],
      ['user.password_changed', 'Own password changed'],
    ],
  },
  {
    area: 'access.',
    label: 'Access',
    actions: [
      ['access.granted', 'Granted'],
      ['access.revoked', 'Revoked'],
    ],
  },
  { area: 'command.', label: 'Commands', actions: [['command.sent', 'Sent']] },
  {
    area: 'alarm.',
    label: 'Alarms',
    actions: [
      ['alarm.acknowledged', 'Acknowledged'],
      ['alarm.noted', 'Note added'],
    ],
  },
  {
    area: 'conversation.',
    label: 'Conversations',
    actions: [
      ['conversation.created', 'Started'],
      ['conversation.updated', 'Changed'],
    ],
  },
  { area: 'announcement.', label: 'Announcements', actions: [['announcement.sent', 'Sent']] },
];

export const TARGET_TYPES: [string, string][] = [
  ['screen', 'Screen'],
  ['user', 'User'],
  ['alarm', 'Alarm'],
  ['conversation', 'Conversation'],
  ['announcement', 'Announcement'],
];

/** Local midnight of a `YYYY-MM-DD` day, or undefined when it is not one. */
export function dayStart(day: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return undefined;
  const t = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])).getTime();
  return Number.isFinite(t) ? t : undefined;
}

const nextDay = (ts: number) => {
  const d = new Date(ts);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1).getTime();
};

/** A sentence when the filters cannot be asked for as they are, else null. */
export function filtersProblem(f: AuditFilters): string | null {
  const from = dayStart(f.fromDay);
  const to = dayStart(f.toDay);
  if (from !== undefined && to !== undefined && to < from)
    return 'The end date is before the start date; choose an end date on or after it.';
  if (f.q.length > 200) return 'Search for at most 200 characters.';
  if (f.targetId.length > 200) return 'A target id has at most 200 characters.';
  return null;
}

/** The console API's request for these filters (empty ones left out). */
export function toRequest(f: AuditFilters): ConsoleRequest<'exportAuditCsv'> {
  const from = dayStart(f.fromDay);
  const to = dayStart(f.toDay);
  const trimmed = (s: string) => s.trim() || undefined;
  return {
    q: trimmed(f.q),
    actor: trimmed(f.actor),
    action: trimmed(f.action),
    targetType: trimmed(f.targetType),
    targetId: trimmed(f.targetId),
    from,
    // The end day is included: up to the next midnight.
    to: to === undefined ? undefined : nextDay(to),
  };
}
