/**
 * What an MQTT message must have written before the link acknowledges it. Ingest calls its
 * handlers synchronously while it handles one message; the work they start for events (the
 * history row and the fault alarm) and command results is collected here and handed back to
 * the link as one promise, so a QoS 1 event is acknowledged only when its row and its alarm are
 * stored (the agent then deletes it from its disk queue). Failed writes are retried with
 * backoff until stored or until the server stops (then the message stays unacknowledged and the
 * broker delivers it again). A redelivered fault may so count once more on its open alarm; its
 * history row is stored once.
 *
 * Alarm effects of one screen run in arrival order, so a fault's retry cannot land after the
 * `faultCleared` that followed it and leave the alarm open.
 */
import { parseTopic, type CommandResultPayload, type EventPayload } from '../../../protocol';
import type { AlarmEvaluator } from '../alarms/alarm-evaluator';
import { RefusedWrite, retryWrite } from '../db/retry-write';
import type { Logger } from '../log';
import type { EventStore } from './event-store';
import type { FleetState } from './fleet-state';
import type { Ingest, IngestHandlers } from './ingest';

export interface DurableIngest {
  /** For the MQTT link: handles one message, returns what must be stored before its PUBACK. */
  onMessage(topic: string, payload: Buffer): Promise<unknown> | undefined;
  stop(): void;
}

export function bindDurableIngest(
  handlers: IngestHandlers,
  deps: {
    ingest: () => Ingest;
    fleet: FleetState;
    events: EventStore;
    evaluator: () => Pick<AlarmEvaluator, 'onEvent'>;
    onCommandResult(
      screenId: string,
      commandId: string,
      result: CommandResultPayload,
    ): Promise<void>;
    /** A `state` message left the screen online: its agent has just (re)connected. */
    onScreenOnline(screenId: string): void;
    log: Logger;
  },
): DurableIngest {
  const stopping = new AbortController();
  let collected: Promise<unknown>[] = [];
  const alarmChains = new Map<string, Promise<void>>();

  const alarmEffect = (screenId: string, event: EventPayload): Promise<void> => {
    if (event.kind !== 'fault' && event.kind !== 'faultCleared') return Promise.resolve();
    const previous = alarmChains.get(screenId) ?? Promise.resolve();
    const next = previous
      .catch(() => undefined)
      .then(() => {
        const screen = deps.fleet.get(screenId);
        if (!screen) return;
        return retryWrite(
          `${event.kind} alarm of ${screenId}`,
          () => deps.evaluator().onEvent(screen, event),
          { log: deps.log, signal: stopping.signal },
        ).catch((err: unknown) => {
          if (!(err instanceof RefusedWrite)) throw err;
          deps.log.error({ err, screenId, code: event.code }, 'fault alarm not stored');
        });
      });
    alarmChains.set(screenId, next);
    void next
      .finally(() => {
        if (alarmChains.get(screenId) === next) alarmChains.delete(screenId);
      })
      .catch(() => undefined);
    return next;
  };

  Object.assign(handlers, {
    onEvent: (screenId, event) => {
      collected.push(Promise.all([deps.events.add(screenId, event), alarmEffect(screenId, event)]));
    },
    onCommandResult: (screenId, commandId, result) => {
      collected.push(deps.onCommandResult(screenId, commandId, result));
    },
  } satisfies IngestHandlers);

  return {
    onMessage(topic, payload) {
      collected = [];
      deps.ingest().handle(topic, payload);
      const work = collected;
      collected = [];
      // Telemetry is most of the traffic: only a state topic is parsed a second time.
      const parsed = topic.endsWith('/state') ? parseTopic(topic) : null;
      if (parsed?.kind === 'state' && deps.fleet.get(parsed.screenId)?.state === 'online') {
        deps.onScreenOnline(parsed.screenId);
      }
      if (work.length === 0) return undefined;
      return work.length === 1 ? work[0] : Promise.all(work);
    },
    stop: () => stopping.abort(),
  };
}
