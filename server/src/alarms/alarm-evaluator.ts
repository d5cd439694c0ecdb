/**
 * Decides when alarms are raised and cleared.
 * - Timers (lost/offline after a grace period, heartbeat silence) are evaluated by a sweep that
 *   reads the screens table, not this process's memory, so any server node can run it and a
 *   restarted node picks up where the fleet is.
 * - Temperature and agent faults are evaluated as their messages arrive.
 * - Every screen is evaluated with its effective rule (rule-resolution.ts); a screen in
 *   maintenance raises nothing (maintenance.ts); many screens of one site down together make
 *   one site alarm (storms.ts); a flapping screen keeps one alarm (flapping.ts).
 * `openKeys` mirrors the open alarms to skip writes that would change nothing; the database's
 * unique open key stays the authority.
 */
import type { Knex } from 'knex';
import type { Alarm, EventPayload, FaultSeverity, Screen } from '../../../protocol';
import type { ServerConfig } from '../config';
import type { Logger } from '../log';
import { AlarmPolicy } from './alarm-policy';
import { clearAlarm, openAlarmKeys, openKey, raiseAlarm, type RaiseSpec } from './alarms-repo';
import { FOLDED_FAULTS_CODE, clearFault, forgetFoldedFaults, raiseFault } from './fault-alarms';
import { reopenFlappingAlarm, stateChangesWithin } from './flapping';
import {
  foldIntoSiteAlarm,
  openSiteAlarms,
  planStorms,
  settleSiteAlarm,
  siteOf,
  type DownCandidate,
} from './storms';

/** Temperature must fall this far under the threshold to clear (no flapping at the line). */
const TEMPERATURE_HYSTERESIS_C = 3;
/** Ids per `whereIn` (well under SQLite's and PostgreSQL's parameter limits). */
const ID_CHUNK = 500;

export interface AlarmSink {
  /** `reopened`: a flapping alarm that had cleared is active again (flapping.ts). */
  (alarm: Alarm, isNew: boolean, reopened?: boolean): void;
}

interface SweepRow {
  id: string;
  name: string;
  state: Screen['state'];
  state_since: string | number | null;
  last_seen: string | number | null;
  tags: string;
  address: string | null;
  /** 1 when the screen has ever sent telemetry (which only a connected agent does). */
  has_telemetry: number | string;
}

export class AlarmEvaluator {
  private openKeys = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private sweeping: Promise<void> | null = null;
  /** Per screen, the last fault write: a screen's faults apply in the order they arrived. */
  private readonly faultChains = new Map<string, Promise<void>>();
  readonly policy: AlarmPolicy;

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
      | 'stormMinScreens'
    >,
    private readonly log: Logger,
    private readonly publish: AlarmSink,
  ) {
    this.policy = new AlarmPolicy(knex, config);
  }

  async start(): Promise<void> {
    this.openKeys = await openAlarmKeys(this.knex);
    await this.policy.reload();
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
    const rule = this.policy.rule(screen);
    const max = rule.temperatureMaxC;
    if (t > max && !this.openKeys.has(key)) {
      if (this.policy.maintenance(screen)) return;
      this.openKeys.add(key);
      void this.raise({
        screenId: screen.id,
        kind: 'temperature',
        severity: rule.severity.temperature ?? (t > max + 10 ? 'critical' : 'warning'),
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
      const rule = this.policy.rule(screen);
      // An ignored code, or a screen in maintenance, raises nothing (its clear still applies).
      if (rule.ignoreFaultCodes.includes(event.code) || this.policy.maintenance(screen)) return;
      const { alarm, isNew } = await raiseFault(this.knex, {
        screenId: screen.id,
        screenName: screen.name,
        code: event.code,
        severity: rule.severity.fault ?? event.severity,
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
   * database only for screens that are down or may be silent and for the open alarms that may
   * have to clear, so a large healthy fleet costs a few indexed queries.
   */
  async sweep(now = Date.now()): Promise<void> {
    this.openKeys = await openAlarmKeys(this.knex);
    await this.policy.reload(now);
    const bounds = this.policy.bounds();
    const rows: SweepRow[] = await this.knex('screens')
      .where({ retired: false })
      .andWhere((q) =>
        q
          .whereIn('state', ['lost', 'offline'])
          .orWhere((w) =>
            w.where('state', 'online').andWhere('last_seen', '<=', now - bounds.heartbeatTimeoutMs),
          ),
      )
      .select('id', 'name', 'state', 'state_since', 'last_seen', 'tags', 'address')
      .select(this.knex.raw('(case when telemetry is null then 0 else 1 end) as has_telemetry'));

    const sites = await openSiteAlarms(this.knex);
    const folded = new Set([...sites.values()].flatMap((s) => [...s.screenIds]));
    const downIds = new Set<string>();
    const candidates: (DownCandidate & { row: SweepRow })[] = [];
    for (const row of rows) {
      const screen = { id: row.id, tags: JSON.parse(row.tags) as string[] };
      if (this.policy.maintenance(screen, now)) continue;
      const rule = this.policy.rule(screen);
      if (row.state === 'online') {
        const silentMs = now - Number(row.last_seen);
        if (silentMs >= rule.heartbeatTimeoutMs && !this.openKeys.has(openKey(row.id, 'heartbeat')))
          await this.raise({
            screenId: row.id,
            kind: 'heartbeat',
            severity: rule.severity.heartbeat ?? 'warning',
            message: `${row.name} is connected but silent for ${Math.round(silentMs / 1000)} s`,
          });
        continue;
      }
      // A screen never heard of (lastSeen null) raises no lost/offline; nor one never online.
      if (row.last_seen === null || row.state_since === null) continue;
      downIds.add(row.id);
      const kind = row.state as 'lost' | 'offline';
      if (folded.has(row.id) || this.openKeys.has(openKey(row.id, kind))) continue;
      candidates.push({
        row,
        id: row.id,
        site: siteOf({ tags: screen.tags, address: row.address }),
        due: now - Number(row.state_since) >= rule.graceMs,
        severity: rule.severity[kind] ?? (kind === 'lost' ? 'critical' : 'warning'),
      });
    }
    // Activated: it sent telemetry, or its state history (kept telemetryRetentionDays) has it online.
    const activated = await this.everOnline(
      candidates.filter((c) => Number(c.row.has_telemetry) !== 1).map((c) => c.id),
    );
    for (const c of candidates) if (Number(c.row.has_telemetry) === 1) activated.add(c.id);
    const plan = planStorms(
      candidates.filter((c) => activated.has(c.id)),
      sites,
      this.config.stormMinScreens,
    );
    const settled = new Set<string>();
    for (const [site, screens] of plan.fold) {
      const open = sites.get(site);
      const ids = new Set([...(open?.screenIds ?? []), ...screens.map((c) => c.id)]);
      const stillDown = [...ids].filter((id) => downIds.has(id)).length;
      const { alarm, isNew } = await foldIntoSiteAlarm(this.knex, site, screens, stillDown, now);
      this.publish(alarm, isNew);
      settled.add(site);
    }
    for (const c of plan.alone) await this.raiseDown(c.row, c.severity, now);

    await this.clearEnded(now);
    for (const open of sites.values()) {
      if (settled.has(open.site)) continue;
      open.down = [...open.screenIds].filter((id) => downIds.has(id)).length;
      const alarm = await settleSiteAlarm(this.knex, open, now);
      if (alarm) this.publish(alarm, false);
    }
  }

  /** A lost/offline alarm of its own; a flapping screen reopens the one it had. */
  private async raiseDown(row: SweepRow, severity: FaultSeverity, now: number): Promise<void> {
    const kind = row.state as 'lost' | 'offline';
    const ago = Math.round((now - Number(row.state_since)) / 1000);
    const spec: RaiseSpec = {
      screenId: row.id,
      kind,
      severity,
      message:
        kind === 'lost'
          ? `${row.name} lost contact ${ago} s ago`
          : `${row.name} was shut down ${ago} s ago`,
      flapping: await this.isFlapping(row.id, now),
    };
    if (spec.flapping) {
      const reopened = await reopenFlappingAlarm(this.knex, spec, this.config.flapWindowMs, now);
      if (reopened) {
        this.openKeys.add(openKey(row.id, kind));
        this.publish(reopened, false, true);
        return;
      }
    }
    await this.raise(spec);
  }

  /** Open timer alarms whose condition has ended, and every open alarm of a retired screen. */
  private async clearEnded(now: number): Promise<void> {
    const open: {
      kind: string;
      code: string;
      screen_id: string;
      open_key: string;
      flapping: boolean | number;
      state: Screen['state'];
      last_seen: string | number | null;
      tags: string;
      retired: boolean | number;
    }[] = await this.knex('alarms')
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
        'alarms.flapping',
        'screens.state',
        'screens.last_seen',
        'screens.tags',
        'screens.retired',
      );
    for (const a of open) {
      let still = false;
      if (!a.retired && a.kind === 'heartbeat') {
        const rule = this.policy.rule({ id: a.screen_id, tags: JSON.parse(a.tags) as string[] });
        still =
          a.state === 'online' &&
          a.last_seen !== null &&
          now - Number(a.last_seen) >= rule.heartbeatTimeoutMs;
      } else if (!a.retired) {
        // A flapping alarm stays open until the screen is stable again: no state change for a
        // whole flap window (flapping.ts). So each clear follows a calm window, and a flapping
        // screen has at most one reopen (one "down again" message) per window.
        still =
          a.state === a.kind ||
          (Boolean(a.flapping) &&
            (await stateChangesWithin(this.knex, a.screen_id, this.config.flapWindowMs, now)) > 0);
      }
      if (still) continue;
      await this.clear(a.open_key);
      if (a.kind === 'fault' && a.code === FOLDED_FAULTS_CODE) {
        await forgetFoldedFaults(this.knex, a.screen_id);
      }
    }
  }

  /** The screens among `ids` that have been online at least once (state history). */
  private async everOnline(ids: string[]): Promise<Set<string>> {
    const out = new Set<string>();
    for (let i = 0; i < ids.length; i += ID_CHUNK) {
      const rows: { screen_id: string }[] = await this.knex('screen_state_history')
        .whereIn('screen_id', ids.slice(i, i + ID_CHUNK))
        .andWhere({ state: 'online' })
        .distinct('screen_id');
      for (const r of rows) out.add(r.screen_id);
    }
    return out;
  }

  private async isFlapping(screenId: string, now: number): Promise<boolean> {
    const n = await stateChangesWithin(this.knex, screenId, this.config.flapWindowMs, now);
    return n >= this.config.flapTransitions;
  }
}
