/**
 * The Map (issue 13): the screens where they stand, coloured by state, clustered at low zoom;
 * a click opens the screen. The filters are the fleet wall's own (state cards, search, tag).
 */
import { useDeferredValue, useMemo, useState } from 'react';
import { useSelector, useThrottledSelector } from '../../state/create-store';
import { consoleStore } from '../../state/store';
import { fleetPrefs, setFleetPrefs } from '../../state/fleet-prefs';
import { href } from '../../state/router';
import { allTags } from '../../views/fleet-order';
import { FleetCounts, FleetFilterFields } from '../fleet-wall/FleetToolbar';
import { FleetMap } from './FleetMap';
import { mapFilter, unlocatedScreens } from './map-filters';
import './map.css';

/** The list of screens without a place shows this many; the rest are counted. */
const UNLOCATED_SHOWN = 200;

function MapFilters({ tags, shown }: { tags: string[]; shown: number | null }) {
  const prefs = useSelector(fleetPrefs, (p) => p);
  return (
    <div className="toolbar" role="search">
      <FleetFilterFields tags={tags} testIdPrefix="map" />
      <label className="check">
        <input
          type="checkbox"
          checked={prefs.showRetired}
          onChange={(e) => setFleetPrefs({ showRetired: e.target.checked })}
        />
        Retired
      </label>
      <span className="toolbar-count" data-testid="map-shown-count" aria-live="polite">
        {shown === null ? '' : `${shown.toLocaleString()} on the map`}
      </span>
    </div>
  );
}

function Unlocated({ count, list }: { count: number; list: { id: string; name: string }[] }) {
  const [open, setOpen] = useState(false);
  if (count === 0) return null;
  return (
    <div className="map-unlocated" data-testid="map-unlocated">
      <button
        type="button"
        className="button ghost small"
        aria-expanded={open}
        data-testid="map-unlocated-toggle"
        onClick={() => setOpen(!open)}
      >
        {count === 1 ? '1 screen' : `${count.toLocaleString()} screens`} without a location
      </button>
      {open && (
        <ul className="map-unlocated-list">
          {list.slice(0, UNLOCATED_SHOWN).map((s) => (
            <li key={s.id}>
              <a href={href.screen(s.id)} data-testid="map-unlocated-screen" data-screen-id={s.id}>
                {s.name}
              </a>
            </li>
          ))}
          {count > UNLOCATED_SHOWN && (
            <li className="muted">and {(count - UNLOCATED_SHOWN).toLocaleString()} more</li>
          )}
        </ul>
      )}
    </div>
  );
}

export function MapView() {
  const screens = useThrottledSelector(consoleStore, (s) => s.screens, 1000);
  const prefs = useSelector(fleetPrefs, (p) => p);
  const search = useDeferredValue(prefs.search);
  const [shown, setShown] = useState<number | null>(null);
  const tags = useMemo(() => allTags(screens), [screens]);
  const { state, tag, showRetired } = prefs;
  // Only the filters matter here (not the sort, layout or scroll kept beside them).
  const unlocated = useMemo(
    () => unlocatedScreens(screens, mapFilter({ state, tag, showRetired, search }).match),
    [screens, state, tag, showRetired, search],
  );

  return (
    <section className="map-view" aria-labelledby="map-title">
      <div className="page-header">
        <h1 id="map-title">Map</h1>
        <Unlocated count={unlocated.length} list={unlocated} />
      </div>
      <FleetCounts />
      <MapFilters tags={tags} shown={shown} />
      <FleetMap onShown={setShown} />
    </section>
  );
}
