/**
 * The plain logic of alerting: schedules in a person's time zone, which routes take an alarm
 * (also of a kind added later, and a grouped site alarm), and which webhook addresses are refused.
 */
import { describe, expect, it } from 'vitest';
import type { Alarm, AlertRoute, Screen } from '../../protocol';
import { subjectOf } from '../src/alerting/alarm-subject';
import { isPrivateAddress, refuseLiteralPrivate } from '../src/alerting/channels/webhook-address';
import { matchingRoutes } from '../src/alerting/matching';
import { isOnDuty, nextOnDuty, type Schedule } from '../src/alerting/schedule';

const berlinNights: Schedule = {
  timeZone: 'Europe/Berlin',
  quietHours: { start: '22:00', end: '07:00' },
  workingHours: null,
};

describe('schedules', () => {
  it('keeps quiet hours across midnight in the person’s zone, also across daylight saving', () => {
    expect(isOnDuty(berlinNights, Date.UTC(2030, 0, 15, 20, 59))).toBe(true); // 21:59 CET
    expect(isOnDuty(berlinNights, Date.UTC(2030, 0, 15, 21, 0))).toBe(false); // 22:00 CET
    expect(isOnDuty(berlinNights, Date.UTC(2030, 0, 16, 5, 59))).toBe(false); // 06:59 CET
    expect(nextOnDuty(berlinNights, Date.UTC(2030, 0, 15, 23, 30))).toBe(
      Date.UTC(2030, 0, 16, 6, 0),
    );
    // Summer time (CEST, UTC+2): 07:00 in Berlin is 05:00 UTC.
    expect(nextOnDuty(berlinNights, Date.UTC(2030, 6, 15, 23, 30))).toBe(
      Date.UTC(2030, 6, 16, 5, 0),
    );
    // The same instant is daytime for someone in New York.
    expect(
      isOnDuty({ ...berlinNights, timeZone: 'America/New_York' }, Date.UTC(2030, 0, 15, 22, 0)),
    ).toBe(true);
  });

  it('puts a person off duty outside working hours, and finds Monday morning from Friday night', () => {
    const office: Schedule = {
      timeZone: 'UTC',
      quietHours: null,
      workingHours: { days: [1, 2, 3, 4, 5], start: '08:00', end: '18:00' },
    };
    expect(isOnDuty(office, Date.UTC(2030, 0, 18, 12, 0))).toBe(true); // Friday noon
    expect(isOnDuty(office, Date.UTC(2030, 0, 18, 18, 0))).toBe(false);
    expect(isOnDuty(office, Date.UTC(2030, 0, 19, 12, 0))).toBe(false); // Saturday
    expect(nextOnDuty(office, Date.UTC(2030, 0, 18, 19, 0))).toBe(Date.UTC(2030, 0, 21, 8, 0));
  });

  it('says never when quiet hours cover all working hours', () => {
    const never: Schedule = {
      timeZone: 'UTC',
      quietHours: { start: '00:00', end: '23:59' },
      workingHours: { days: [1], start: '09:00', end: '10:00' },
    };
    expect(nextOnDuty(never, Date.UTC(2030, 0, 15, 12, 0))).toBeNull();
  });
});

const route = (over: Partial<AlertRoute>): AlertRoute => ({
  id: over.name ?? 'r',
  name: 'r',
  enabled: true,
  tags: [],
  minSeverity: 'info',
  kinds: [],
  steps: [{ type: 'user', id: 'u1' }],
  escalateAfterMinutes: null,
  quietHours: 'hold',
  channels: { console: true, email: false },
  webhookIds: [],
  createdAt: 0,
  updatedAt: 0,
  ...over,
});

const alarm = (over: Partial<Alarm> & Record<string, unknown>): Alarm =>
  ({
    id: 'a1',
    screenId: 's1',
    kind: 'lost',
    code: '',
    severity: 'critical',
    status: 'active',
    message: 'lost',
    flapping: false,
    count: 1,
    raisedAt: 0,
    updatedAt: 0,
    acknowledgedBy: null,
    clearedAt: null,
    rev: 1,
    ...over,
  }) as Alarm;

const screens = new Map<string, Partial<Screen>>([
  ['s1', { id: 's1', name: 'One', tags: ['region:north'] }],
  ['s2', { id: 's2', name: 'Two', tags: ['region:south'] }],
]);
const screenOf = (id: string) => screens.get(id) as Screen | undefined;

describe('matching', () => {
  const routes = [
    route({ name: 'north', tags: ['region:north'] }),
    route({ name: 'critical-only', minSeverity: 'critical' }),
    route({ name: 'faults', kinds: ['fault'] }),
    route({ name: 'site-a', tags: ['site:A'] }),
    route({ name: 'off', enabled: false }),
  ];
  const names = (a: Alarm) => matchingRoutes(routes, a, subjectOf(a, screenOf)).map((r) => r.name);

  it('applies every route whose tag, severity and kind hold', () => {
    expect(names(alarm({}))).toEqual(['north', 'critical-only']);
    expect(names(alarm({ severity: 'warning' }))).toEqual(['north']);
    expect(names(alarm({ kind: 'fault', severity: 'warning' }))).toEqual(['north', 'faults']);
  });

  it('routes an alarm of a kind it has never heard of by severity and tags', () => {
    expect(names(alarm({ kind: 'brand-new' as Alarm['kind'] }))).toEqual([
      'north',
      'critical-only',
    ]);
  });

  it('routes a grouped site alarm by its site tag and its screens’ tags', () => {
    const site = alarm({
      kind: 'site' as Alarm['kind'],
      screenId: 'site:A',
      site: 'A',
      screenIds: ['s2'],
      severity: 'warning',
    });
    expect(names(site)).toEqual(['site-a']);
    expect(subjectOf(site, screenOf)).toMatchObject({
      name: 'site A (1 screen)',
      tags: ['site:A', 'region:south'],
    });
  });
});

describe('webhook addresses', () => {
  it('refuses loopback, private, link-local and metadata addresses unless allowed', () => {
    for (const a of [
      '127.0.0.1',
      '10.1.2.3',
      '172.20.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '::1',
      'fd00::1',
      '::ffff:127.0.0.1',
    ])
      expect(isPrivateAddress(a), a).toBe(true);
    for (const a of ['8.8.8.8', '2001:4860:4860::8888']) expect(isPrivateAddress(a), a).toBe(false);
    expect(refuseLiteralPrivate('http://localhost:8080/x', false)).toMatch(/loopback or private/);
    expect(refuseLiteralPrivate('http://[::1]/x', false)).toMatch(/loopback or private/);
    expect(refuseLiteralPrivate('https://hooks.slack.com/services/x', false)).toBeNull();
    expect(refuseLiteralPrivate('http://127.0.0.1/x', true)).toBeNull();
  });
});
