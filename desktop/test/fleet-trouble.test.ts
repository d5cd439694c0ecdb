/** Problems-first order and the palette's fuzzy match (issue 11): pure functions. */
import { describe, expect, it } from 'vitest';
import type { Screen } from '../../protocol';
import { filterAndSort } from '../src/renderer/src/views/fleet-order';
import { layoutRows } from '../src/renderer/src/features/fleet-wall/groups';
import { fuzzyScore } from '../src/renderer/src/features/keyboard/fuzzy';
import { matchItems, type PaletteItem } from '../src/renderer/src/features/keyboard/palette-items';

const NOW = 1_800_000_000_000;
const screen = (id: string, patch: Partial<Screen> = {}): Screen =>
  ({
    id,
    name: id,
    address: null,
    tags: [],
    state: 'online',
    lastSeen: NOW - 1000,
    telemetry: null,
    retired: false,
    rev: 1,
    ...patch,
  }) as Screen;

const prefs = {
  state: 'all',
  tag: '',
  sort: 'trouble',
  reverse: false,
  showRetired: false,
} as const;

describe('trouble order', () => {
  it('puts lost, then critical alarms, offline, warnings, stale, hot, and quiet screens last', () => {
    const screens = new Map(
      [
        screen('a-quiet'),
        screen('b-hot', { telemetry: { temperatureC: 90 } as Screen['telemetry'] }),
        screen('c-stale', { lastSeen: NOW - 120_000 }),
        screen('d-warning'),
        screen('e-offline', { state: 'offline' }),
        screen('f-critical'),
        screen('g-lost', { state: 'lost' }),
      ].map((s) => [s.id, s]),
    );
    const worstAlarm = new Map([
      ['d-warning', 'warning' as const],
      ['f-critical', 'critical' as const],
    ]);
    expect(filterAndSort(screens, prefs, '', { worstAlarm, now: NOW })).toEqual([
      'g-lost',
      'f-critical',
      'e-offline',
      'd-warning',
      'c-stale',
      'b-hot',
      'a-quiet',
    ]);
  });

  it('groups by first tag, trouble first inside a group, untagged last', () => {
    const screens = new Map(
      [
        screen('n-ok', { tags: ['north'] }),
        screen('n-lost', { tags: ['north'], state: 'lost' }),
        screen('none', { state: 'lost' }),
        screen('e-ok', { tags: ['east'] }),
      ].map((s) => [s.id, s]),
    );
    expect(
      filterAndSort(screens, { ...prefs, sort: 'site' }, '', { worstAlarm: new Map(), now: NOW }),
    ).toEqual(['e-ok', 'n-lost', 'n-ok', 'none']);
  });
});

describe('palette matching', () => {
  it('matches in order, prefers prefixes, and finds screens by id or tag', () => {
    expect(fuzzyScore('lbby', 'Lobby')).not.toBeNull();
    expect(fuzzyScore('ybbl', 'Lobby')).toBeNull();
    expect(fuzzyScore('lob', 'Lobby')!).toBeGreaterThan(fuzzyScore('lby', 'Lobby')!);
    const item = (label: string, keywords: string): PaletteItem => ({
      key: label,
      group: 'Screen',
      label,
      hint: '',
      keywords,
      run: () => {},
    });
    const items = [item('Harbour Front', 'wall-ok north'), item('Opera Steps', 'op-2 south')];
    expect(matchItems(items, 'harbr').map((i) => i.label)).toEqual(['Harbour Front']);
    expect(matchItems(items, 'op-2').map((i) => i.label)).toEqual(['Opera Steps']);
    expect(matchItems(items, 'south').map((i) => i.label)).toEqual(['Opera Steps']);
  });
});

describe('grouped wall rows', () => {
  it('puts a header before each group and never mixes groups in a row of tiles', () => {
    const ids = ['a', 'b', 'c', 'd', 'e'];
    const { rows, rowOfIndex } = layoutRows(ids, ['Lost', 'Lost', 'Lost', 'OK', 'OK'], 2);
    expect(rows).toEqual([
      { kind: 'head', label: 'Lost', count: 3 },
      { kind: 'tiles', start: 0, ids: ['a', 'b'] },
      { kind: 'tiles', start: 2, ids: ['c'] },
      { kind: 'head', label: 'OK', count: 2 },
      { kind: 'tiles', start: 3, ids: ['d', 'e'] },
    ]);
    expect([0, 1, 2, 3, 4].map(rowOfIndex)).toEqual([1, 1, 2, 4, 4]);
    expect(layoutRows(ids, null, 2).rows).toHaveLength(3);
  });
});
