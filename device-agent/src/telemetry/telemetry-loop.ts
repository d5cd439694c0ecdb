/**
 * Sends telemetry every interval and, between intervals, as soon as something meaningful
 * changes (a player says so, or a polled display probe answers differently). Telemetry is
 * QoS 0 and never queued: a stale heartbeat delivered late would only mislead.
 */
import { topics, type DesiredReport, type TelemetryPayload } from '../../../protocol';
import { errorText, type Logger } from '../log';
import type { Player, PlayerReading } from '../player/player';
import type { DisplayProbes } from '../probes/display-probes';
import type { SystemProbe, SystemReading } from '../probes/system';
import type { MqttSession } from '../session/mqtt-session';
import type { Stamper } from '../stamp';
import { buildTelemetry, meaningfulChange } from './build-telemetry';

/** Changes arriving together (a command changing power and content) make one message. */
const COALESCE_MS = 100;

export interface TelemetryLoopDeps {
  screenId: string;
  intervalMs: number;
  pollMs: number;
  player: Player;
  probes: DisplayProbes;
  system: SystemProbe;
  session: MqttSession;
  stamper: Stamper;
  log: Logger;
  /** The desired state applied (version, last error); null when the agent has none. */
  desired?: () => DesiredReport | null;
}

export class TelemetryLoop {
  private last: TelemetryPayload | null = null;
  private intervalTimer: NodeJS.Timeout | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private soonTimer: NodeJS.Timeout | null = null;
  private busy = false;
  /** A change noticed while a read was in progress: read again once it is done. */
  private changedWhileBusy = false;
  private stopped = false;

  constructor(private readonly deps: TelemetryLoopDeps) {}

  /** The display power last read (null before the first reading). */
  get displayPower(): TelemetryPayload['display']['power'] | null {
    return this.last?.display.power ?? null;
  }

  start(): void {
    this.intervalTimer = setInterval(() => this.tick('interval'), this.deps.intervalMs);
    if (this.deps.probes.configured) {
      this.pollTimer = setInterval(() => this.tick('poll'), this.deps.pollMs);
    }
  }

  /** Something changed: send within a moment, regardless of the interval. */
  soon(): void {
    if (this.soonTimer || this.stopped) return;
    this.soonTimer = setTimeout(() => {
      this.soonTimer = null;
      this.tick('change');
    }, COALESCE_MS);
  }

  /** On (re)connect the server gets fresh state at once. */
  now(): void {
    if (this.soonTimer) clearTimeout(this.soonTimer);
    this.soonTimer = null;
    this.tick('change');
  }

  private tick(reason: 'interval' | 'poll' | 'change'): void {
    if (this.stopped || !this.deps.session.connected) return;
    if (this.busy) {
      if (reason === 'change') this.changedWhileBusy = true;
      return;
    }
    this.busy = true;
    this.collect()
      .then(({ reading, system }) => {
        if (this.stopped || !this.deps.session.connected) return;
        const candidate = buildTelemetry(
          this.deps.stamper.peek(),
          reading,
          system,
          this.deps.desired?.() ?? null,
        );
        if (reason === 'poll' && !meaningfulChange(this.last, candidate)) return;
        const payload = { ...candidate, ...this.deps.stamper.next() };
        this.last = payload;
        return this.deps.session.publish(
          topics.telemetry(this.deps.screenId),
          JSON.stringify(payload),
          { qos: 0 },
        );
      })
      .catch((err: unknown) => this.deps.log.warn('telemetry failed', { error: errorText(err) }))
      .finally(() => {
        this.busy = false;
        if (this.changedWhileBusy) {
          this.changedWhileBusy = false;
          this.tick('change');
        }
      });
  }

  private async collect(): Promise<{ reading: PlayerReading; system: SystemReading | null }> {
    const fromPlayer = await this.deps.player.read();
    const [reading, system] = await Promise.all([
      this.deps.probes.apply(fromPlayer),
      // A player that simulates the whole host makes the host probe pointless.
      fromPlayer.system ? Promise.resolve(null) : this.deps.system.read(),
    ]);
    return { reading, system };
  }

  stop(): void {
    this.stopped = true;
    for (const t of [this.intervalTimer, this.pollTimer]) if (t) clearInterval(t);
    if (this.soonTimer) clearTimeout(this.soonTimer);
  }
}
