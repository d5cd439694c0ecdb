/**
 * The Reports view's data: the report for the chosen range and filter, and the headline
 * availability over the last 24 h, 7 days and 30 days for the same filter. Asked again,
 * debounced, whenever the choices change, the console goes live, or the person refreshes.
 * Answers to an older question are dropped.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { UptimeReport } from '../../../../../../protocol';
import { consoleApi } from '../../../console-api-client';
import { PRESETS, rangeOf, toRequest, type ReportFilters } from './report-filters';

const DEBOUNCE_MS = 250;

export interface UptimeState {
  report: UptimeReport | null;
  /** Availability per preset (`24h`, `7d`, `30d`), for the same filter. */
  headline: Record<string, number | null>;
  loading: boolean;
  error: string | null;
  reload(): void;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export function useUptimeReport(filters: ReportFilters, live: boolean): UptimeState {
  const [report, setReport] = useState<UptimeReport | null>(null);
  const [headline, setHeadline] = useState<Record<string, number | null>>({});
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);
  const asked = useRef(0);
  const key = JSON.stringify(filters);

  useEffect(() => {
    if (!live) return;
    const now = Date.now();
    const range = rangeOf(filters, now);
    if (typeof range === 'string') {
      setError(range);
      setReport(null);
      return;
    }
    const ticket = ++asked.current;
    const timer = setTimeout(() => {
      setLoading(true);
      // The headline ranges; the chosen one is among them unless it is custom.
      const asks = PRESETS.map((p) =>
        consoleApi.uptimeReport(toRequest(filters, { from: now - p.ms, to: now })),
      );
      const chosen = PRESETS.findIndex((p) => p.id === filters.preset);
      const main = chosen >= 0 ? asks[chosen]! : consoleApi.uptimeReport(toRequest(filters, range));
      Promise.all([main, ...asks])
        .then(([r, ...heads]) => {
          if (ticket !== asked.current) return;
          setReport(r);
          setHeadline(Object.fromEntries(PRESETS.map((p, i) => [p.id, heads[i]!.fleet.uptimePct])));
          setError(null);
        })
        .catch((e: unknown) => {
          if (ticket !== asked.current) return;
          setError(message(e));
          setReport(null);
        })
        .finally(() => {
          if (ticket === asked.current) setLoading(false);
        });
    }, DEBOUNCE_MS);
    return () => clearTimeout(timer);
    // `key` stands for `filters` (a new object on every change).
  }, [key, live, generation]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { report, headline, loading, error, reload };
}
