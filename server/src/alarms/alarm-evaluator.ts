/**
 * Decides when alarms are raised and cleared.
 * - Timers (lost/offline after a grace period, heartbeat silence) are evaluated by a sweep that
 *   reads the screens table, not this process's memory, so any server node can run it and a
 *   restarted node picks up where the fleet is.
 * - Temperature and agent faults are evaluated as their messages arrive.
 * `openKeys` mirrors the open alarms to skip writes that would change nothing; the database's
 * unique open key stays the authority.
 */
import type { Knex } from 'knex';
import type { Alarm, EventPayload, Screen } from '../../../protocol';
import type { ServerConfig } from '../config';
import type { Logger } from '../log';
import { clearAlarm, openAlarmKeys, openKey, raiseAlarm, type RaiseSpec } from './alarms-repo';
import { FOLDED_FAULTS_CODE, clearFault, forgetFoldedFaults, raiseFault } from './fault-alarms';

/** Temperature must fall this far under the threshold to clear (no flapping at the line). */
const TEMPERATURE_HYSTERESIS_C = 3;

export interface AlarmSink {
  (alarm: Alarm, isNew: boolean): void;
}

export class AlarmEvaluator {
  private openKeys = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private sweeping: Promise<void> | null = null;
  /** Per screen, the last fault write: a screen's faults apply in the order they arrived. */
  private readonly faultChains = new Map<string, Promise<void>>();

  constructor(
    private readonly knex: Knex,
    private readonly config: Pick<
      ServerConfig,
      | 'alarmGraceMs'
      | 'heartbeatTimeoutMs'
      | 'temperatureMaxC'
      | 'flapTransitions'
      | 'flapWindowMs'
      | 'sweepMs'
    >,
    private readonly log: Logger,
    private readonly publish: AlarmSink,
  ) {}

  async start(): Promise<void> {
    this.openKeys = await openAlarmKeys(this.knex);
    this.timer = setInterval(() => {
      if (!this.sweeping) {
        this.sweeping = this.sweep()
          .catch((err: unknown) => this.log.error({ err }, 'alarm sweep failed'))
          .finally(() => {
            this.sweeping = null;
          });
      }
    }, this.config.sweepMs);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.sweeping;
  }

  async raise(spec: RaiseSpec): Promise<Alarm> {
    const { alarm, isNew } = await raiseAlarm(this.knex, spec);
    this.openKeys.add(openKey(spec.screenId, spec.kind, spec.code));
    this.publish(alarm, isNew);
    return alarm;
  }

  async clear(key: string): Promise<void> {
    this.openKeys.delete(key);
    const alarm = await clearAlarm(this.knex, key);
    if (alarm) this.publish(alarm, false);
  }

  /** Temperature, on every applied telemetry message. */
  onTelemetry(screen: Screen): void {
    // A retired screen is out of service: whatever its agent still sends alarms nobody.
    if (screen.retired) return;
    const t = screen.telemetry?.temperatureC;
    if (t === null || t === undefined) return;
    const key = openKey(screen.id, 'temperature');
    const max = this.config.temperatureMaxC;
    if (t > max && !this.openKeys.has(key)) {
      this.openKeys.add(key);
      void this.raise({
        screenId: screen.id,
        kind: 'temperature',
        severity: t > max + 10 ? 'critical' : 'warning',
        message: `${screen.name}: ${t.toFixed(1)} °C, over the ${max} °C limit`,
      }).catch((err: unknown) => this.log.error({ err }, 'temperature alarm failed'));
    } else if (t < max - TEMPERATURE_HYSTERESIS_C && this.openKeys.has(key)) {
      void this.clear(key).catch((err: unknown) =>
        this.log.error({ err }, 'temperature clear failed'),
      );
    }
  }

  /**
   * Faults the agent reports: raised and cleared by the agent's own events. Resolves once the
   * alarm is stored; a failure rejects, and the caller retries before the event is acknowledged.
   * Fault alarms are capped per screen and the rest grouped (fault-alarms.ts, README.md).
   */
  onEvent(screen: Screen, event: EventPayload): Promise<void> {
    if (screen.retired || (event.kind !== 'fault' && event.kind !== 'faultCleared')) {
      return Promise.resolve();
    }
    // In order per screen: a `faultCleared` must not overtake its `fault` (on PostgreSQL the
    // two transactions would otherwise race), and the cap folds the codes that came last.
    const previous = this.faultChains.get(screen.id) ?? Promise.resolve();
    const run = previous.catch(() => {}).then(() => this.applyFault(screen, event));
    const tail = run.catch(() => {});
    this.faultChains.set(screen.id, tail);
    void tail.then(() => {
      if (this.faultChains.get(screen.id) === tail) this.faultChains.delete(screen.id);
    });
    return run;
  }

  private async applyFault(screen: Screen, event: EventPayload): Promise<void> {
    if (event.kind === 'fault') {
      const { alarm, isNew } = await raiseFault(this.knex, {
        screenId: screen.id,
        screenName: screen.name,
        code: event.code,
        severity: event.severity,
        message: event.message,
      });
      this.openKeys.add(openKey(screen.id, 'fault', alarm.code));
      this.publish(alarm, isNew);
    } else if (event.kind === 'faultCleared') {
      const alarm = await clearFault(this.knex, screen.id, screen.name, event.code);
      if (!alarm) return;
      if (alarm.status === 'cleared') this.openKeys.delete(openKey(screen.id, 'fault', alarm.code));
      this.publish(alarm, false);
    }
  }

  /**
   * One pass over the timers (called by the interval; tests call it directly). It asks the
   * database only for screens that are due and for the open alarms that may have to clear, so
   * a large healthy fleet costs two indexed queries.
   */
  async sweep(now = Date.now()): Promise<void> {
    this.openKeys = await openAlarmKeys(this.knex);
    type Row = {
      id: string;
      name: string;
      state: Screen['state'];
      state_since: string | number | null;
      last_seen: string | number | null;
    };
    const due: Row[] = await this.knex('screens')
      .where({ retired: false })
      .andWhere((q) =>
        q
          .where((w) =>
            w
              .whereIn('state', ['lost', 'offline'])
              .andWhere('state_since', '<=', now - this.config.alarmGraceMs),
          )
          .orWhere((w) =>
            w
              .where('state', 'online')
              .andWhere('last_seen', '<=', now - this.config.heartbeatTimeoutMs),
          ),
      )
      .select('id', 'name', 'state', 'state_since', 'last_seen');
    for (const s of due) {
      if (s.state === 'lost' || s.state === 'offline') {
        if (this.openKeys.has(openKey(s.id, s.state))) continue;
        const ago = Math.round((now - Number(s.state_since)) / 1000);
        await this.raise({
          screenId: s.id,
          kind: s.state,
          severity: s.state === 'lost' ? 'critical' : 'warning',
          message:
            s.state === 'lost'
              ? `${s.name} lost contact ${ago} s ago`
              : `${s.name} was shut down ${ago} s ago`,
          flapping: await this.isFlapping(s.id, now),
        });
      } else if (!this.openKeys.has(openKey(s.id, 'heartbeat'))) {
        await this.raise({
          screenId: s.id,
          kind: 'heartbeat',
          severity: 'warning',
          message: `${s.name} is connected but silent for ${Math.round((now - Number(s.last_seen)) / 1000)} s`,
        });
      }
    }
    // Open timer alarms whose condition has ended, and every open alarm of a retired screen.
    const open: (Row & {
      kind: string;
      code: string;
      screen_id: string;
      open_key: string;
      retired: boolean | number;
    })[] = await this.knex('alarms')
      .join('screens', 'screens.id', 'alarms.screen_id')
      .whereNotNull('alarms.open_key')
      .andWhere((q) =>
        q.whereIn('alarms.kind', ['lost', 'offline', 'heartbeat']).orWhere('screens.retired', true),
      )
      .select(
        'alarms.kind',
        'alarms.code',
        'alarms.screen_id',
        'alarms.open_key',
        'screens.state',
        'screens.last_seen',
        'screens.retired',
      );
    for (const a of open) {
      const still =
        !a.retired &&
        (a.kind === 'heartbeat'
          ? a.state === 'online' &&
            a.last_seen !== null &&
            now - Number(a.last_seen) >= this.config.heartbeatTimeoutMs
          : a.state === a.kind);
      if (still) continue;
      await this.clear(a.open_key);
      if (a.kind === 'fault' && a.code === FOLDED_FAULTS_CODE) {
        await forgetFoldedFaults(this.knex, a.screen_id);
      }
    }
  }

  private async isFlapping(screenId: string, now: number): Promise<boolean> {
    const row = await this.knex('screen_state_history')
      .where({ screen_id: screenId })
      .andWhere('ts', '>=', now - this.config.flapWindowMs)
      .count<{ n: number | string }[]>({ n: '*' });
    return Number(row[0]?.n ?? 0) >= this.config.flapTransitions;
  }
}
