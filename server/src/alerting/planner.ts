/**
 * Who an alarm change reaches now, on which channels, and whether it waits for quiet hours to
 * end. Pure: everything it needs is passed in, so it is the same on every node and in tests.
 *
 * A step of a route's chain is a person or an on-call group. A group reaches one person: the
 * first member, in the group's order, who is on duty. When nobody of the step is on duty the
 * route decides: `hold` keeps the message for whoever of them comes on duty first (delivered
 * when their quiet hours end); `escalate` passes it to the next step at once (the last step
 * holds, there is nobody further).
 */
import type { AlertRoute, DeliveryChannel, OnCallGroup } from '../../../protocol';
import type { Recipient } from './contacts-repo';
import type { PlannedDispatch } from './dispatch-store';
import type { AlertMessage } from './message';
import { isOnDuty, nextOnDuty } from './schedule';

export interface Skipped {
  channel: DeliveryChannel;
  recipientId: string;
  recipientName: string;
  why: string;
}

export interface StepPlan {
  /** The step that was reached (≥ the one asked for when earlier ones were passed over). */
  reached: number;
  dispatches: PlannedDispatch[];
  skipped: Skipped[];
}

export interface PlanContext {
  people: Map<string, Recipient>;
  groups: Map<string, OnCallGroup>;
  emailOn: boolean;
  now: number;
}

function candidates(route: AlertRoute, step: number, ctx: PlanContext): Recipient[] {
  const target = route.steps[step];
  if (!target) return [];
  const ids = target.type === 'user' ? [target.id] : (ctx.groups.get(target.id)?.memberIds ?? []);
  return ids.map((id) => ctx.people.get(id)).filter((p): p is Recipient => !!p && !p.disabled);
}

/** The channels of one person for a route, as dispatches at `at`. */
export function personDispatches(
  route: Pick<AlertRoute, 'channels'>,
  person: Recipient,
  message: AlertMessage,
  at: number,
  held: boolean,
  emailOn: boolean,
): { dispatches: PlannedDispatch[]; skipped: Skipped[] } {
  const dispatches: PlannedDispatch[] = [];
  const skipped: Skipped[] = [];
  const base = { recipientId: person.userId, recipientName: person.name, at, held };
  if (route.channels.console)
    dispatches.push({ ...base, phase: 'raise', channel: 'console', message });
  if (route.channels.email) {
    if (!emailOn)
      skipped.push({
        ...base,
        channel: 'email',
        why: 'e-mail is off: no SMTP server is configured',
      });
    else if (!person.email)
      skipped.push({ ...base, channel: 'email', why: 'this person has no e-mail address' });
    else
      dispatches.push({
        ...base,
        phase: 'raise',
        channel: 'email',
        message: { ...message, address: person.email },
      });
  }
  return { dispatches, skipped };
}

export function planStep(
  route: AlertRoute,
  step: number,
  message: AlertMessage,
  ctx: PlanContext,
): StepPlan {
  const skipped: Skipped[] = [];
  for (let i = step; i < route.steps.length; i++) {
    const people = candidates(route, i, ctx);
    if (people.length === 0) {
      const t = route.steps[i]!;
      skipped.push({
        channel: 'console',
        recipientId: t.id,
        recipientName: t.type === 'group' ? (ctx.groups.get(t.id)?.name ?? t.id) : t.id,
        why:
          t.type === 'group'
            ? 'the on-call group has no active member'
            : 'this person is no longer an active operator or admin',
      });
      continue;
    }
    const onDuty = people.find((p) => isOnDuty(p, ctx.now));
    if (onDuty) {
      const mine = personDispatches(route, onDuty, message, ctx.now, false, ctx.emailOn);
      return { reached: i, dispatches: mine.dispatches, skipped: [...skipped, ...mine.skipped] };
    }
    const last = i === route.steps.length - 1;
    if (route.quietHours === 'escalate' && !last) {
      for (const p of people)
        skipped.push({
          channel: 'console',
          recipientId: p.userId,
          recipientName: p.name,
          why: 'quiet hours: passed on to the next step',
        });
      continue;
    }
    // Hold for whoever of this step comes on duty first.
    let first = people[0]!;
    let at = nextOnDuty(first, ctx.now) ?? ctx.now;
    for (const p of people.slice(1)) {
      const t = nextOnDuty(p, ctx.now);
      if (t !== null && t < at) [first, at] = [p, t];
    }
    const mine = personDispatches(route, first, message, at, at > ctx.now, ctx.emailOn);
    return { reached: i, dispatches: mine.dispatches, skipped: [...skipped, ...mine.skipped] };
  }
  return { reached: route.steps.length - 1, dispatches: [], skipped };
}
