/**
 * Which values a screen's alarms are evaluated with (README.md: resolution order). Per field:
 * 1. the screen's own rule, when it sets the field;
 * 2. else the strictest value among the rules of the screen's tags that set it — shortest
 *    grace, shortest heartbeat timeout, lowest temperature limit, highest severity, and a
 *    fault code is ignored only when every tag rule with an ignore list ignores it;
 * 3. else the server's default (its configuration: today's global values).
 * Strictest, not a priority number: an extra tag can make alarms earlier or louder, never
 * silence one another tag asked for, and there is no ordering for admins to keep straight.
 */
import {
  RULE_SEVERITY_KINDS,
  type AlarmRule,
  type EffectiveAlarmRule,
  type FaultSeverity,
} from '../../../protocol';
import type { ServerConfig } from '../config';

const rank: Record<FaultSeverity, number> = { info: 0, warning: 1, critical: 2 };
export const worstSeverity = (a: FaultSeverity, b: FaultSeverity): FaultSeverity =>
  rank[a] >= rank[b] ? a : b;

export function defaultRule(
  config: Pick<ServerConfig, 'alarmGraceMs' | 'heartbeatTimeoutMs' | 'temperatureMaxC'>,
): EffectiveAlarmRule {
  return {
    graceMs: config.alarmGraceMs,
    heartbeatTimeoutMs: config.heartbeatTimeoutMs,
    temperatureMaxC: config.temperatureMaxC,
    ignoreFaultCodes: [],
    severity: { lost: null, offline: null, heartbeat: null, temperature: null, fault: null },
  };
}

const minOf = (values: number[]) => (values.length ? Math.min(...values) : undefined);
const isSet = <T>(v: T | null | undefined): v is T => v !== null && v !== undefined;

export interface ResolvedRule {
  rule: EffectiveAlarmRule;
  /** The rules that applied, strongest first: "screen:ID", then "tag:NAME" in tag order. */
  from: string[];
}

export function resolveRule(
  defaults: EffectiveAlarmRule,
  screenRule: AlarmRule | undefined,
  tagRules: AlarmRule[],
): ResolvedRule {
  const own = screenRule?.settings ?? {};
  const tags = tagRules.map((r) => r.settings);
  const pick = (field: 'graceMs' | 'heartbeatTimeoutMs' | 'temperatureMaxC'): number =>
    own[field] ?? minOf(tags.map((t) => t[field]).filter(isSet)) ?? defaults[field];

  let ignore: string[];
  if (isSet(own.ignoreFaultCodes)) ignore = [...new Set(own.ignoreFaultCodes)];
  else {
    const lists = tags.map((t) => t.ignoreFaultCodes).filter(isSet);
    ignore = lists.length
      ? [...new Set(lists[0])].filter((code) => lists.every((l) => l.includes(code)))
      : defaults.ignoreFaultCodes;
  }

  const severity = { ...defaults.severity };
  for (const kind of RULE_SEVERITY_KINDS) {
    const mine = own.severity?.[kind];
    if (mine) {
      severity[kind] = mine;
      continue;
    }
    const fromTags = tags.map((t) => t.severity?.[kind]).filter(isSet);
    if (fromTags.length) severity[kind] = fromTags.reduce(worstSeverity);
  }

  return {
    rule: {
      graceMs: pick('graceMs'),
      heartbeatTimeoutMs: pick('heartbeatTimeoutMs'),
      temperatureMaxC: pick('temperatureMaxC'),
      ignoreFaultCodes: ignore,
      severity,
    },
    from: [
      ...(screenRule ? [`screen:${screenRule.target}`] : []),
      ...tagRules.map((r) => `tag:${r.target}`),
    ],
  };
}
