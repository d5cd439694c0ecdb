/**
 * MQTT → server. Every message is checked in order: topic shape, size, JSON, schema; the
 * screen id in the topic is the one that counts (a payload cannot speak for another screen).
 * Anything that fails is counted and logged with its reason, and the next message is served.
 */
import {
  MAX_PAYLOAD_BYTES,
  agentPayloadSchemas,
  describeZodError,
  parseTopic,
  type CommandResultPayload,
  type EventPayload,
  type Screen,
  type ScreenStatus,
} from '../../../protocol';
import type { Logger } from '../log';
import type { Metrics } from '../metrics';
import type { ApplyResult, FleetState } from './fleet-state';

export interface IngestHandlers {
  /** Agent events (faults, content, proof of play); alarms and history hang off this. */
  onEvent?(screenId: string, event: EventPayload): void;
  onCommandResult?(screenId: string, commandId: string, result: CommandResultPayload): void;
  /** A screen's state or telemetry was applied (alarm evaluation hangs off this). */
  onScreenChanged?(screenId: string): void;
  /** A screen's state moved (online → lost, ...): advertisers watching it are told. */
  onStateChanged?(screen: Screen, previous: ScreenStatus): void;
}

export type RejectReason = 'bad_topic' | 'too_large' | 'bad_json' | 'schema';

/** Logs the first rejection per reason, then at most one line per interval with the count. */
class ThrottledLog {
  private readonly last = new Map<string, { at: number; suppressed: number }>();
  constructor(
    private readonly log: Logger,
    private readonly intervalMs = 10_000,
  ) {}
  warn(reason: string, details: Record<string, unknown>, message: string): void {
    const now = Date.now();
    const entry = this.last.get(reason);
    if (entry && now - entry.at < this.intervalMs) {
      entry.suppressed += 1;
      return;
    }
    this.log.warn({ reason, ...details, suppressed: entry?.suppressed ?? 0 }, message);
    this.last.set(reason, { at: now, suppressed: 0 });
  }
}

export class Ingest {
  private readonly throttled: ThrottledLog;

  constructor(
    private readonly fleet: FleetState,
    private readonly metrics: Metrics,
    log: Logger,
    private readonly handlers: IngestHandlers = {},
  ) {
    this.throttled = new ThrottledLog(log);
  }

  /** Returns what happened, for tests and metrics; never throws. */
  handle(topic: string, payload: Buffer): ApplyResult | RejectReason | 'ignored' {
    const parsed = parseTopic(topic);
    if (!parsed || parsed.kind === 'command' || parsed.kind === 'desired')
      return this.reject('bad_topic', topic, 'unexpected topic');
    if (payload.length > MAX_PAYLOAD_BYTES) {
      return this.reject(
        'too_large',
        topic,
        `payload of ${payload.length} bytes over ${MAX_PAYLOAD_BYTES}`,
      );
    }
    // An empty retained message is how a retained topic is cleared: nothing to apply.
    if (payload.length === 0) return 'ignored';
    let json: unknown;
    try {
      json = JSON.parse(payload.toString('utf8'));
    } catch (err) {
      return this.reject('bad_json', topic, (err as Error).message);
    }
    const { kind, screenId } = parsed;
    const result = agentPayloadSchemas[kind].safeParse(json);
    if (!result.success) return this.reject('schema', topic, describeZodError(result.error));

    let outcome: ApplyResult = 'applied';
    switch (kind) {
      case 'state': {
        const previous = this.fleet.get(screenId)?.state;
        outcome = this.fleet.applyState(screenId, result.data as never);
        const now = this.fleet.get(screenId);
        // `unknown` → anything is a screen being heard of for the first time, not news to anyone.
        if (
          outcome === 'applied' &&
          previous &&
          previous !== 'unknown' &&
          now &&
          previous !== now.state
        ) {
          this.handlers.onStateChanged?.(now, previous);
        }
        break;
      }
      case 'telemetry':
        outcome = this.fleet.applyTelemetry(screenId, result.data as never);
        break;
      case 'events':
        if (!this.fleet.get(screenId)) outcome = 'unknown_screen';
        else this.handlers.onEvent?.(screenId, result.data as EventPayload);
        break;
      case 'commandResult':
        this.handlers.onCommandResult?.(
          screenId,
          parsed.commandId,
          result.data as CommandResultPayload,
        );
        break;
    }
    if (outcome === 'applied') {
      this.metrics.ingested.inc(kind);
      if (kind === 'state' || kind === 'telemetry') this.handlers.onScreenChanged?.(screenId);
    } else {
      this.metrics.dropped.inc(outcome);
      if (outcome === 'unknown_screen') {
        this.throttled.warn(outcome, { topic }, 'message for a screen that is not registered');
      }
    }
    return outcome;
  }

  private reject(reason: RejectReason, topic: string, detail: string): RejectReason {
    this.metrics.rejected.inc(reason);
    this.throttled.warn(reason, { topic: topic.slice(0, 200), detail }, 'MQTT message rejected');
    return reason;
  }
}
