/** The pure parts of issue 14: rule resolution, the storm plan, the site of a screen. */
import { describe, expect, it } from 'vitest';
import type { AlarmRule, AlarmRuleSettings } from '../../protocol';
import { defaultRule, resolveRule } from '../src/alarms/rule-resolution';
import { planStorms, siteOf, type DownCandidate, type OpenSiteAlarm } from '../src/alarms/storms';
import { maintenanceOf } from '../src/alarms/maintenance';

const defaults = defaultRule({
  alarmGraceMs: 30_000,
  heartbeatTimeoutMs: 45_000,
  temperatureMaxC: 75,
});
const rule = (scope: 'tag' | 'screen', target: string, settings: AlarmRuleSettings): AlarmRule => ({
  scope,
  target,
  settings,
  updatedAt: 0,
  updatedByName: 'Admin',
});

describe('rule resolution', () => {
  it('uses the defaults when no rule applies', () => {
    expect(resolveRule(defaults, undefined, [])).toEqual({ rule: defaults, from: [] });
  });

  it('takes the strictest value between tags, field by field, and the screen rule over all', () => {
    const a = rule('tag', 'a', {
      graceMs: 10_000,
      severity: { lost: 'warning' },
      ignoreFaultCodes: ['FAN', 'DOOR'],
    });
    const b = rule('tag', 'b', {
      graceMs: 60_000,
      temperatureMaxC: 50,
      severity: { lost: 'info', fault: 'critical' },
      ignoreFaultCodes: ['DOOR'],
    });
    const both = resolveRule(defaults, undefined, [a, b]).rule;
    expect(both).toMatchObject({
      graceMs: 10_000,
      temperatureMaxC: 50,
      heartbeatTimeoutMs: 45_000,
      ignoreFaultCodes: ['DOOR'],
      severity: { lost: 'warning', fault: 'critical', offline: null },
    });
    const own = rule('screen', 's1', {
      graceMs: 120_000,
      ignoreFaultCodes: [],
      severity: { lost: 'info' },
    });
    const resolved = resolveRule(defaults, own, [a, b]);
    expect(resolved.rule).toMatchObject({
      graceMs: 120_000,
      ignoreFaultCodes: [],
      severity: { lost: 'info', fault: 'critical' },
    });
    expect(resolved.from).toEqual(['screen:s1', 'tag:a', 'tag:b']);
  });

  it('ignores a code only when every tag rule with an ignore list ignores it', () => {
    const a = rule('tag', 'a', { ignoreFaultCodes: ['FAN'] });
    const c = rule('tag', 'c', { graceMs: 1000 }); // no list: does not vote
    expect(resolveRule(defaults, undefined, [a, c]).rule.ignoreFaultCodes).toEqual(['FAN']);
  });
});

describe('storm plan', () => {
  const c = (id: string, site: string | null, due = true): DownCandidate => ({
    id,
    site,
    due,
    severity: 'critical',
  });
  const none = new Map<string, OpenSiteAlarm>();

  it('folds a site with enough screens down together, alone otherwise', () => {
    const plan = planStorms(
      [
        c('h1', 'harbour'),
        c('h2', 'harbour'),
        c('h3', 'harbour', false),
        c('s1', 'small'),
        c('x', null),
      ],
      none,
      3,
    );
    expect(plan.fold.get('harbour')?.map((x) => x.id)).toEqual(['h1', 'h2']); // h3 joins when due
    expect(plan.alone.map((x) => x.id).sort()).toEqual(['s1', 'x']);
  });

  it('lets an open site alarm take a late screen, and 0 turns grouping off', () => {
    const open = new Map([
      ['harbour', { site: 'harbour', key: 'k', screenIds: new Set(['h1']), down: 1 }],
    ]);
    expect(planStorms([c('h9', 'harbour')], open, 5).fold.get('harbour')).toHaveLength(1);
    expect(planStorms([c('h1', 'harbour'), c('h2', 'harbour')], none, 0).alone).toHaveLength(2);
  });

  it('finds a site in the site: tag, else the address', () => {
    expect(siteOf({ tags: ['lobby', 'site:Harbour'], address: '1 Quay' })).toBe('Harbour');
    expect(siteOf({ tags: ['lobby'], address: ' 1 Quay ' })).toBe('1 Quay');
    expect(siteOf({ tags: ['site:'], address: null })).toBeNull();
  });
});

describe('maintenance', () => {
  it('covers a screen by its id or a tag while the window is current, naming the one ending last', () => {
    const w = (scope: 'tag' | 'screen', target: string, startsAt: number, endsAt: number) => ({
      scope,
      target,
      startsAt,
      endsAt,
      reason: 'r',
      setByName: 'A',
      setAt: 0,
    });
    const windows = [
      w('tag', 'works', 0, 500),
      w('screen', 's1', 0, 900),
      w('tag', 'later', 2000, 3000),
    ];
    expect(maintenanceOf(windows, { id: 's1', tags: ['works'] }, 100)?.endsAt).toBe(900);
    expect(maintenanceOf(windows, { id: 's2', tags: ['works'] }, 600)).toBeNull();
    expect(maintenanceOf(windows, { id: 's3', tags: ['later'] }, 100)).toBeNull();
  });
});
