/**
 * Storms (README.md): when many screens of one site are down together (a power cut, a network
 * outage), they make ONE alarm of kind `site` that names the site and lists the screens,
 * instead of one lost/offline alarm each. It is new (and notifies) once; screens of the site
 * that go down while it is open join it (an update, no new notification); it clears — the
 * "back online" change — when none of its screens is down any more.
 *
 * A screen's site is its `site:NAME` tag, else its address; a screen with neither is never
 * grouped. On the wire: kind `site`, code and `site` = the site, `screenId` = `site:NAME`
 * (no screen has a colon in its id), `screenIds` = the screens folded in, `count` = how many.
 */
import type { Knex } from 'knex';
import type { Alarm, FaultSeverity } from '../../../protocol';
import { reserveRevisions } from '../db/revisions';
import { newId } from '../auth/tokens';
import { clearInTransaction, clipAlarmMessage, rowToAlarm, type AlarmRow } from './alarms-repo';
import { worstSeverity } from './rule-resolution';

export const SITE_TAG_PREFIX = 'site:';

export function siteOf(screen: { tags: readonly string[]; address: string | null }): string | null {
  const tag = screen.tags.find((t) => t.startsWith(SITE_TAG_PREFIX) && t.length > 5);
  if (tag) return tag.slice(SITE_TAG_PREFIX.length).trim() || null;
  return screen.address?.trim() || null;
}

/** The screen id and code columns hold 64 characters; the full site is in `site`. */
const siteScreenId = (site: string) => `site:${site}`.slice(0, 64);
const siteCode = (site: string) => site.slice(0, 64);
export const siteOpenKey = (site: string) => `${siteScreenId(site)}|site|${siteCode(site)}`;

export interface DownCandidate {
  id: string;
  site: string | null;
  /** Past its grace: an alarm (its own or the site's) is due now. */
  due: boolean;
  severity: FaultSeverity;
}

export interface OpenSiteAlarm {
  site: string;
  key: string;
  screenIds: Set<string>;
  down: number;
}

export interface StormPlan<C extends DownCandidate> {
  /** Per site, the due screens to fold into its site alarm (opened if none is). */
  fold: Map<string, C[]>;
  /** Due screens that get their own alarm. */
  alone: C[];
}

/**
 * Candidates are the down screens that no alarm covers yet (not in maintenance, activated).
 * A site with an open site alarm takes its due screens; a site with at least `minScreens`
 * candidates (due or still in their grace: they went down together) opens one.
 */
export function planStorms<C extends DownCandidate>(
  candidates: C[],
  open: ReadonlyMap<string, OpenSiteAlarm>,
  minScreens: number,
): StormPlan<C> {
  const bySite = new Map<string, C[]>();
  const alone: C[] = [];
  for (const c of candidates) {
    if (!c.site || minScreens === 0) {
      if (c.due) alone.push(c);
      continue;
    }
    const list = bySite.get(c.site) ?? [];
    list.push(c);
    bySite.set(c.site, list);
  }
  const fold = new Map<string, C[]>();
  for (const [site, list] of bySite) {
    const due = list.filter((c) => c.due);
    if (open.has(site) || list.length >= minScreens) {
      if (due.length) fold.set(site, due);
    } else alone.push(...due);
  }
  return { fold, alone };
}

interface SiteRow extends AlarmRow {
  site: string;
  screen_ids: string;
}

export async function openSiteAlarms(knex: Knex): Promise<Map<string, OpenSiteAlarm>> {
  const rows: SiteRow[] = await knex('alarms').where({ kind: 'site' }).whereNotNull('open_key');
  return new Map(
    rows.map((r) => [
      r.site,
      {
        site: r.site,
        key: r.open_key!,
        screenIds: new Set(JSON.parse(r.screen_ids) as string[]),
        down: 0,
      },
    ]),
  );
}

function message(site: string, total: number, down: number): string {
  const s = (n: number) => (n === 1 ? 'screen' : 'screens');
  return clipAlarmMessage(
    down === total
      ? `Site ${site}: ${total} ${s(total)} down together (power or network outage?)`
      : `Site ${site}: ${down} of ${total} ${s(total)} still down`,
  );
}

/** Opens the site's alarm with these screens, or adds them to the open one. */
export async function foldIntoSiteAlarm(
  knex: Knex,
  site: string,
  screens: DownCandidate[],
  stillDown: number,
  now = Date.now(),
): Promise<{ alarm: Alarm; isNew: boolean }> {
  return knex.transaction(async (trx) => {
    const rev = await reserveRevisions(trx, 1);
    const key = siteOpenKey(site);
    const existing = await trx<SiteRow>('alarms').where({ open_key: key }).forUpdate().first();
    const ids = new Set<string>(existing ? (JSON.parse(existing.screen_ids) as string[]) : []);
    for (const c of screens) ids.add(c.id);
    let severity = screens.map((c) => c.severity).reduce(worstSeverity);
    if (existing) severity = worstSeverity(severity, existing.severity);
    const patch = {
      severity,
      message: message(site, ids.size, Math.max(stillDown, screens.length)),
      count: ids.size,
      screen_ids: JSON.stringify([...ids]),
      updated_at: now,
      rev,
    };
    if (existing) {
      await trx('alarms').where({ id: existing.id }).update(patch);
      return { alarm: rowToAlarm({ ...existing, ...patch }), isNew: false };
    }
    const row: SiteRow = {
      ...patch,
      id: newId(),
      screen_id: siteScreenId(site),
      kind: 'site',
      code: siteCode(site),
      site,
      status: 'active',
      flapping: false,
      raised_at: now,
      acknowledged_by: null,
      cleared_at: null,
      open_key: key,
    };
    await trx('alarms').insert(row);
    return { alarm: rowToAlarm(row), isNew: true };
  });
}

/**
 * After a sweep: a site alarm none of whose screens is down clears; one with fewer screens
 * down than its message says is updated ("N of M still down", no new notification).
 */
export async function settleSiteAlarm(
  knex: Knex,
  open: OpenSiteAlarm,
  now = Date.now(),
): Promise<Alarm | null> {
  return knex.transaction(async (trx) => {
    if (open.down === 0) return clearInTransaction(trx, open.key, now);
    const existing = await trx<SiteRow>('alarms').where({ open_key: open.key }).forUpdate().first();
    if (!existing) return null;
    const text = message(open.site, open.screenIds.size, open.down);
    if (text === existing.message) return null;
    const rev = await reserveRevisions(trx, 1);
    const patch = { message: text, updated_at: now, rev };
    await trx('alarms').where({ id: existing.id }).update(patch);
    return rowToAlarm({ ...existing, ...patch });
  });
}
