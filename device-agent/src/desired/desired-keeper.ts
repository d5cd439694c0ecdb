/**
 * Keeps the screen at its desired state: the last one received (DesiredFile) is applied at
 * start, before any network; a newer version from the server is stored and applied; the power
 * schedule is followed with the agent's own clock, connected or not; after a reconnect or a
 * reboot everything is applied again. Between those moments the agent does not fight the
 * display: a one-shot command (setBrightness, setPower) stands until the next application.
 */
import {
  DesiredStatePayload,
  MAX_PAYLOAD_BYTES,
  desiredPowerAt,
  type DesiredReport,
  type DesiredPower,
} from '../../../protocol';
import { errorText, type Logger } from '../log';
import type { DesiredFile } from './desired-file';

export type DisplayChange = { brightness: number } | { power: DesiredPower };

interface Target {
  brightness: number | null;
  power: DesiredPower | null;
}

export interface DesiredKeeperDeps {
  file: DesiredFile;
  /** Sets the display (the player, or the configured setBrightness / setPower handler). */
  setDisplay(change: DisplayChange): Promise<string>;
  /** The display may have changed: send telemetry. */
  onApplied(): void;
  log: Logger;
  /** The agent's clock (injectable: tests move it across schedule boundaries). */
  now: () => number;
  checkMs: number;
}

export class DesiredKeeper {
  private state: DesiredStatePayload | null = null;
  /** What was last applied; the schedule check compares against it. */
  private applied: Target | null = null;
  private error: string | null = null;
  /**
   * The version whose application has finished: what telemetry reports. Not the version
   * received, or a report sampled mid-application would pair the new version with the old
   * display reading.
   */
  private appliedVersion: number | null = null;
  private timer: NodeJS.Timeout | null = null;
  private chain: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly deps: DesiredKeeperDeps) {}

  /** Applies what is on disk (no network needed) and starts following the schedule. */
  start(): void {
    const { state, problem } = this.deps.file.read();
    if (problem) this.deps.log.warn('stored desired state ignored', { problem });
    this.state = state;
    if (state) {
      this.deps.log.info('desired state from disk', { version: state.version });
      this.apply('start', true);
    }
    this.timer = setInterval(() => this.apply('schedule', false), this.deps.checkMs);
  }

  /** A retained or new message on the `desired` topic. */
  handle(payload: Buffer): void {
    // An empty retained message clears the topic: keep what we have.
    if (payload.length === 0 || payload.length > MAX_PAYLOAD_BYTES) return;
    let json: unknown;
    try {
      json = JSON.parse(payload.toString('utf8'));
    } catch {
      this.deps.log.warn('desired state is not JSON; ignored');
      return;
    }
    const parsed = DesiredStatePayload.safeParse(json);
    if (!parsed.success) {
      this.deps.log.warn('desired state refused', { issue: parsed.error.issues[0]?.message });
      return;
    }
    const next = parsed.data;
    if (this.state && next.version <= this.state.version) {
      // The retained copy after a reconnect, or an older one overtaken by a newer.
      if (next.version < this.state.version)
        this.deps.log.info('stale desired state ignored', {
          version: next.version,
          have: this.state.version,
        });
      return;
    }
    try {
      this.deps.file.write(next);
    } catch (err) {
      this.deps.log.error('desired state not stored', { error: errorText(err) });
    }
    this.state = next;
    this.deps.log.info('desired state received', { version: next.version });
    this.apply('received', true);
  }

  /** After a reconnect or a reboot: apply everything again, even what seems unchanged. */
  reapply(reason: string): void {
    if (this.state) this.apply(reason, true);
  }

  report(): DesiredReport | null {
    return this.appliedVersion === null
      ? null
      : { version: this.appliedVersion, error: this.error };
  }

  /** Resolves once the applications in progress are done (tests, clean stop). */
  settled(): Promise<void> {
    return this.chain;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private targetNow(): Target | null {
    if (!this.state) return null;
    return {
      brightness: this.state.brightness,
      power: desiredPowerAt(this.state, this.deps.now()),
    };
  }

  /** Queued so two applications never interleave their display commands. */
  private apply(reason: string, force: boolean): void {
    const target = this.targetNow();
    if (!target || this.stopped) return;
    const version = this.state!.version;
    const previous = this.applied;
    const changes: DisplayChange[] = [];
    if (target.brightness !== null && (force || target.brightness !== previous?.brightness))
      changes.push({ brightness: target.brightness });
    if (target.power !== null && (force || target.power !== previous?.power))
      changes.push({ power: target.power });
    if (changes.length === 0) {
      // Nothing to set: this version is in effect once what is queued before it is.
      this.chain = this.chain.then(() => {
        this.appliedVersion = version;
      });
      return;
    }
    this.applied = target;
    this.chain = this.chain.then(() => this.run(reason, changes, version));
  }

  private async run(reason: string, changes: DisplayChange[], version: number): Promise<void> {
    const failures: string[] = [];
    for (const change of changes) {
      if (this.stopped) return;
      try {
        const detail = await this.deps.setDisplay(change);
        this.deps.log.info('desired state applied', { reason, ...change, detail });
      } catch (err) {
        const what = 'brightness' in change ? 'brightness' : 'power';
        failures.push(`${what}: ${errorText(err)}`);
      }
    }
    const error = failures.length ? failures.join('; ').slice(0, 300) : null;
    // A panel that keeps failing is retried every check, but said once per new reason.
    if (error && error !== this.error)
      this.deps.log.warn('desired state not applied', { reason, error });
    this.error = error;
    if (error) {
      // Try again at the next check instead of giving up until something else changes.
      this.applied = null;
    }
    this.appliedVersion = version;
    this.deps.onApplied();
  }
}
