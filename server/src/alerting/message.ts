/**
 * The words of an alarm message, the same for every channel: a title and a body (console
 * notification, e-mail subject and text, webhook text). Stored with each pending delivery, so
 * a message sent after a restart says what it said when it was planned.
 */
import type { Alarm } from '../../../protocol';
import type { AlarmSubject } from './alarm-subject';

/**
 * `reopened`: a flapping screen's cleared alarm became active again (the rules side reopens the
 * same alarm rather than raising a new one, flapping.ts) — told like a raise, worded "down again".
 */
export type AlertEvent = 'raised' | 'reopened' | 'cleared' | 'escalated';

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
  /**
   * Which raise/clear round of the alarm this belongs to: 1 for the first raise and its clear;
   * a reopen of a flapping alarm starts round `alarm.count` (a reopen counts it up), so each
   * reopen and the clear after it have idempotency keys of their own. Absent = 1.
   */
  cycle?: number;
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

const plural = (n: number) => `${n} screen${n === 1 ? '' : 's'}`;

/** A site alarm's headline: "Site harbour: 200 screens down" (count = its screens). */
function siteHeadline(site: string, alarm: Alarm): string {
  const n = alarm.screenIds?.length || alarm.count;
  return `Site ${site}: ${plural(n)} down`;
}

export function composeMessage(
  event: AlertEvent,
  alarm: Alarm,
  subject: AlarmSubject,
  at: number,
  escalatedAfterMin?: number,
  cycle = 1,
): AlertMessage {
  const word = SEVERITY_WORD[alarm.severity] ?? 'Alarm';
  const backOnline = ['lost', 'offline', 'site'].includes(alarm.kind);
  // A site alarm names the site and the count in its title, the same on every channel.
  const headline = subject.site ? siteHeadline(subject.site, alarm) : `${word}: ${subject.name}`;
  let title: string;
  let body: string;
  if (event === 'cleared') {
    title = subject.site
      ? `Back online: site ${subject.site} (${plural(alarm.screenIds?.length || alarm.count)})`
      : `${backOnline ? 'Back online' : 'Cleared'}: ${subject.name}`;
    const since = alarm.clearedAt ?? at;
    const lasted = duration(since - alarm.raisedAt);
    // A site alarm's last message is "K of N still down"; its clear says all are back.
    body = subject.site
      ? `Site ${subject.site}: all ${plural(alarm.screenIds?.length || alarm.count)} back — down for ${lasted}.`
      : `${alarm.message} — cleared after ${lasted}.`;
  } else if (event === 'escalated') {
    title = `Escalated — ${headline}`;
    body = `Not acknowledged for ${escalatedAfterMin ?? '?'} min. ${alarm.message}`;
  } else if (event === 'reopened') {
    title = `${headline} down again (flapping)`;
    body = `${alarm.message} — down again after coming back; it has changed state often lately, so it stays one alarm until it is stable.`;
  } else {
    title = headline;
    body = alarm.message;
  }
  return {
    event,
    title,
    body,
    at,
    ...(cycle > 1 ? { cycle } : {}),
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
