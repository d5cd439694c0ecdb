import { useCallback, useMemo, useState } from 'react';
import type { Alarm } from '../../../../../protocol';
import { useConsole } from '../state/store';
import { AlarmRow } from '../components/AlarmRow';
import { Empty } from '../components/common';
import { alarmMatches, NO_ALARM_FILTER, type AlarmFilter } from '../features/alarms/alarm-filter';
import { AlarmFilters, BulkAck } from '../features/alarms/AlarmToolbar';
import { AlarmsMaintenance } from '../features/alarm-rules/MaintenanceNote';

const SEVERITIES: Alarm['severity'][] = ['critical', 'warning', 'info'];
const HISTORY_PAGE = 100;
const GROUP_PAGE = 200;

export function AlarmsView() {
  const alarms = useConsole((s) => s.alarms);
  const screens = useConsole((s) => s.screens);
  const [filter, setFilter] = useState<AlarmFilter>(NO_ALARM_FILTER);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const toggle = useCallback(
    (id: string) =>
      setSelected((prev) => {
        const next = new Set(prev);
        if (!next.delete(id)) next.add(id);
        return next;
      }),
    [],
  );
  const [showAcked, setShowAcked] = useState(true);
  const [historyLimit, setHistoryLimit] = useState(HISTORY_PAGE);
  const [groupLimit, setGroupLimit] = useState(GROUP_PAGE);

  const { open, history, activeCount } = useMemo(() => {
    const open: Record<Alarm['severity'], Alarm[]> = { critical: [], warning: [], info: [] };
    const history: Alarm[] = [];
    let activeCount = 0;
    for (const a of alarms.values()) {
      if (!alarmMatches(a, filter, screens)) continue;
      if (a.status === 'cleared') history.push(a);
      else {
        open[a.severity].push(a);
        if (a.status === 'active') activeCount += 1;
      }
    }
    for (const list of Object.values(open)) {
      // Unacknowledged first, newest first.
      list.sort(
        (a, b) =>
          Number(a.status !== 'active') - Number(b.status !== 'active') || b.raisedAt - a.raisedAt,
      );
    }
    history.sort((a, b) => (b.clearedAt ?? b.updatedAt) - (a.clearedAt ?? a.updatedAt));
    return { open, history, activeCount };
  }, [alarms, filter, screens]);
  // What "select all" takes, and all a bulk acknowledgement may touch: active alarms shown.
  const selectable = useMemo(
    () =>
      SEVERITIES.flatMap((sev) =>
        open[sev].slice(0, groupLimit).filter((a) => a.status === 'active'),
      ).map((a) => a.id),
    [open, groupLimit],
  );

  const screenNames = useMemo(
    () => new Map([...screens.values()].map((s) => [s.id, s.name])),
    [screens],
  );
  const openTotal = SEVERITIES.reduce((n, s) => n + open[s].length, 0);

  return (
    <section className="alarms-view" aria-labelledby="alarms-title">
      <div className="page-header">
        <h1 id="alarms-title">Alarms</h1>
        <div className="page-header-tools">
          <span className="muted" data-testid="alarms-active-count">
            {activeCount} active
          </span>
          <label className="check">
            <input
              type="checkbox"
              checked={showAcked}
              onChange={(e) => setShowAcked(e.target.checked)}
            />
            Show acknowledged
          </label>
        </div>
      </div>

      <AlarmsMaintenance names={screenNames} />
      <AlarmFilters filter={filter} onChange={setFilter} />
      <BulkAck selectable={selectable} selected={selected} onSelect={setSelected} />
      {openTotal === 0 && (
        <Empty>
          {filter === NO_ALARM_FILTER
            ? 'No open alarms. All quiet.'
            : 'No open alarms match these filters.'}
        </Empty>
      )}
      {SEVERITIES.map((sev) => {
        const list = showAcked ? open[sev] : open[sev].filter((a) => a.status === 'active');
        if (list.length === 0) return null;
        return (
          <section key={sev} className={`alarm-group sev-${sev}`} aria-labelledby={`alarms-${sev}`}>
            <h2 id={`alarms-${sev}`}>
              <span className={`sev-badge sev-${sev}`}>{sev}</span>
              <span className="muted">{list.length}</span>
            </h2>
            <ul className="alarm-list">
              {list.slice(0, groupLimit).map((a) => (
                <AlarmRow key={a.id} alarm={a} selected={selected.has(a.id)} onToggle={toggle} />
              ))}
            </ul>
            {list.length > groupLimit && (
              <button
                type="button"
                className="button ghost"
                onClick={() => setGroupLimit((n) => n + GROUP_PAGE)}
              >
                Show more ({list.length - groupLimit} more)
              </button>
            )}
          </section>
        );
      })}

      <section
        className="alarm-group history"
        aria-labelledby="alarms-history"
        data-testid="alarm-history"
      >
        <h2 id="alarms-history">
          History <span className="muted">{history.length}</span>
        </h2>
        {history.length === 0 ? (
          <p className="muted">No cleared alarms.</p>
        ) : (
          <>
            <ul className="alarm-list">
              {history.slice(0, historyLimit).map((a) => (
                <AlarmRow key={a.id} alarm={a} />
              ))}
            </ul>
            {history.length > historyLimit && (
              <button
                type="button"
                className="button ghost"
                onClick={() => setHistoryLimit((n) => n + HISTORY_PAGE)}
              >
                Show more ({history.length - historyLimit} older)
              </button>
            )}
          </>
        )}
      </section>
    </section>
  );
}
