/**
 * The rules and maintenance windows the evaluator applies, held in memory and reloaded from
 * the database on every sweep (two small tables), so a change made on any server node applies
 * everywhere within one sweep; the node that made it reloads at once.
 */
import type { Knex } from 'knex';
import type { AlarmRule, EffectiveAlarmRule, MaintenanceWindow } from '../../../protocol';
import type { ServerConfig } from '../config';
import { listRules, listWindows } from './alarm-rules-repo';
import { maintenanceOf } from './maintenance';
import { defaultRule, resolveRule, type ResolvedRule } from './rule-resolution';

export interface ScreenForRules {
  id: string;
  tags: readonly string[];
}

export class AlarmPolicy {
  private screenRules = new Map<string, AlarmRule>();
  private tagRules = new Map<string, AlarmRule>();
  private windows: MaintenanceWindow[] = [];
  readonly defaults: EffectiveAlarmRule;

  constructor(
    private readonly knex: Knex,
    config: Pick<ServerConfig, 'alarmGraceMs' | 'heartbeatTimeoutMs' | 'temperatureMaxC'>,
  ) {
    this.defaults = defaultRule(config);
  }

  async reload(now = Date.now()): Promise<void> {
    const [rules, windows] = await Promise.all([listRules(this.knex), listWindows(this.knex, now)]);
    this.screenRules = new Map(rules.filter((r) => r.scope === 'screen').map((r) => [r.target, r]));
    this.tagRules = new Map(rules.filter((r) => r.scope === 'tag').map((r) => [r.target, r]));
    this.windows = windows;
  }

  resolve(screen: ScreenForRules): ResolvedRule {
    const tagRules = screen.tags.flatMap((t) => {
      const r = this.tagRules.get(t);
      return r ? [r] : [];
    });
    return resolveRule(this.defaults, this.screenRules.get(screen.id), tagRules);
  }

  rule(screen: ScreenForRules): EffectiveAlarmRule {
    // The common case (no rule touches the screen) costs no allocation.
    if (!this.screenRules.has(screen.id) && !screen.tags.some((t) => this.tagRules.has(t)))
      return this.defaults;
    return this.resolve(screen).rule;
  }

  maintenance(screen: ScreenForRules, now = Date.now()): MaintenanceWindow | null {
    return this.windows.length ? maintenanceOf(this.windows, screen, now) : null;
  }

  /** The shortest grace and heartbeat timeout any screen may have: the sweep's query bounds. */
  bounds(): { graceMs: number; heartbeatTimeoutMs: number } {
    let graceMs = this.defaults.graceMs;
    let heartbeatTimeoutMs = this.defaults.heartbeatTimeoutMs;
    for (const r of [...this.screenRules.values(), ...this.tagRules.values()]) {
      if (typeof r.settings.graceMs === 'number') graceMs = Math.min(graceMs, r.settings.graceMs);
      if (typeof r.settings.heartbeatTimeoutMs === 'number')
        heartbeatTimeoutMs = Math.min(heartbeatTimeoutMs, r.settings.heartbeatTimeoutMs);
    }
    return { graceMs, heartbeatTimeoutMs };
  }
}
