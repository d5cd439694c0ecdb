/** "In maintenance until …" where people look: on the screen's page and in the Alarms view. */
import type { Screen } from '../../../../../../protocol';
import { full } from '../../format';
import { maintenanceOf, useMaintenanceWindows } from './use-maintenance';
import './alarm-rules.css';

const scopeLabel = (scope: string, target: string) =>
  scope === 'tag' ? `screens tagged ${target}` : target;

export function ScreenMaintenance({ screen }: { screen: Pick<Screen, 'id' | 'tags'> }) {
  const w = maintenanceOf(useMaintenanceWindows(), screen);
  if (!w) return null;
  return (
    <p className="maintenance-note" role="status" data-testid="screen-maintenance">
      In maintenance until {full(w.endsAt)}: {w.reason}{' '}
      <span className="muted">
        (set by {w.setByName}
        {w.scope === 'tag' ? ` for tag ${w.target}` : ''}; no alarms are raised)
      </span>
    </p>
  );
}

export function AlarmsMaintenance({ names }: { names: ReadonlyMap<string, string> }) {
  const now = Date.now();
  const current = useMaintenanceWindows().filter((w) => w.startsAt <= now && w.endsAt > now);
  if (current.length === 0) return null;
  return (
    <ul className="maintenance-list" data-testid="alarms-maintenance" aria-label="In maintenance">
      {current.map((w) => (
        <li key={`${w.scope}:${w.target}`} className="maintenance-note">
          <strong>
            {w.scope === 'tag' ? scopeLabel(w.scope, w.target) : (names.get(w.target) ?? w.target)}
          </strong>{' '}
          in maintenance until {full(w.endsAt)}: {w.reason}{' '}
          <span className="muted">(no alarms are raised)</span>
        </li>
      ))}
    </ul>
  );
}
