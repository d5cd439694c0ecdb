/**
 * Alarm rules and maintenance windows on the wire (issue 14). Admins edit them over REST;
 * operators and admins read them. They are configuration, fetched by the console while it is
 * live (server/src/alarms/README.md says why they are not in the change log).
 *
 * - `GET    /api/alarm-rules` → AlarmRulesResponse
 * - `PUT    /api/alarm-rules/:scope/:target` AlarmRuleSettings → { rule: AlarmRule }
 * - `DELETE /api/alarm-rules/:scope/:target` → { deleted: AlarmRule }
 * - `GET    /api/alarm-rules/effective/:screenId` → EffectiveRuleResponse
 * - `GET    /api/alarm-rules/maintenance` → { windows: MaintenanceWindow[] } (current and coming)
 * - `PUT    /api/alarm-rules/maintenance/:scope/:target` MaintenanceRequest → { window }
 * - `DELETE /api/alarm-rules/maintenance/:scope/:target` → { ended: MaintenanceWindow } (ends it now)
 */
import { z } from 'zod';
import { FaultSeverity } from './mqtt';

/** A rule applies to every screen carrying a tag, or to one screen (which beats any tag). */
export const AlarmRuleScope = z.enum(['tag', 'screen'], {
  message: 'scope must be "tag" or "screen"',
});
export type AlarmRuleScope = z.infer<typeof AlarmRuleScope>;

/** The alarm kinds whose severity a rule may set (a site alarm takes its screens' worst). */
export const RULE_SEVERITY_KINDS = [
  'lost',
  'offline',
  'heartbeat',
  'temperature',
  'fault',
] as const;
export type RuleSeverityKind = (typeof RULE_SEVERITY_KINDS)[number];

const DAY_MS = 24 * 3600_000;
export const FAULT_CODE_MAX = 64;
export const IGNORED_FAULT_CODES_MAX = 100;

/**
 * What a rule sets. Every field is optional: absent (or null) means "not set here", and the
 * next rule in the resolution order (or the server's default) applies.
 */
export const AlarmRuleSettings = z
  .object({
    /** How long a screen may be lost/offline before it is an alarm. 0 s to 24 h. */
    graceMs: z
      .number({ message: 'graceMs must be a number of milliseconds' })
      .int('graceMs must be whole milliseconds')
      .min(0, 'graceMs cannot be negative')
      .max(DAY_MS, 'graceMs can be at most 24 hours (86400000 ms)')
      .nullable()
      .optional(),
    /** An online screen silent this long is "connected but silent". 1 s to 24 h. */
    heartbeatTimeoutMs: z
      .number({ message: 'heartbeatTimeoutMs must be a number of milliseconds' })
      .int('heartbeatTimeoutMs must be whole milliseconds')
      .min(1000, 'heartbeatTimeoutMs must be at least 1000 ms')
      .max(DAY_MS, 'heartbeatTimeoutMs can be at most 24 hours (86400000 ms)')
      .nullable()
      .optional(),
    /** Telemetry over this is a temperature alarm. */
    temperatureMaxC: z
      .number({ message: 'temperatureMaxC must be a number of °C' })
      .min(-40, 'temperatureMaxC must be between -40 and 150 °C')
      .max(150, 'temperatureMaxC must be between -40 and 150 °C')
      .nullable()
      .optional(),
    /** Agent fault codes that raise nothing (an ignore list: unknown codes still alarm). */
    ignoreFaultCodes: z
      .array(
        z
          .string()
          .trim()
          .min(1, 'a fault code cannot be empty')
          .max(FAULT_CODE_MAX, `a fault code has at most ${FAULT_CODE_MAX} characters`),
      )
      .max(IGNORED_FAULT_CODES_MAX, `at most ${IGNORED_FAULT_CODES_MAX} ignored fault codes`)
      .nullable()
      .optional(),
    /** The severity of each kind of alarm; for faults it replaces the agent's own. */
    severity: z
      .object({
        lost: FaultSeverity.optional(),
        offline: FaultSeverity.optional(),
        heartbeat: FaultSeverity.optional(),
        temperature: FaultSeverity.optional(),
        fault: FaultSeverity.optional(),
      })
      .strict()
      .nullable()
      .optional(),
  })
  .strict();
export type AlarmRuleSettings = z.infer<typeof AlarmRuleSettings>;

export const AlarmRuleTarget = z
  .string()
  .trim()
  .min(1, 'a rule needs a tag or a screen id')
  .max(64, 'a tag or screen id has at most 64 characters');

export const AlarmRule = z.object({
  scope: AlarmRuleScope,
  /** The tag, or the screen id. */
  target: z.string(),
  settings: AlarmRuleSettings,
  updatedAt: z.number().int(),
  updatedByName: z.string(),
});
export type AlarmRule = z.infer<typeof AlarmRule>;

/** The values a screen's alarms are evaluated with, every field resolved. */
export const EffectiveAlarmRule = z.object({
  graceMs: z.number().int(),
  heartbeatTimeoutMs: z.number().int(),
  temperatureMaxC: z.number(),
  ignoreFaultCodes: z.array(z.string()),
  /** null: the kind's own default (lost critical, offline/heartbeat warning, temperature by how far over, fault the agent's). */
  severity: z.object({
    lost: FaultSeverity.nullable(),
    offline: FaultSeverity.nullable(),
    heartbeat: FaultSeverity.nullable(),
    temperature: FaultSeverity.nullable(),
    fault: FaultSeverity.nullable(),
  }),
});
export type EffectiveAlarmRule = z.infer<typeof EffectiveAlarmRule>;

export interface AlarmRulesResponse {
  rules: AlarmRule[];
  /** The server's defaults (its configuration), which apply where no rule sets a value. */
  defaults: EffectiveAlarmRule;
  /** Storm grouping as configured (README: storms). */
  storm: { minScreens: number };
}

export interface EffectiveRuleResponse {
  screenId: string;
  rule: EffectiveAlarmRule;
  /** Which rules applied, strongest first ("screen:ID", "tag:NAME"). */
  from: string[];
}

export const MAINTENANCE_REASON_MAX = 500;

export const MaintenanceRequest = z
  .object({
    /** Default: now. */
    startsAt: z.number().int().nonnegative().optional(),
    endsAt: z.number({ message: 'endsAt (ms epoch) is required' }).int().positive(),
    reason: z
      .string()
      .trim()
      .min(1, 'say why the screen is in maintenance (a reason is required)')
      .max(MAINTENANCE_REASON_MAX, `a reason has at most ${MAINTENANCE_REASON_MAX} characters`),
  })
  .strict();
export type MaintenanceRequest = z.infer<typeof MaintenanceRequest>;

export const MaintenanceWindow = z.object({
  scope: AlarmRuleScope,
  target: z.string(),
  startsAt: z.number().int(),
  endsAt: z.number().int(),
  reason: z.string(),
  setByName: z.string(),
  setAt: z.number().int(),
});
export type MaintenanceWindow = z.infer<typeof MaintenanceWindow>;

export interface MaintenanceResponse {
  windows: MaintenanceWindow[];
}
