/**
 * The audit view's data: the first page for the current filters (asked again, debounced,
 * whenever they change), older pages on demand. Pages are keyed by seq (`before`), so an
 * entry recorded meanwhile never shifts or repeats what is shown.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { AuditEntry } from '../../../../../../protocol';
import { consoleApi } from '../../../console-api-client';
import { filtersProblem, toRequest, type AuditFilters } from './audit-filters';

const PAGE = 50;
const DEBOUNCE_MS = 250;

export interface AuditLogState {
  entries: AuditEntry[];
  nextBefore: number | null;
  loading: boolean;
  error: string | null;
  loadOlder(): void;
  reload(): void;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export function useAuditLog(filters: AuditFilters, live: boolean): AuditLogState {
  const [entries, setEntries] = useState<AuditEntry[]>([]);
  const [nextBefore, setNextBefore] = useState<number | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);
  // Answers to an older question (filters changed meanwhile) are dropped.
  const asked = useRef(0);
  const key = JSON.stringify(filters);

  useEffect(() => {
    if (!live) return;
    const problem = filtersProblem(filters);
    if (problem) {
      setError(problem);
      return;
    }
    const ticket = ++asked.current;
    const timer = setTimeout(() => {
      setLoading(true);
      consoleApi
        .queryAudit({ ...toRequest(filters), limit: PAGE })
        .then((page) => {
          if (ticket !== asked.current) return;
          setEntries(page.entries);
          setNextBefore(page.nextBefore);
          setError(null);
        })
        .catch((e: unknown) => {
          if (ticket === asked.current) setError(message(e));
        })
        .finally(() => {
          if (ticket === asked.current) setLoading(false);
        });
    }, DEBOUNCE_MS);
    return () => clearTimeout(timer);
    // `key` stands for `filters` (a new object on every change).
  }, [key, live, generation]);

  const loadOlder = useCallback(() => {
    if (nextBefore === null || loading) return;
    const ticket = asked.current;
    setLoading(true);
    consoleApi
      .queryAudit({ ...toRequest(filters), limit: PAGE, before: nextBefore })
      .then((page) => {
        if (ticket !== asked.current) return;
        setEntries((list) => [...list, ...page.entries]);
        setNextBefore(page.nextBefore);
        setError(null);
      })
      .catch((e: unknown) => {
        if (ticket === asked.current) setError(message(e));
      })
      .finally(() => {
        if (ticket === asked.current) setLoading(false);
      });
  }, [key, nextBefore, loading]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { entries, nextBefore, loading, error, loadOlder, reload };
}
