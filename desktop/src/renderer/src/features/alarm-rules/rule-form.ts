/**
 * The rule form's values (what a person types: seconds, °C, a list of codes) and the settings
 * the server takes, both ways. Checked here first, so the form says what is wrong in a
 * sentence before anything is sent; the server checks again (protocol/alarm-rules.ts).
 */
import type {
  AlarmRule,
  AlarmRuleScope,
  AlarmRuleSettings,
  FaultSeverity,
  RuleSeverityKind,
} from '../../../../../../protocol';

export const SEVERITY_KINDS: { kind: RuleSeverityKind; label: string }[] = [
  { kind: 'lost', label: 'Connection lost' },
  { kind: 'offline', label: 'Offline' },
  { kind: 'heartbeat', label: 'Missed heartbeats' },
  { kind: 'temperature', label: 'Temperature' },
  { kind: 'fault', label: 'Fault' },
];

export interface RuleFormValues {
  scope: AlarmRuleScope;
  target: string;
  /** Seconds, as typed; '' = not set by this rule. */
  graceS: string;
  heartbeatS: string;
  temperatureMaxC: string;
  /** Codes separated by commas or spaces. */
  ignoreFaultCodes: string;
  severity: Partial<Record<RuleSeverityKind, FaultSeverity | ''>>;
}

export const EMPTY_RULE: RuleFormValues = {
  scope: 'tag',
  target: '',
  graceS: '',
  heartbeatS: '',
  temperatureMaxC: '',
  ignoreFaultCodes: '',
  severity: {},
};

const secondsText = (ms: number | null | undefined) =>
  ms === null || ms === undefined ? '' : String(ms / 1000);

export function ruleToForm(rule: AlarmRule): RuleFormValues {
  const s = rule.settings;
  return {
    scope: rule.scope,
    target: rule.target,
    graceS: secondsText(s.graceMs),
    heartbeatS: secondsText(s.heartbeatTimeoutMs),
    temperatureMaxC:
      s.temperatureMaxC === null || s.temperatureMaxC === undefined
        ? ''
        : String(s.temperatureMaxC),
    ignoreFaultCodes: (s.ignoreFaultCodes ?? []).join(', '),
    severity: { ...(s.severity ?? {}) },
  };
}

const DAY_S = 86_400;

/** The settings to send, or the sentence that says what to fix. */
export function formToSettings(
  v: RuleFormValues,
): { settings: AlarmRuleSettings; target: string } | { problem: string } {
  const target = v.target.trim();
  if (!target)
    return { problem: v.scope === 'tag' ? 'Name the tag this rule is for.' : 'Choose the screen.' };
  if (target.length > 64) return { problem: 'A tag or screen id has at most 64 characters.' };
  const settings: AlarmRuleSettings = {};
  const num = (text: string) => (text.trim() === '' ? null : Number(text.trim()));

  const grace = num(v.graceS);
  if (grace !== null) {
    if (!Number.isFinite(grace) || grace < 0 || grace > DAY_S)
      return { problem: 'The grace before an alarm is 0 to 86400 seconds (24 hours).' };
    settings.graceMs = Math.round(grace * 1000);
  }
  const hb = num(v.heartbeatS);
  if (hb !== null) {
    if (!Number.isFinite(hb) || hb < 1 || hb > DAY_S)
      return { problem: 'The heartbeat timeout is 1 to 86400 seconds (24 hours).' };
    settings.heartbeatTimeoutMs = Math.round(hb * 1000);
  }
  const temp = num(v.temperatureMaxC);
  if (temp !== null) {
    if (!Number.isFinite(temp) || temp < -40 || temp > 150)
      return { problem: 'The temperature limit is between -40 and 150 °C.' };
    settings.temperatureMaxC = temp;
  }
  const codes = [
    ...new Set(
      v.ignoreFaultCodes
        .split(/[\s,]+/)
        .map((c) => c.trim())
        .filter(Boolean),
    ),
  ];
  if (codes.some((c) => c.length > 64))
    return { problem: 'A fault code has at most 64 characters.' };
  if (codes.length > 100) return { problem: 'Ignore at most 100 fault codes.' };
  if (codes.length) settings.ignoreFaultCodes = codes;
  const severity: NonNullable<AlarmRuleSettings['severity']> = {};
  for (const { kind } of SEVERITY_KINDS) {
    const s = v.severity[kind];
    if (s) severity[kind] = s;
  }
  if (Object.keys(severity).length) settings.severity = severity;
  if (Object.keys(settings).length === 0)
    return { problem: 'Set at least one value (or delete the rule instead).' };
  return { settings, target };
}

/** One line per rule for the list: "grace 2 s · ignores FAN". */
export function describeSettings(s: AlarmRuleSettings): string {
  const parts: string[] = [];
  if (typeof s.graceMs === 'number') parts.push(`grace ${s.graceMs / 1000} s`);
  if (typeof s.heartbeatTimeoutMs === 'number')
    parts.push(`heartbeat ${s.heartbeatTimeoutMs / 1000} s`);
  if (typeof s.temperatureMaxC === 'number') parts.push(`max ${s.temperatureMaxC} °C`);
  if (s.ignoreFaultCodes?.length) parts.push(`ignores ${s.ignoreFaultCodes.join(', ')}`);
  for (const { kind, label } of SEVERITY_KINDS) {
    const sev = s.severity?.[kind];
    if (sev) parts.push(`${label.toLowerCase()} ${sev}`);
  }
  return parts.join(' · ');
}
