/** Search box and filters of the audit view: actor, action, target, date range. */
import type { AuditFilters } from './audit-filters';
import { ACTION_GROUPS, NO_FILTERS, TARGET_TYPES } from './audit-filters';

export interface ActorOption {
  id: string;
  name: string;
}

export function AuditFiltersBar({
  filters,
  actors,
  onChange,
}: {
  filters: AuditFilters;
  /** The people seen in the log so far (the console has no user directory). */
  actors: ActorOption[];
  onChange: (next: AuditFilters) => void;
}) {
  const set = (patch: Partial<AuditFilters>) => onChange({ ...filters, ...patch });
  const any = JSON.stringify(filters) !== JSON.stringify(NO_FILTERS);
  return (
    <div className="audit-filters" role="search" aria-label="Search the audit log">
      <label className="field audit-search">
        <span>Search</span>
        <input
          type="search"
          data-testid="audit-search"
          placeholder="Screen, person or words in the summary"
          maxLength={200}
          value={filters.q}
          onChange={(e) => set({ q: e.target.value })}
        />
      </label>
      <label className="field">
        <span>Who</span>
        <select
          data-testid="audit-actor"
          value={filters.actor}
          onChange={(e) => set({ actor: e.target.value })}
        >
          <option value="">Anyone</option>
          {actors.map((a) => (
            <option key={a.id} value={a.id}>
              {a.name}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Action</span>
        <select
          data-testid="audit-action"
          value={filters.action}
          onChange={(e) => set({ action: e.target.value })}
        >
          <option value="">Any action</option>
          {ACTION_GROUPS.map((g) => (
            <optgroup key={g.area} label={g.label}>
              <option value={g.area}>All {g.label.toLowerCase()} actions</option>
              {g.actions.map(([value, label]) => (
                <option key={value} value={value}>
                  {g.label}: {label}
                </option>
              ))}
            </optgroup>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Target</span>
        <select
          data-testid="audit-target-type"
          value={filters.targetType}
          onChange={(e) => set({ targetType: e.target.value })}
        >
          <option value="">Anything</option>
          {TARGET_TYPES.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Target id</span>
        <input
          data-testid="audit-target-id"
          placeholder="e.g. lobby-1"
          maxLength={200}
          value={filters.targetId}
          onChange={(e) => set({ targetId: e.target.value })}
        />
      </label>
      <label className="field">
        <span>From</span>
        <input
          type="date"
          data-testid="audit-from"
          value={filters.fromDay}
          onChange={(e) => set({ fromDay: e.target.value })}
        />
      </label>
      <label className="field">
        <span>To</span>
        <input
          type="date"
          data-testid="audit-to"
          value={filters.toDay}
          onChange={(e) => set({ toDay: e.target.value })}
        />
      </label>
      {any && (
        <button type="button" className="button ghost small" onClick={() => onChange(NO_FILTERS)}>
          Clear filters
        </button>
      )}
    </div>
  );
}
