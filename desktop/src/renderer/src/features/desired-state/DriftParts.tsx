/** The fleet wall's share of drift: a chip on a drifting tile and the "Drift only" filter. */
import { useSelector } from '../../state/create-store';
import { fleetPrefs, setFleetPrefs } from '../../state/fleet-prefs';
import type { Screen } from '../../../../../../protocol';
import { driftSentence } from './drift-text';
import './desired-state.css';

export function DriftChip({ screen }: { screen: Screen }) {
  const drift = screen.desired?.drift;
  if (!drift?.length) return null;
  return (
    <span
      className="chip drift-chip"
      data-testid="tile-drift"
      title={drift.map(driftSentence).join('\n')}
    >
      drift
    </span>
  );
}

export function DriftFilter() {
  const on = useSelector(fleetPrefs, (p) => p.drift ?? false);
  return (
    <label className="check" title="Screens that report something else than their desired state">
      <input
        type="checkbox"
        data-testid="fleet-filter-drift"
        checked={on}
        onChange={(e) => setFleetPrefs({ drift: e.target.checked })}
      />
      Drift only
    </label>
  );
}
