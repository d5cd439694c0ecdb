/** The audit view's filters become the server's query: days in local time, the end day included. */
import { describe, expect, it } from 'vitest';
import { NO_FILTERS, dayStart, filtersProblem, toRequest } from './audit-filters';

describe('audit filters', () => {
  it('leaves empty filters out and trims text', () => {
    expect(toRequest({ ...NO_FILTERS, q: '  lobby-1 ', action: 'screen.' })).toEqual({
      q: 'lobby-1',
      action: 'screen.',
      actor: undefined,
      targetType: undefined,
      targetId: undefined,
      from: undefined,
      to: undefined,
    });
  });

  it('asks from the first day’s local midnight up to the midnight after the last day', () => {
    const req = toRequest({ ...NO_FILTERS, fromDay: '2026-03-28', toDay: '2026-03-29' });
    expect(req.from).toBe(new Date(2026, 2, 28).getTime());
    expect(req.to).toBe(new Date(2026, 2, 30).getTime());
    expect(dayStart('not a day')).toBeUndefined();
  });

  it('says what to change when the range is backwards', () => {
    expect(filtersProblem({ ...NO_FILTERS, fromDay: '2026-03-29', toDay: '2026-03-28' })).toBe(
      'The end date is before the start date; choose an end date on or after it.',
    );
    expect(
      filtersProblem({ ...NO_FILTERS, fromDay: '2026-03-28', toDay: '2026-03-28' }),
    ).toBeNull();
  });
});
