/**
 * A screen's effective desired state, field by field: the screen's own value, else the first of
 * its tags (in the screen's own tag order, as the admin listed them) that sets the field, else
 * not managed. The time zone resolves the same way and falls back to the server's.
 */
import {
  DESIRED_FIELDS,
  type DesiredField,
  type DesiredSpec,
  type ScreenDesired,
} from '../../../protocol';

export type Effective = Omit<ScreenDesired, 'version' | 'drift'>;

export function resolveDesired(
  tags: readonly string[],
  own: DesiredSpec | undefined,
  tagSpecs: ReadonlyMap<string, { spec: DesiredSpec }>,
  defaultTimeZone: string,
): Effective | null {
  const layers: [source: string, spec: DesiredSpec][] = [];
  if (own) layers.push(['screen', own]);
  for (const tag of tags) {
    const t = tagSpecs.get(tag);
    if (t) layers.push([`tag:${tag}`, t.spec]);
  }
  const sources: Partial<Record<DesiredField, string>> = {};
  const pick = <F extends DesiredField>(field: F): DesiredSpec[F] | undefined => {
    for (const [source, spec] of layers) {
      if (spec[field] !== undefined) {
        sources[field] = source;
        return spec[field];
      }
    }
    return undefined;
  };
  const brightness = pick('brightness') ?? null;
  const power = pick('power') ?? null;
  const schedule = pick('schedule') ?? null;
  const timeZone = pick('timeZone') ?? defaultTimeZone;
  // A time zone alone manages nothing.
  if (brightness === null && power === null && schedule === null) return null;
  return { brightness, power, schedule, timeZone, sources };
}

/** Same effective content (what the agent would do), whatever the version and drift. */
export function sameEffective(a: Effective | null, b: Effective | null): boolean {
  if (a === null || b === null) return a === b;
  return DESIRED_FIELDS.every((f) => JSON.stringify(a[f]) === JSON.stringify(b[f]))
    ? JSON.stringify(a.sources) === JSON.stringify(b.sources)
    : false;
}

export function effectiveOf(view: ScreenDesired | null | undefined): Effective | null {
  if (!view) return null;
  const { version: _v, drift: _d, ...rest } = view;
  return rest;
}
