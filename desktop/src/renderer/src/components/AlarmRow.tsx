import { memo, useState } from 'react';
import type { Alarm } from '../../../../../protocol';
import { consoleApi } from '../../console-api-client';
import { useConsole } from '../state/store';
import { href } from '../state/router';
import { when } from '../format';
import { Ago } from './common';
import { kindLabel } from '../features/alarms/alarm-filter';
import { AlarmNotes } from '../features/alarms/AlarmNotes';

export const AlarmRow = memo(function AlarmRow({
  alarm,
  showScreen = true,
  selected,
  onToggle,
}: {
  alarm: Alarm;
  showScreen?: boolean;
  /** With `onToggle`: the row can be selected for a bulk acknowledgement (active alarms). */
  selected?: boolean;
  onToggle?: (alarmId: string) => void;
}) {
  const screenName = useConsole((s) => s.screens.get(alarm.screenId)?.name);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const ack = async () => {
    setBusy(true);
    setError(null);
    try {
      await consoleApi.ackAlarm({ alarmId: alarm.id });
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <li
      className={`alarm-row sev-${alarm.severity} status-${alarm.status}${onToggle ? ' selectable' : ''}`}
      data-testid="alarm-row"
      data-alarm-id={alarm.id}
      data-status={alarm.status}
      data-severity={alarm.severity}
      data-nav-item=""
      tabIndex={-1}
    >
      {onToggle && (
        <input
          type="checkbox"
          className="alarm-select"
          data-testid="alarm-select"
          aria-label={`Select this ${alarm.severity} alarm on ${screenName ?? 'its screen'}`}
          checked={Boolean(selected)}
          disabled={alarm.status !== 'active'}
          onChange={() => onToggle(alarm.id)}
        />
      )}
      <span className={`sev-badge sev-${alarm.severity}`}>{alarm.severity}</span>
      <div className="alarm-main">
        <div className="alarm-title">
          <span className="alarm-kind">
            {kindLabel[alarm.kind]}
            {alarm.code && <span className="mono muted"> {alarm.code}</span>}
          </span>
          {showScreen && alarm.kind === 'site' ? (
            // A site alarm stands for many screens (issue 14, storms): no one screen to open.
            <span className="alarm-screen" data-testid="alarm-site">
              Site {alarm.site} · {alarm.screenIds?.length ?? alarm.count} screens
            </span>
          ) : (
            showScreen && (
              <a className="alarm-screen" href={href.screen(alarm.screenId)} data-nav-open="">
                {screenName ?? alarm.screenId}
              </a>
            )
          )}
          {alarm.flapping && <span className="chip warn">flapping</span>}
          {alarm.count > 1 && <span className="chip">×{alarm.count}</span>}
        </div>
        {alarm.message && <div className="alarm-message">{alarm.message}</div>}
        <div className="alarm-meta">
          raised <Ago ts={alarm.raisedAt} />
          {alarm.acknowledgedBy && (
            <span data-testid="alarm-acked-by">
              {' '}
              · acknowledged by {alarm.acknowledgedByName ?? 'a former user'}
            </span>
          )}
          {alarm.clearedAt !== null && <> · cleared {when(alarm.clearedAt)}</>}
        </div>
        {error && (
          <div className="form-error" role="alert">
            {error}
          </div>
        )}
        <AlarmNotes alarmId={alarm.id} notes={alarm.notes ?? []} />
      </div>
      <div className="alarm-actions">
        {alarm.status === 'active' ? (
          <button
            type="button"
            className="button small"
            data-testid="alarm-ack"
            onClick={() => void ack()}
            disabled={busy}
          >
            {busy ? 'Acknowledging…' : 'Acknowledge'}
          </button>
        ) : (
          <span className={`status-text status-${alarm.status}`}>{alarm.status}</span>
        )}
      </div>
    </li>
  );
});
