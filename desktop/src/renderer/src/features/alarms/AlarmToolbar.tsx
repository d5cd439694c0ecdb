/** Filters and the bulk acknowledgement for the alarms list (issue 11). */
import { useMemo, useState } from 'react';
import type { Alarm } from '../../../../../../protocol';
import { consoleApi } from '../../../console-api-client';
import { useConsole } from '../../state/store';
import { allTags } from '../../views/fleet-order';
import { Icon } from '../../components/Icon';
import { kindLabel, type AlarmFilter } from './alarm-filter';
import './alarms.css';

const SEVERITIES: Alarm['severity'][] = ['critical', 'warning', 'info'];

export function AlarmFilters({
  filter,
  onChange,
}: {
  filter: AlarmFilter;
  onChange: (f: AlarmFilter) => void;
}) {
  const screens = useConsole((s) => s.screens);
  const tags = useMemo(() => allTags(screens), [screens]);
  const set = (patch: Partial<AlarmFilter>) => onChange({ ...filter, ...patch });
  return (
    <div className="toolbar" role="search" aria-label="Filter alarms">
      <label className="search-box">
        <Icon name="search" size={16} />
        <span className="sr-only">Screen name or id</span>
        <input
          type="search"
          placeholder="Screen name or id"
          data-testid="alarm-filter-screen"
          data-shortcut="search"
          value={filter.screen}
          onChange={(e) => set({ screen: e.target.value })}
        />
      </label>
      <label className="select-field">
        <span>Severity</span>
        <select
          data-testid="alarm-filter-severity"
          value={filter.severity}
          onChange={(e) => set({ severity: e.target.value as AlarmFilter['severity'] })}
        >
          <option value="all">All</option>
          {SEVERITIES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </label>
      <label className="select-field">
        <span>Kind</span>
        <select
          data-testid="alarm-filter-kind"
          value={filter.kind}
          onChange={(e) => set({ kind: e.target.value as AlarmFilter['kind'] })}
        >
          <option value="all">All</option>
          {(Object.keys(kindLabel) as Alarm['kind'][]).map((k) => (
            <option key={k} value={k}>
              {kindLabel[k]}
            </option>
          ))}
        </select>
      </label>
      <label className="select-field">
        <span>Tag</span>
        <select
          data-testid="alarm-filter-tag"
          value={filter.tag}
          onChange={(e) => set({ tag: e.target.value })}
        >
          <option value="">Any</option>
          {tags.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}

/**
 * "Acknowledge 14": the selected alarms that are still active. The selection is pruned by the
 * caller to what is shown, so a filter change never acknowledges what the operator can't see.
 */
export function BulkAck({
  selectable,
  selected,
  onSelect,
}: {
  selectable: string[];
  selected: Set<string>;
  onSelect: (ids: Set<string>) => void;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const chosen = selectable.filter((id) => selected.has(id));
  const all = selectable.length > 0 && chosen.length === selectable.length;
  const ack = async () => {
    setBusy(true);
    setError(null);
    try {
      await consoleApi.ackAlarms({ alarmIds: chosen });
      onSelect(new Set());
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="bulk-ack" role="group" aria-label="Acknowledge several alarms">
      <label className="check">
        <input
          type="checkbox"
          data-testid="alarm-select-all"
          checked={all}
          disabled={selectable.length === 0}
          onChange={() => onSelect(all ? new Set() : new Set(selectable))}
        />
        Select all active shown ({selectable.length})
      </label>
      <button
        type="button"
        className="button small"
        data-testid="alarm-bulk-ack"
        disabled={busy || chosen.length === 0}
        onClick={() => void ack()}
      >
        {busy ? 'Acknowledging…' : `Acknowledge ${chosen.length}`}
      </button>
      {error && (
        <span className="form-error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}
