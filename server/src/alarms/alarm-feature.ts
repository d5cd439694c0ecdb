/** Alarms: evaluation, `ackAlarm`, REST, and the alarms' share of `sync` (operators and admins). */
import { Router } from 'express';
import type { Alarm, User } from '../../../protocol';
import { recordAudit } from '../audit/audit-log';
import type { Feature, ServerContext } from '../context';
import { AppError } from '../errors';
import { FLEET_ROOM, watchesWholeFleet } from '../fleet/fleet-feature';
import { requireRole, route, userOf } from '../http/middleware';
import { AlarmEvaluator } from './alarm-evaluator';
import { acknowledgeAlarm, alarmsInWindow, listAlarms } from './alarms-repo';

export interface AlarmFeature extends Feature {
  evaluator: AlarmEvaluator;
}

export function createAlarmFeature(
  ctx: ServerContext,
  onNewAlarm: (alarm: Alarm) => void = () => {},
): AlarmFeature {
  const publish = (alarm: Alarm, isNew: boolean) => {
    ctx.io.to(FLEET_ROOM).emit('alarm', alarm);
    if (isNew) onNewAlarm(alarm);
  };
  const evaluator = new AlarmEvaluator(ctx.knex, ctx.config, ctx.log, publish);

  const acknowledge = async (alarmId: string, user: User) => {
    const { alarm, changed } = await acknowledgeAlarm(ctx.knex, alarmId, user.id);
    if (changed) {
      const screen = await ctx.knex('screens').where({ id: alarm.screenId }).first('name');
      await recordAudit(ctx.knex, {
        actor: user,
        action: 'alarm.acknowledged',
        targetType: 'alarm',
        targetId: alarm.id,
        summary: `Acknowledged ${alarm.severity} alarm on screen ${(screen as { name?: string } | undefined)?.name ?? alarm.screenId} (${alarm.screenId}): ${alarm.message}`,
        details: { screenId: alarm.screenId, kind: alarm.kind },
      });
    }
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
      router.use(r);
    },
    async sync(user, from, to) {
      if (!watchesWholeFleet(user)) return {};
      return { alarms: await alarmsInWindow(ctx.knex, from, to) };
    },
    start: () => evaluator.start(),
    stop: () => evaluator.stop(),
  };
}
