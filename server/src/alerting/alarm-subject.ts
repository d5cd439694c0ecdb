/**
 * What an alarm is about, for matching and for the words of a message: its screen (name, tags)
 * or, for a grouped site alarm (kind `site`, fields `site` and `screenIds`, raised by the rules
 * side), the site and the tags of its screens. Written against an alarm of any kind, so kinds
 * added later still route by severity and tags.
 */
import type { Alarm, Screen } from '../../../protocol';

export interface AlarmSubject {
  /** Display name: the screen's name, or "site NAME (N screens)". */
  name: string;
  /** Tags to match routes against (a site alarm carries `site:NAME`). */
  tags: string[];
  screen: { id: string; name: string; tags: string[] } | null;
  site: string | null;
}

/** The optional fields a grouped site alarm carries (protocol may add them to Alarm). */
type MaybeSite = { site?: unknown; screenIds?: unknown };

export function subjectOf(
  alarm: Alarm,
  screenOf: (id: string) => Screen | undefined,
): AlarmSubject {
  const extra = alarm as Alarm & MaybeSite;
  const site = typeof extra.site === 'string' && extra.site ? extra.site : null;
  const screenIds = Array.isArray(extra.screenIds)
    ? extra.screenIds.filter((s): s is string => typeof s === 'string')
    : [];
  const screen = screenOf(alarm.screenId);
  const tags = new Set(screen?.tags ?? []);
  if (site) {
    tags.add(`site:${site}`);
    for (const id of screenIds.slice(0, 1000))
      for (const t of screenOf(id)?.tags ?? []) tags.add(t);
  }
  const count = screenIds.length;
  return {
    name: site
      ? `site ${site}${count ? ` (${count} screen${count === 1 ? '' : 's'})` : ''}`
      : (screen?.name ?? alarm.screenId),
    tags: [...tags],
    screen: screen ? { id: screen.id, name: screen.name, tags: screen.tags } : null,
    site,
  };
}
