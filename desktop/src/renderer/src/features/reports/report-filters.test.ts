import { describe, expect, it } from 'vitest';
import { DAY_MS, DEFAULT_FILTERS, dayStart, lengthText, rangeOf, ymd } from './report-filters';

describe('report filters', () => {
  const now = new Date(2026, 10, 20, 15, 30).getTime();

  it('turns presets and calendar days into ranges up to now', () => {
    expect(rangeOf(DEFAULT_FILTERS, now)).toEqual({ from: now - DAY_MS, to: now });
    expect(rangeOf({ ...DEFAULT_FILTERS, preset: '30d' }, now)).toEqual({
      from: now - 30 * DAY_MS,
      to: now,
    });
    const custom = { ...DEFAULT_FILTERS, preset: 'custom' as const };
    expect(rangeOf({ ...custom, fromDay: '2026-11-01', toDay: '2026-11-02' }, now)).toEqual({
      from: dayStart('2026-11-01'),
      to: dayStart('2026-11-03'),
    });
    // Today is included up to now, not to midnight.
    expect(rangeOf({ ...custom, fromDay: '2026-11-19', toDay: ymd(now) }, now)).toEqual({
      from: dayStart('2026-11-19'),
      to: now,
    });
  });

  it('says what to change in a range the server would refuse', () => {
    const custom = { ...DEFAULT_FILTERS, preset: 'custom' as const };
    expect(rangeOf(custom, now)).toBe('Choose the first and the last day of the range.');
    expect(rangeOf({ ...custom, fromDay: '2026-11-05', toDay: '2026-11-01' }, now)).toBe(
      'The last day is before the first; choose a last day on or after it.',
    );
    expect(rangeOf({ ...custom, fromDay: '2026-12-05', toDay: '2026-12-06' }, now)).toBe(
      'The first day is in the future; there is nothing to report yet.',
    );
    expect(rangeOf({ ...custom, fromDay: '2025-01-01', toDay: '2026-11-01' }, now)).toBe(
      'A report covers at most 400 days; choose a shorter range.',
    );
  });

  it('writes lengths as an operator reads them', () => {
    expect(lengthText(45_000)).toBe('45 s');
    expect(lengthText(36 * 60_000)).toBe('36 min');
    expect(lengthText(3 * 3600_000)).toBe('3 h');
    expect(lengthText(3 * 3600_000 + 5 * 60_000)).toBe('3 h 5 min');
    expect(lengthText(52 * 3600_000)).toBe('2 d 4 h');
  });
});
