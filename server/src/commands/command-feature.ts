/**
 * Remote commands: `sendCommand` (operators and admins) to screens by id or by tag. Each is
 * stored first, then published QoS 1 to the screen's `cmd/{id}` with its expiry; the broker
 * keeps it for a screen that is offline (its agent has a persistent session) and delivers it
 * when the screen returns. Results from the agent move it forward and go out as
 * `commandResult`. Until the agent answers, the command is offered again (command-offers.ts:
 * a broker's PUBACK is no proof the agent will get it); a sweep expires commands nobody took.
 */
import { Router } from 'express';
import {
  CommandParams,
  requests,
  type Command,
  type CommandResultPayload,
  type ParsedRequests,
  type Responses,
  type User,
} from '../../../protocol';
import { recordAudit } from '../audit/audit-log';
import type { MqttLink } from '../broker/mqtt-link';
import type { Feature, ServerContext } from '../context';
import { RefusedWrite, retryWrite } from '../db/retry-write';
import { AppError } from '../errors';
import { FLEET_ROOM, watchesWholeFleet } from '../fleet/fleet-feature';
import type { FleetState } from '../fleet/fleet-state';
import { parseBody, requireRole, route, userOf } from '../http/middleware';
import {
  advanceCommand,
  commandsForScreen,
  commandsInWindow,
  createCommands,
  expiredCommandIds,
  getCommand,
} from './commands-repo';
import { createCommandOffers } from './command-offers';

export interface CommandFeature extends Feature {
  send(user: User, req: ParsedRequests['sendCommand']): Promise<Responses['sendCommand']>;
  /** Resolves once the result is stored (the MQTT link acknowledges it then), retrying. */
  onResult(screenId: string, commandId: string, result: CommandResultPayload): Promise<void>;
  /** The server's broker link (re)connected: offer every pending command at once. */
  onLinkUp(): void;
  /** A screen reported `online` (its agent (re)connected): offer its pending commands. */
  onScreenOnline(screenId: string): void;
  sweep(now?: number): Promise<void>;
}

export function createCommandFeature(
  ctx: ServerContext,
  fleet: FleetState,
  link: () => MqttLink | null,
): CommandFeature {
  let timer: NodeJS.Timeout | null = null;
  let sweeping: Promise<void> | null = null;
  const emit = (c: Command) => ctx.io.to(FLEET_ROOM).emit('commandResult', c);

  const stopping = new AbortController();
  const offers = createCommandOffers({
    knex: ctx.knex,
    log: ctx.log,
    link,
    isOnline: (screenId) => fleet.get(screenId)?.state === 'online',
    onSent: emit,
  });
  const offerLater = (what: string, work: Promise<void>) =>
    void work.catch((err: unknown) => ctx.log.error({ err }, `${what} failed`));

  const send: CommandFeature['send'] = async (user, req) => {
    if (!watchesWholeFleet(user))
      throw new AppError('forbidden', 'only operators and admins send commands');
    const params = CommandParams[req.type].parse(req.params) as Record<string, unknown>;
    const candidates =
      'tag' in req.target
        ? fleet
            .all()
            .filter((s) => !s.retired && s.tags.includes((req.target as { tag: string }).tag))
            .map((s) => s.id)
        : [...new Set(req.target.screenIds)];
    if (candidates.length === 0) throw new AppError('not_found', 'no screen matches the target');
    const refused: { screenId: string; reason: string }[] = [];
    const targets: string[] = [];
    for (const id of candidates.sort()) {
      const screen = fleet.get(id);
      if (!screen || screen.retired) refused.push({ screenId: id, reason: 'no such screen' });
      else if (!screen.capabilities.includes(req.type)) {
        refused.push({
          screenId: id,
          reason: `${screen.name} cannot ${req.type} (its agent offers ${screen.capabilities.join(', ') || 'no commands'})`,
        });
      } else targets.push(id);
    }
    if (targets.length === 0) {
      throw new AppError('conflict', refused.map((r) => r.reason).join('; '));
    }
    const results = await createCommands(ctx.knex, {
      requestId: req.commandId,
      screenIds: targets,
      type: req.type,
      params,
      ttlS: req.ttlS,
      userId: user.id,
      userName: user.name,
    });
    // One entry per screen (found by the screen's id); a retried request records nothing new.
    await ctx.knex.transaction(async (trx) => {
      for (const { command: c } of results.filter((r) => r.created)) {
        const name = fleet.get(c.screenId)?.name ?? c.screenId;
        await recordAudit(trx, {
          actor: user,
          action: 'command.sent',
          targetType: 'screen',
          targetId: c.screenId,
          summary: `Sent ${c.type} to screen ${name} (${c.screenId})`,
          // requestId ties the entries of one bulk command together; refused targets with it.
          details: {
            commandId: c.id,
            requestId: req.commandId,
            type: c.type,
            params,
            ...(refused.length ? { refused } : {}),
          },
        });
      }
    });
    for (const { command, created } of results) {
      if (!created) continue;
      emit(command);
      offers.offer(command); // the link is down: the command stays queued until it is back
    }
    return { commands: results.map((r) => r.command), refused };
  };

  const onResult: CommandFeature['onResult'] = async (screenId, commandId, result) => {
    // Any word from the agent means it has the command (a repeat is answered from its ledger).
    offers.forget(commandId);
    const c = await retryWrite(
      `result of command ${commandId}`,
      () => advanceCommand(ctx.knex, commandId, result.status, result.detail ?? null, screenId),
      { log: ctx.log, signal: stopping.signal },
    ).catch((err: unknown) => {
      if (!(err instanceof RefusedWrite)) throw err;
      ctx.log.error({ err, commandId }, 'command result not stored');
      return null;
    });
    if (c) emit(c);
  };

  const sweep = async (now = Date.now()) => {
    for (const id of await expiredCommandIds(ctx.knex, now)) {
      const c = await advanceCommand(
        ctx.knex,
        id,
        'expired',
        'not taken by the screen before it expired',
        undefined,
        now,
      );
      if (c) emit(c);
    }
    await offers.offerDue(now);
  };

  return {
    name: 'commands',
    send,
    onResult,
    onLinkUp: () =>
      offerLater('offering commands after the link came back', offers.offerAllAgain()),
    onScreenOnline: (screenId) =>
      offerLater('offering commands to a returning screen', offers.offerToScreen(screenId)),
    sweep,
    registerSocketEvents(router) {
      router.on('sendCommand', ({ user }, req) => send(user, req));
    },
    registerRoutes(router) {
      const r = Router();
      r.post(
        '/commands',
        requireRole('admin', 'operator'),
        route(async (req, res) => {
          const body = parseBody(requests.sendCommand, req.body);
          res.status(201).json(await send(userOf(res), body));
        }),
      );
      r.get(
        '/commands/:id',
        requireRole('admin', 'operator'),
        route(async (req, res) => {
          const c = await getCommand(ctx.knex, String(req.params.id));
          if (!c) throw new AppError('not_found', 'no such command');
          res.json({ command: c });
        }),
      );
      r.get(
        '/screens/:id/commands',
        requireRole('admin', 'operator'),
        route(async (req, res) => {
          res.json({ commands: await commandsForScreen(ctx.knex, String(req.params.id)) });
        }),
      );
      router.use(r);
    },
    async sync(user, from, to) {
      if (!watchesWholeFleet(user)) return {};
      return { commands: await commandsInWindow(ctx.knex, from, to) };
    },
    start() {
      // A node (re)starting offers what is pending at once: it knows nothing of past offers.
      offerLater('offering pending commands at start', offers.offerAllAgain());
      timer = setInterval(() => {
        if (sweeping) return;
        sweeping = sweep()
          .catch((err: unknown) => ctx.log.error({ err }, 'command sweep failed'))
          .finally(() => {
            sweeping = null;
          });
      }, ctx.config.sweepMs);
    },
    async stop() {
      stopping.abort();
      if (timer) clearInterval(timer);
      await sweeping;
    },
  };
}
