/**
 * The Reports view's choices as a person makes them (a preset range or calendar days, a tag or
 * a screen) and as the server takes them (ms epoch, `to` exclusive). Pure, so it is read and
 * tested without a browser.
 */
import { UPTIME_MAX_RANGE_DAYS } from '../../../../../../protocol';
import type { ConsoleRequest } from '../../../../shared/console-api';

export const DAY_MS = 24 * 3600_000;

export type RangePreset = '24h' | '7d' | '30d' | 'custom';

/** The headline figures: the fleet's availability over each of these, up to now. */
export const PRESETS: { id: Exclude<RangePreset, 'custom'>; label: string; ms: number }[] = [
  { id: '24h', label: 'Last 24 h', ms: DAY_MS },
  { id: '7d', label: 'Last 7 days', ms: 7 * DAY_MS },
  { id: '30d', label: 'Last 30 days', ms: 30 * DAY_MS },
];

export interface ReportFilters {
  preset: RangePreset;
  /** Calendar days in the console's time zone, `YYYY-MM-DD`, both included (custom range). */
  fromDay: string;
  toDay: string;
  /** '' = every tag. */
  tag: string;
  /** '' = every screen. */
  screenId: string;
}

export const DEFAULT_FILTERS: ReportFilters = {
  preset: '24h',
  fromDay: '',
  toDay: '',
  tag: '',
  screenId: '',
};

/** Local midnight of a `YYYY-MM-DD` day, or undefined when it is not one. */
export function dayStart(day: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return undefined;
  const t = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])).getTime();
  return Number.isFinite(t) ? t : undefined;
}

const nextDay = (ts: number) => {
  const d = new Date(ts);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1).getTime();
};

/** `YYYY-MM-DD` of a time in the console's time zone. */
export const ymd = (ts: number): string => {
  const d = new Date(ts);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
};

/** The range asked for, or the sentence saying what to change. */
export function rangeOf(f: ReportFilters, now: number): { from: number; to: number } | string {
  const preset = PRESETS.find((p) => p.id === f.preset);
  if (preset) return { from: now - preset.ms, to: now };
  const from = dayStart(f.fromDay);
  const toDay = dayStart(f.toDay);
  if (from === undefined || toDay === undefined)
    return 'Choose the first and the last day of the range.';
  if (toDay < from) return 'The last day is before the first; choose a last day on or after it.';
  if (from > now) return 'The first day is in the future; there is nothing to report yet.';
  const to = Math.min(nextDay(toDay), now);
  if (to - from > UPTIME_MAX_RANGE_DAYS * DAY_MS)
    return `A report covers at most ${UPTIME_MAX_RANGE_DAYS} days; choose a shorter range.`;
  if (from < now - UPTIME_MAX_RANGE_DAYS * DAY_MS)
    return `State history is kept ${UPTIME_MAX_RANGE_DAYS} days; choose a first day within them.`;
  return { from, to };
}

/** The console API's request for a range and the filter. */
export function toRequest(
  f: ReportFilters,
  range: { from: number; to: number },
): ConsoleRequest<'uptimeReport'> {
  return {
    from: Math.floor(range.from),
    to: Math.floor(range.to),
    tag: f.tag || undefined,
    screenId: f.screenId || undefined,
  };
}

/** 97.5 % — the server's figure (3 decimals at most), or a dash when nothing was monitored. */
export const uptimeText = (pct: number | null): string => (pct === null ? '—' : `${pct} %`);

/** A length of time as an operator reads it: 45 s, 36 min, 3 h 5 min, 2 d 4 h. */
export function lengthText(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}
