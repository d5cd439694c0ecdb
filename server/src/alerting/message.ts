/**
 * The words of an alarm message, the same for every channel: a title and a body (console
 * notification, e-mail subject and text, webhook text). Stored with each pending delivery, so
 * a message sent after a restart says what it said when it was planned.
 */
import type { Alarm } from '../../../protocol';
import type { AlarmSubject } from './alarm-subject';

export type AlertEvent = 'raised' | 'cleared' | 'escalated';

export interface AlertMessage {
  event: AlertEvent;
  title: string;
  body: string;
  at: number;
  alarm: Pick<
    Alarm,
    | 'id'
    | 'screenId'
    | 'kind'
    | 'code'
    | 'severity'
    | 'status'
    | 'message'
    | 'raisedAt'
    | 'clearedAt'
  >;
  screen: AlarmSubject['screen'];
  site: string | null;
  /** The idempotency key of this delivery (set per recipient and channel). */
  key?: string;
  /** E-mail: the address chosen when the delivery was planned. */
  address?: string;
}

const SEVERITY_WORD: Record<string, string> = {
  critical: 'Critical',
  warning: 'Warning',
  info: 'Info',
};

function duration(ms: number): string {
  const min = Math.round(ms / 60_000);
  if (min < 1) return 'under a minute';
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  return `${h} h ${min % 60} min`;
}

export function composeMessage(
  event: AlertEvent,
  alarm: Alarm,
  subject: AlarmSubject,
  at: number,
  escalatedAfterMin?: number,
): AlertMessage {
  const word = SEVERITY_WORD[alarm.severity] ?? 'Alarm';
  const backOnline = ['lost', 'offline', 'site'].includes(alarm.kind);
  let title: string;
  let body: string;
  if (event === 'cleared') {
    title = `${backOnline ? 'Back online' : 'Cleared'}: ${subject.name}`;
    const since = alarm.clearedAt ?? at;
    body = `${alarm.message} — cleared after ${duration(since - alarm.raisedAt)}.`;
  } else if (event === 'escalated') {
    title = `Escalated — ${word}: ${subject.name}`;
    body = `Not acknowledged for ${escalatedAfterMin ?? '?'} min. ${alarm.message}`;
  } else {
    title = `${word}: ${subject.name}`;
    body = alarm.message;
  }
  return {
    event,
    title,
    body,
    at,
    alarm: {
      id: alarm.id,
      screenId: alarm.screenId,
      kind: alarm.kind,
      code: alarm.code,
      severity: alarm.severity,
      status: alarm.status,
      message: alarm.message,
      raisedAt: alarm.raisedAt,
      clearedAt: alarm.clearedAt,
    },
    screen: subject.screen,
    site: subject.site,
  };
}
