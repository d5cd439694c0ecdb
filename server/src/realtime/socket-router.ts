/**
 * Registers client-to-server events with one wrapper that every event shares: validate the
 * payload with the protocol's schema, rate-limit, run the handler, and answer the
 * acknowledgement with `{ok, data}` or `{ok: false, error}`. A handler never sees an
 * unvalidated payload, and a failing handler never takes the connection down.
 */
import type { Server, Socket } from 'socket.io';
import {
  describeZodError,
  fail,
  ok,
  requests,
  type Ack,
  type ClientEventName,
  type ClientToServerEvents,
  type ParsedRequests,
  type Responses,
  type ServerToClientEvents,
  type SocketData,
  type User,
} from '../../../protocol';
import { AppError } from '../errors';
import type { Logger } from '../log';
import type { Metrics } from '../metrics';
import { UserEventBudget } from './event-budget';

export type MarqueeServer = Server<ClientToServerEvents, ServerToClientEvents, object, SocketData>;
export type MarqueeSocket = Socket<ClientToServerEvents, ServerToClientEvents, object, SocketData>;

export interface EventContext {
  socket: MarqueeSocket;
  user: User;
}

export type EventHandler<K extends ClientEventName> = (
  ctx: EventContext,
  req: ParsedRequests[K],
) => Promise<Responses[K]> | Responses[K];

/** Events per second a user may send (all their sockets together), with a burst allowance. */
const RATE_PER_S = 50;
const BURST = 200;

export class SocketRouter {
  private readonly handlers = new Map<ClientEventName, EventHandler<ClientEventName>>();
  private readonly budget = new UserEventBudget(RATE_PER_S, BURST);

  constructor(
    private readonly log: Logger,
    private readonly metrics: Metrics,
  ) {}

  on<K extends ClientEventName>(name: K, handler: EventHandler<K>): void {
    if (this.handlers.has(name)) throw new Error(`socket event ${name} registered twice`);
    this.handlers.set(name, handler as unknown as EventHandler<ClientEventName>);
  }

  attach(socket: MarqueeSocket): void {
    const allow = () => this.budget.allow(socket.data.user.id);

    socket.onAny((event: string, ...args: unknown[]) => {
      const ack = args[args.length - 1];
      const reply = (res: Ack<unknown>) => {
        if (!res.ok) this.metrics.socketRejected.inc(res.error.code);
        if (typeof ack === 'function') (ack as (r: Ack<unknown>) => void)(res);
      };
      const handler = this.handlers.get(event as ClientEventName);
      if (!handler)
        return reply(fail('bad_request', `unknown event "${String(event).slice(0, 64)}"`));
      if (typeof ack !== 'function') {
        // Every event is acknowledged; one without a callback is a client bug. Refuse it
        // rather than doing work whose outcome nobody can learn.
        this.metrics.socketRejected.inc('bad_request');
        return;
      }
      if (!allow()) return reply(fail('rate_limited', 'too many events; slow down'));
      const parsed = requests[event as ClientEventName].safeParse(
        args.length > 1 ? args[0] : undefined,
      );
      if (!parsed.success) {
        return reply(fail('bad_request', `${event}: ${describeZodError(parsed.error)}`));
      }
      const user = socket.data.user;
      Promise.resolve()
        .then(() => handler({ socket, user }, parsed.data as never))
        .then(
          (data) => reply(ok(data)),
          (err: unknown) => {
            if (err instanceof AppError) return reply(fail(err.code, err.message));
            this.log.error({ err, event, user: user.id }, 'socket handler failed');
            reply(fail('internal', 'internal error'));
          },
        );
    });
  }
}
