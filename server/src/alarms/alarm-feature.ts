/** Alarms: evaluation, `ackAlarm`, REST, and the alarms' share of `sync` (operators and admins). */
import { Router } from 'express';
import { NoteAlarmRequest, type Alarm, type User } from '../../../protocol';
import type { Feature, ServerContext } from '../context';
import { AppError } from '../errors';
import { FLEET_ROOM, watchesWholeFleet } from '../fleet/fleet-feature';
import { requireRole, route, userOf } from '../http/middleware';
import { AlarmEvaluator } from './alarm-evaluator';
import { addAlarmNote } from './alarm-notes';
import { alarmRulesRoutes } from './alarm-rules-routes';
import { acknowledgeAlarm, alarmsInWindow, listAlarms } from './alarms-repo';

export interface AlarmFeature extends Feature {
  evaluator: AlarmEvaluator;
}

export function createAlarmFeature(
  ctx: ServerContext,
  /**
   * Every published change of an alarm: raised (`isNew`), updated, acknowledged, cleared, and
   * `reopened` (a flapping screen's cleared alarm active again: an update that alerting tells).
   */
  onAlarmChange: (alarm: Alarm, isNew: boolean, reopened: boolean) => void = () => {},
): AlarmFeature {
  const publish = (alarm: Alarm, isNew: boolean, reopened = false) => {
    ctx.io.to(FLEET_ROOM).emit('alarm', alarm);
    onAlarmChange(alarm, isNew, reopened);
  };
  const evaluator = new AlarmEvaluator(ctx.knex, ctx.config, ctx.log, publish);

  const acknowledge = async (alarmId: string, user: User) => {
    const { alarm, changed } = await acknowledgeAlarm(ctx.knex, alarmId, user);
    if (changed) publish(alarm, false);
    return alarm;
  };
  const note = async (spec: NoteAlarmRequest, user: User) => {
    const { alarm, changed } = await addAlarmNote(ctx.knex, spec, user);
    if (changed) publish(alarm, false);
    return alarm;
  };

  return {
    name: 'alarms',
    evaluator,
    registerSocketEvents(router) {
      router.on('ackAlarm', async ({ user }, { alarmId }) => {
        if (!watchesWholeFleet(user))
          throw new AppError('forbidden', 'only operators and admins handle alarms');
        return acknowledge(alarmId, user);
      });
      router.on('noteAlarm', async ({ user }, spec) => {
        if (!watchesWholeFleet(user))
          throw new AppError('forbidden', 'only operators and admins handle alarms');
        return note(spec, user);
      });
    },
    registerRoutes(router) {
      const r = Router();
      r.use('/alarms', requireRole('admin', 'operator'));
      r.get(
        '/alarms',
        route(async (req, res) => {
          const status = typeof req.query.status === 'string' ? req.query.status : undefined;
          if (status && !['active', 'acknowledged', 'cleared'].includes(status)) {
            throw new AppError('bad_request', 'status must be active, acknowledged or cleared');
          }
          const screenId = typeof req.query.screenId === 'string' ? req.query.screenId : undefined;
          res.json({ alarms: await listAlarms(ctx.knex, { status, screenId, limit: 500 }) });
        }),
      );
      r.post(
        '/alarms/:id/ack',
        route(async (req, res) => {
          res.json({ alarm: await acknowledge(String(req.params.id), userOf(res)) });
        }),
      );
      r.post(
        '/alarms/:id/notes',
        route(async (req, res) => {
          const parsed = NoteAlarmRequest.safeParse({ ...req.body, alarmId: req.params.id });
          if (!parsed.success)
            throw new AppError('bad_request', 'a note needs an id and 1 to 500 characters of text');
          res.json({ alarm: await note(parsed.data, userOf(res)) });
        }),
      );
      router.use(r);
      // Rules and maintenance windows (issue 14): operators read, admins change.
      router.use(
        alarmRulesRoutes(ctx.knex, evaluator.policy, { minScreens: ctx.config.stormMinScreens }),
      );
    },
    async sync(user, from, to) {
      if (!watchesWholeFleet(user)) return {};
      return { alarms: await alarmsInWindow(ctx.knex, from, to) };
    },
    start: () => evaluator.start(),
    stop: () => evaluator.stop(),
  };
}
