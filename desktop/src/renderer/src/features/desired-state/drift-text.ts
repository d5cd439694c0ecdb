/** Sentences about desired state and drift, shared by the detail panel, tiles and the tag panel. */
import type { DesiredSpec, DriftEntry, Screen } from '../../../../../../protocol';
import { hhmm } from '../../format';

const fieldName = { brightness: 'brightness', power: 'power' } as const;

/** "Desired brightness 80, reports 40 since 10:02". */
export function driftSentence(d: DriftEntry): string {
  return `Desired ${fieldName[d.field]} ${d.desired}, reports ${d.reported} since ${hhmm(d.since)}`;
}

export const hasDrift = (s: Pick<Screen, 'desired'>): boolean => (s.desired?.drift.length ?? 0) > 0;

/** Where a field comes from, for a person: "this screen", "tag lobby". */
export function sourceText(source: string | undefined): string {
  if (!source) return '';
  return source === 'screen' ? 'this screen' : `tag ${source.replace(/^tag:/, '')}`;
}

export function specSummary(spec: DesiredSpec): string {
  const parts: string[] = [];
  if (spec.brightness !== undefined) parts.push(`brightness ${spec.brightness}`);
  if (spec.power !== undefined) parts.push(`power ${spec.power}`);
  if (spec.schedule) parts.push(`schedule of ${spec.schedule.windows.length} window(s)`);
  if (spec.timeZone) parts.push(spec.timeZone);
  return parts.length ? parts.join(', ') : 'nothing';
}
