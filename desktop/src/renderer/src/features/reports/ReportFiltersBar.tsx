/** The Reports view's range (24 h / 7 d / 30 d / custom days) and its tag or screen filter. */
import { useMemo } from 'react';
import { useConsole } from '../../state/store';
import { PRESETS, type ReportFilters } from './report-filters';

export function ReportFiltersBar({
  filters,
  onChange,
}: {
  filters: ReportFilters;
  onChange: (next: ReportFilters) => void;
}) {
  const set = (patch: Partial<ReportFilters>) => onChange({ ...filters, ...patch });
  const screens = useConsole((s) => s.screens);
  const { tags, inService } = useMemo(() => {
    const list = [...screens.values()].filter((s) => !s.retired);
    return {
      tags: [...new Set(list.flatMap((s) => s.tags))].sort((a, b) => a.localeCompare(b)),
      inService: list.sort((a, b) => a.name.localeCompare(b.name)),
    };
  }, [screens]);

  return (
    <div className="report-filters" role="search" aria-label="Report range and filter">
      <div className="field">
        <span id="report-range-label">Range</span>
        <div className="segmented" role="radiogroup" aria-labelledby="report-range-label">
          {[...PRESETS, { id: 'custom' as const, label: 'Custom' }].map((p) => (
            <button
              key={p.id}
              type="button"
              role="radio"
              aria-checked={filters.preset === p.id}
              className={filters.preset === p.id ? 'segment active' : 'segment'}
              data-testid={`uptime-range-${p.id}`}
              onClick={() => set({ preset: p.id })}
            >
              {p.label}
            </button>
          ))}
        </div>
      </div>
      {filters.preset === 'custom' && (
        <>
          <label className="field">
            <span>First day</span>
            <input
              type="date"
              data-testid="uptime-from"
              value={filters.fromDay}
              onChange={(e) => set({ fromDay: e.target.value })}
            />
          </label>
          <label className="field">
            <span>Last day</span>
            <input
              type="date"
              data-testid="uptime-to"
              value={filters.toDay}
              onChange={(e) => set({ toDay: e.target.value })}
            />
          </label>
        </>
      )}
      <label className="field">
        <span>Tag</span>
        <select
          data-testid="uptime-tag"
          value={filters.tag}
          onChange={(e) => set({ tag: e.target.value, screenId: '' })}
        >
          <option value="">All tags</option>
          {tags.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Screen</span>
        <select
          data-testid="uptime-screen"
          value={filters.screenId}
          onChange={(e) => set({ screenId: e.target.value, tag: '' })}
        >
          <option value="">All screens</option>
          {inService.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}
