/**
 * The parts of a wall tile/row that say "not all green" (issue 11): the age line (stale for a
 * silent online screen; "last seen N min ago" for a lost one, whose content and telemetry are
 * then only the last known), and the alarm chip of a screen with an open alarm.
 */
import type { Alarm, ScreenStatus } from '../../../../../../protocol';
import { useNow } from '../../state/clock';
import { ago, isStale } from '../../format';
import { GROUP_HEAD_H, type WallRow } from './groups';
import './fleet-wall.css';

/** Re-renders every second, alone: the age and the stale mark. */
export function Seen({ lastSeen, state }: { lastSeen: number | null; state: ScreenStatus }) {
  const now = useNow();
  const silent = isStale(state, lastSeen, now);
  const lost = state === 'lost';
  return (
    <span className="seen">
      {(silent || lost) && (
        <span
          className="stale-mark"
          data-testid="stale-mark"
          title={
            lost
              ? 'The connection is lost: what the tile shows is the last thing it reported'
              : 'No heartbeat for over 30 s'
          }
        >
          stale
        </span>
      )}
      <span data-testid="tile-seen">
        {lost ? 'last seen ' : 'seen '}
        {ago(lastSeen, now)}
      </span>
    </span>
  );
}

/** A screen whose last report is old news: lost screens show last-known content/telemetry. */
export const showsLastKnown = (state: ScreenStatus) => state === 'lost';

export function AlarmChip({ severity }: { severity: Alarm['severity'] | undefined }) {
  if (!severity || severity === 'info') return null;
  return (
    <span className={`chip alarm-chip sev-${severity}`} data-testid="tile-alarm">
      {severity === 'critical' ? 'critical alarm' : 'warning'}
    </span>
  );
}

/** Extra tile classes: the alarm colours the tile, so a faulted online screen is not green. */
export function troubleClass(severity: Alarm['severity'] | undefined, state: ScreenStatus): string {
  return `${severity && severity !== 'info' ? ` alarm-${severity}` : ''}${
    showsLastKnown(state) ? ' last-known' : ''
  }`;
}

/** A group's header row on the wall ("Lost 2"). */
export function GroupHead({ row, top }: { row: Extract<WallRow, { kind: 'head' }>; top: number }) {
  return (
    <div
      className="fleet-group-head"
      role="heading"
      aria-level={2}
      data-testid="fleet-group"
      data-group={row.label}
      style={{ transform: `translateY(${top}px)`, height: GROUP_HEAD_H }}
    >
      {row.label} <span className="muted">{row.count}</span>
    </div>
  );
}
