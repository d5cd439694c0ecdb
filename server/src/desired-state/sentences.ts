/** Sentences for desired state: what was refused and why, and what a spec sets (the audit log). */
import type { z } from 'zod';
import type { DesiredSpec } from '../../../protocol';

const FIELD_NAMES: Record<string, string> = {
  brightness: 'Brightness',
  power: 'Power',
  schedule: 'The schedule',
  timeZone: 'The time zone',
  windows: 'windows',
  days: 'days',
  on: 'on time',
  off: 'off time',
};

function where(path: readonly PropertyKey[]): string {
  if (path.length === 0) return 'The desired state';
  const [head, ...rest] = path;
  const parts = [FIELD_NAMES[String(head)] ?? String(head)];
  for (const p of rest)
    parts.push(typeof p === 'number' ? `#${p + 1}` : (FIELD_NAMES[String(p)] ?? String(p)));
  return parts.join(' ');
}

/** "The desired state was not saved: Brightness must be a whole number from 0 to 100." */
export function specSentence(issues: readonly z.core.$ZodIssue[]): string {
  const issue = issues[0]!;
  let reason: string;
  if (issue.code === 'unrecognized_keys')
    reason = `${where(issue.path)} has an unknown field "${issue.keys[0]}" (known: brightness, power, schedule, timeZone)`;
  else if (issue.code === 'invalid_value' && issue.path.at(-1) === 'power')
    reason = 'Power must be "on" or "off"';
  else if (issue.code === 'invalid_value')
    reason = `${where(issue.path)} must be one of ${issue.values.map(String).join(', ')}`;
  else if (issue.code === 'invalid_type' && issue.path.length === 0)
    reason = 'The desired state must be a JSON object';
  else reason = `${where(issue.path)} ${issue.message}`;
  return `The desired state was not saved: ${reason}.`;
}

export function describeSpec(spec: DesiredSpec): string {
  const parts: string[] = [];
  if (spec.brightness !== undefined) parts.push(`brightness ${spec.brightness}`);
  if (spec.power !== undefined) parts.push(`power ${spec.power}`);
  if (spec.schedule)
    parts.push(
      `schedule ${spec.schedule.windows.map((w) => `${w.days.join(',')} ${w.on}–${w.off}`).join('; ')}`,
    );
  if (spec.timeZone) parts.push(`time zone ${spec.timeZone}`);
  return parts.length ? parts.join(', ') : 'nothing (inherits from its tags)';
}
