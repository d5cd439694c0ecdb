/**
 * From an alarm change to deliveries: plans who is told (routes, groups, schedules), stores
 * the plan (dispatch-store.ts, escalation-store.ts), and a loop sends what is due on each
 * channel with retries, and moves escalations on. Everything due lives in the database, so a
 * restart picks up where the last run stopped.
 */
import type { Knex } from 'knex';
import type { Alarm, AlertRoute, Screen } from '../../../protocol';
import { newId } from '../auth/tokens';
import { insertNotifications, type NotificationService } from '../chat/notifications';
import { reserveRevisions } from '../db/revisions';
import type { Logger } from '../log';
import { subjectOf } from './alarm-subject';
import type { AlertingConfig } from './alerting-config';
import { SendError, sendWebhook, type EmailSender } from './channels/senders';
import { contactOf, staffContacts } from './contacts-repo';
import {
  cancelUnsentRaises,
  claimDue,
  dispatchByKey,
  dispatchKey,
  enqueue,
  latestCycle,
  logAttempt,
  raisesOf,
  settle,
  type Dispatch,
  type Outcome,
  type PlannedDispatch,
} from './dispatch-store';
import {
  advanceEscalation,
  claimDueEscalations,
  endEscalations,
  scheduleEscalation,
  type Escalation,
} from './escalation-store';
import { matchingRoutes } from './matching';
import { composeMessage, type AlertMessage } from './message';
import { planStep, type PlanContext, type Skipped } from './planner';
import { isOnDuty, nextOnDuty } from './schedule';
import { groupsRepo, routesRepo, webhooksRepo } from './setup-repo';

export interface Clock {
  now(): number;
}

export interface EngineDeps {
  knex: Knex;
  log: Logger;
  config: AlertingConfig;
  clock: Clock;
  screenOf(id: string): Screen | undefined;
  notifications: Pick<NotificationService, 'deliver'>;
  email: EmailSender | null;
  /**
   * Whether the alarm is still active (not acknowledged, not cleared), asked when an
   * escalation is due: the timer is ended on acknowledgement, but a node that died between the
   * acknowledgement and ending the timer must not make it fire.
   */
  alarmIsActive(alarmId: string): Promise<boolean>;
}

const MINUTE = 60_000;

export class AlertingEngine {
  private chain: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  constructor(private readonly d: EngineDeps) {}

  /**
   * Alarm feature's hook; changes are handled in order, one at a time, on this node.
   * `reopened`: a flapping screen's cleared alarm is active again (an update, not new, on the
   * rules side) — told as a raise of its own round, so nobody is left believing "back online".
   */
  onAlarmChange(alarm: Alarm, isNew: boolean, reopened = false): void {
    this.chain = this.chain
      .then(() => this.handle(alarm, isNew, reopened))
      .catch((err: unknown) =>
        this.d.log.error({ err, alarmId: alarm.id }, 'alerting: planning failed'),
      )
      .then(() => this.kick());
  }

  /** Resolves once every change handed in so far is planned (tests, shutdown). */
  settled(): Promise<void> {
    return this.chain;
  }

  private async handle(alarm: Alarm, isNew: boolean, reopened: boolean): Promise<void> {
    const now = this.d.clock.now();
    if (isNew && alarm.status === 'active') return this.planRaise(alarm, now);
    // Each reopen counts the alarm up (flapping.ts): its count names the round, so the same
    // reopen seen twice (a republish, two nodes) plans its messages once.
    if (reopened && alarm.status === 'active')
      return this.planRaise(alarm, now, Math.max(2, alarm.count));
    if (alarm.status === 'acknowledged') {
      await endEscalations(this.d.knex, alarm.id, now);
      return;
    }
    if (alarm.status === 'cleared') return this.planClear(alarm, now);
  }

  private async context(now: number): Promise<PlanContext> {
    const [people, groups] = await Promise.all([
      staffContacts(this.d.knex),
      groupsRepo.list(this.d.knex),
    ]);
    return {
      people: new Map(people.map((p) => [p.userId, p])),
      groups: new Map(groups.map((g) => [g.id, g])),
      emailOn: this.d.email !== null,
      now,
    };
  }

  private async logSkipped(alarmId: string, event: string, skipped: Skipped[], now: number) {
    for (const s of skipped)
      await logAttempt(
        this.d.knex,
        { id: newId(), alarmId, event: event as AlertMessage['event'], ...s },
        'skipped',
        0,
        s.why,
        now,
      );
  }

  private async planRaise(alarm: Alarm, now: number, cycle = 1): Promise<void> {
    const subject = subjectOf(alarm, this.d.screenOf);
    const routes = matchingRoutes(await routesRepo.list(this.d.knex), alarm, subject);
    const event = cycle > 1 ? 'reopened' : 'raised';
    const message = composeMessage(event, alarm, subject, now, undefined, cycle);
    const ctx = await this.context(now);
    const planned: PlannedDispatch[] = [];
    if (routes.length === 0) {
      // No route takes it: every operator's and admin's console, as before routing existed, so
      // an alarm nobody thought of is never silent.
      for (const p of ctx.people.values())
        if (!p.disabled)
          planned.push({
            phase: 'raise',
            channel: 'console',
            recipientId: p.userId,
            recipientName: p.name,
            message,
            at: now,
            held: false,
          });
      await enqueue(this.d.knex, planned, now);
      return;
    }
    const hooks = new Map((await webhooksRepo.list(this.d.knex)).map((h) => [h.id, h]));
    for (const route of routes) {
      for (const id of route.webhookIds) {
        const hook = hooks.get(id);
        if (hook?.enabled)
          planned.push({
            phase: 'raise',
            channel: 'webhook',
            recipientId: hook.id,
            recipientName: hook.name,
            message,
            at: now,
            held: false,
          });
      }
      const plan = planStep(route, 0, message, ctx);
      planned.push(...plan.dispatches);
      await this.logSkipped(alarm.id, event, plan.skipped, now);
      await this.scheduleNext(route, alarm, plan.reached, now);
    }
    await enqueue(this.d.knex, planned, now);
  }

  private async scheduleNext(route: AlertRoute, alarm: Alarm, reached: number, now: number) {
    if (route.escalateAfterMinutes === null || reached + 1 >= route.steps.length) return;
    await scheduleEscalation(
      this.d.knex,
      alarm,
      route.id,
      reached + 1,
      now + route.escalateAfterMinutes * MINUTE,
      now,
    );
  }

  /** "Back online" to each receiver of the raise that got it or is getting it; nobody else. */
  private async planClear(alarm: Alarm, now: number): Promise<void> {
    await endEscalations(this.d.knex, alarm.id, now);
    await cancelUnsentRaises(this.d.knex, alarm.id, now);
    const subject = subjectOf(alarm, this.d.screenOf);
    // The clear closes the latest round: after a reopen, its "back online" is a message of
    // its own, not a repeat of the first one (which its key would drop).
    const cycle = await latestCycle(this.d.knex, alarm.id);
    const message = composeMessage('cleared', alarm, subject, now, undefined, cycle);
    const raises = (await raisesOf(this.d.knex, alarm.id)).filter(
      (r) => r.status === 'delivered' || r.status === 'sending' || r.status === 'pending',
    );
    await enqueue(
      this.d.knex,
      raises.map((r) => ({
        phase: 'clear' as const,
        channel: r.channel,
        recipientId: r.recipientId,
        recipientName: r.recipientName,
        message: { ...message, ...(r.message.address ? { address: r.message.address } : {}) },
        at: now,
        held: false,
      })),
      now,
    );
  }

  // --- the loop --------------------------------------------------------------------------

  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => this.kick(), this.d.config.tickMs);
    this.timer.unref();
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.chain;
    await this.running;
  }

  /** Runs a pass now (or right after the one running). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.pass()
      .catch((err: unknown) => this.d.log.error({ err }, 'alerting: delivery pass failed'))
      .finally(() => {
        this.running = null;
        if (this.again && !this.stopped) {
          this.again = false;
          this.kick();
        }
      });
  }

  private async pass(): Promise<void> {
    for (let round = 0; round < 20 && !this.stopped; round++) {
      const now = this.d.clock.now();
      const escalations = await claimDueEscalations(this.d.knex, now, this.d.config.leaseMs);
      for (const e of escalations) await this.escalate(e, now);
      const due = await claimDue(this.d.knex, now, this.d.config.leaseMs);
      await Promise.all(due.map((d) => this.deliver(d)));
      if (escalations.length === 0 && due.length === 0) return;
    }
  }

  private async escalate(e: Escalation, now: number): Promise<void> {
    const route = await routesRepo.get(this.d.knex, e.routeId);
    if (!route?.enabled || !(await this.d.alarmIsActive(e.alarmId)))
      return advanceEscalation(this.d.knex, e, null, now);
    const subject = subjectOf(e.alarm, this.d.screenOf);
    const message = composeMessage(
      'escalated',
      e.alarm,
      subject,
      now,
      route.escalateAfterMinutes ?? 0,
      await latestCycle(this.d.knex, e.alarmId),
    );
    const plan = planStep(route, e.nextStep, message, await this.context(now));
    await this.logSkipped(e.alarmId, 'escalated', plan.skipped, now);
    await enqueue(this.d.knex, plan.dispatches, now);
    const next =
      route.escalateAfterMinutes !== null && plan.reached + 1 < route.steps.length
        ? { step: plan.reached + 1, dueAt: now + route.escalateAfterMinutes * MINUTE }
        : null;
    await advanceEscalation(this.d.knex, e, next, now);
  }

  private async deliver(d: Dispatch): Promise<void> {
    const now = this.d.clock.now();
    let outcome: Outcome;
    try {
      outcome = await this.attempt(d, now);
    } catch (err) {
      const e = err instanceof SendError ? err : new SendError((err as Error).message, true);
      outcome =
        e.retryable && d.attempts + 1 < this.d.config.maxAttempts
          ? {
              status: 'retry',
              at: now + this.d.config.retryBaseMs * 2 ** d.attempts,
              error: e.message,
            }
          : { status: 'failed', error: e.message };
      this.d.log.warn(
        { key: d.key, error: e.message, outcome: outcome.status },
        'alerting: delivery attempt failed',
      );
    }
    if (outcome.status === 'delivered' && d.channel === 'console') return; // settled in attempt
    await settle(this.d.knex, d, outcome, this.d.clock.now());
  }

  /** One try; `delivered` for console deliveries is already stored with the notification. */
  private async attempt(d: Dispatch, now: number): Promise<Outcome> {
    if (d.event === 'cleared') {
      const raise = await dispatchByKey(
        this.d.knex,
        dispatchKey(d.alarmId, 'raise', d.channel, d.recipientId, d.message.cycle),
      );
      if (!raise || raise.status === 'failed' || raise.status === 'cancelled')
        return { status: 'cancelled', why: 'the alarm message itself never reached them' };
      if (raise.status !== 'delivered') return { status: 'later', at: now + this.d.config.tickMs };
    }
    if (d.channel !== 'webhook') {
      const person = await contactOf(this.d.knex, d.recipientId);
      if (!person || person.disabled)
        return { status: 'cancelled', why: 'this person is no longer an active operator or admin' };
      // A held message waits until they are on duty; their schedule may have changed meanwhile.
      if (d.status === 'held' && !isOnDuty(person, now)) {
        const at = nextOnDuty(person, now) ?? now;
        if (at > now)
          return { status: 'held', at, why: `still off duty until ${new Date(at).toISOString()}` };
      }
    }
    switch (d.channel) {
      case 'console':
        await this.deliverToConsole(d, now);
        return { status: 'delivered' };
      case 'email':
        if (!this.d.email)
          return { status: 'cancelled', why: 'e-mail is off: no SMTP server is configured' };
        await this.d.email.send(d.message);
        return { status: 'delivered' };
      case 'webhook': {
        const hook = await webhooksRepo.get(this.d.knex, d.recipientId);
        if (!hook?.enabled)
          return { status: 'cancelled', why: 'the webhook was removed or disabled' };
        await sendWebhook(hook, d.message, this.d.config.webhooksAllowPrivate);
        return { status: 'delivered' };
      }
    }
  }

  /** The notification and the delivery's "delivered" commit together: exactly once. */
  private async deliverToConsole(d: Dispatch, now: number): Promise<void> {
    const delivered = await this.d.knex.transaction(async (trx) => {
      const rev = await reserveRevisions(trx, 1);
      const out = await insertNotifications(trx, rev, [d.recipientId], {
        kind: 'alarm',
        title: d.message.title,
        body: d.message.body,
        ref: { type: 'alarm', id: d.alarmId },
      });
      await settle(trx, d, { status: 'delivered' }, now);
      return out;
    });
    this.d.notifications.deliver(delivered);
  }
}
