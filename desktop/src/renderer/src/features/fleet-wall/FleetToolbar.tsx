/** The wall's counts, filters, order and saved views (moved out of views/Fleet.tsx). */
import { useEffect, useState } from 'react';
import type { ScreenStatus } from '../../../../../../protocol';
import { useSelector } from '../../state/create-store';
import { useConsole } from '../../state/store';
import {
  fleetPrefs,
  setFleetPrefs,
  type FleetPrefs,
  type FleetSort,
} from '../../state/fleet-prefs';
import { Icon } from '../../components/Icon';
import { DriftFilter } from '../desired-state/DriftParts';
import { deleteView, loadViews, savedViews, saveView, VIEW_NAME_MAX } from './saved-views';

export const STATES: ScreenStatus[] = ['online', 'lost', 'offline', 'unknown'];

export function FleetCounts() {
  const counts = useConsole((s) => s.counts);
  const filter = useSelector(fleetPrefs, (p) => p.state);
  const total = counts.online + counts.lost + counts.offline + counts.unknown;
  return (
    <div className="fleet-counts" role="group" aria-label="Screens by state">
      <button
        type="button"
        className={`count-card total ${filter === 'all' ? 'selected' : ''}`}
        aria-pressed={filter === 'all'}
        onClick={() => setFleetPrefs({ state: 'all' })}
      >
        <span className="count-value" data-testid="fleet-count-total">
          {total}
        </span>
        <span className="count-label">All screens</span>
      </button>
      {STATES.map((st) => (
        <button
          type="button"
          key={st}
          className={`count-card state-${st} ${filter === st ? 'selected' : ''}`}
          aria-pressed={filter === st}
          onClick={() => setFleetPrefs({ state: filter === st ? 'all' : st })}
        >
          <span className="count-value" data-testid={`fleet-count-${st}`}>
            {counts[st]}
          </span>
          <span className="count-label">
            <span className="state-dot" aria-hidden="true" />
            {st[0]!.toUpperCase() + st.slice(1)}
          </span>
        </button>
      ))}
    </div>
  );
}

const sortLabels: Record<FleetSort, string> = {
  trouble: 'Trouble first',
  site: 'Tag / site',
  name: 'Name',
  state: 'State',
  lastSeen: 'Last seen',
  temperature: 'Temperature',
};

const reverseHint: Record<FleetSort, string> = {
  trouble: 'Normally lost, alarms, offline, stale, hot first; reverse it',
  site: 'Normally grouped by first tag A to Z, trouble first inside; reverse it',
  name: 'Normally A to Z; reverse it',
  state: 'Normally problems first (lost, offline, unknown, online); reverse it',
  lastSeen: 'Normally longest silent first; reverse it',
  temperature: 'Normally hottest first; reverse it',
};

function SavedViews({ prefs }: { prefs: FleetPrefs }) {
  const userId = useConsole((s) => s.user?.id ?? null);
  const serverUrl = useConsole((s) => s.connection.serverUrl);
  const { views } = useSelector(savedViews, (v) => v);
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [chosen, setChosen] = useState('');
  useEffect(() => {
    if (userId) loadViews(`${serverUrl ?? ''}|${userId}`);
  }, [userId, serverUrl]);

  const save = () => {
    const { state, tag, search, sort, reverse, mode, showRetired } = prefs;
    const sentence = saveView(name, { state, tag, search, sort, reverse, mode, showRetired });
    setError(sentence);
    if (!sentence) {
      setChosen(name.trim());
      setName('');
    }
  };
  const apply = (viewName: string) => {
    setChosen(viewName);
    const view = views.find((v) => v.name === viewName);
    if (view) setFleetPrefs({ ...view.filters, scrollTop: 0 });
  };

  return (
    <div className="saved-views" role="group" aria-label="Saved views">
      <label className="select-field">
        <span>View</span>
        <select
          data-testid="fleet-view-select"
          value={chosen}
          onChange={(e) => apply(e.target.value)}
        >
          <option value="">{views.length ? 'Choose a view' : 'No saved views'}</option>
          {views.map((v) => (
            <option key={v.name} value={v.name}>
              {v.name}
            </option>
          ))}
        </select>
      </label>
      {chosen && views.some((v) => v.name === chosen) && (
        <button
          type="button"
          className="button ghost small"
          onClick={() => (deleteView(chosen), setChosen(''))}
          title={`Delete the view “${chosen}”`}
        >
          Delete
        </button>
      )}
      <form
        className="saved-views"
        onSubmit={(e) => {
          e.preventDefault();
          save();
        }}
      >
        <input
          type="text"
          data-testid="fleet-view-name"
          aria-label="Name for this view"
          placeholder="Save these filters as…"
          maxLength={VIEW_NAME_MAX + 20}
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <button type="submit" className="button small" data-testid="fleet-view-save">
          Save view
        </button>
        {error && (
          <div className="form-error" role="alert" data-testid="fleet-view-error">
            {error}
          </div>
        )}
      </form>
    </div>
  );
}

/** Search, state and tag: the fleet's filters, on the wall and on the map (one store). */
export function FleetFilterFields({
  tags,
  testIdPrefix,
}: {
  tags: string[];
  testIdPrefix: string;
}) {
  const prefs = useSelector(fleetPrefs, (p) => p);
  return (
    <>
      <label className="search-box">
        <Icon name="search" size={16} />
        <span className="sr-only">Search screens</span>
        <input
          type="search"
          placeholder="Search name, id, address"
          data-testid={`${testIdPrefix}-search`}
          data-shortcut="search"
          value={prefs.search}
          onChange={(e) => setFleetPrefs({ search: e.target.value })}
        />
      </label>
      <label className="select-field">
        <span>State</span>
        <select
          data-testid={`${testIdPrefix}-filter-state`}
          value={prefs.state}
          onChange={(e) => setFleetPrefs({ state: e.target.value as ScreenStatus | 'all' })}
        >
          <option value="all">All</option>
          {STATES.map((s) => (
            <option key={s} value={s}>
              {s[0]!.toUpperCase() + s.slice(1)}
            </option>
          ))}
        </select>
      </label>
      <label className="select-field">
        <span>Tag</span>
        <select
          data-testid={`${testIdPrefix}-filter-tag`}
          value={prefs.tag}
          onChange={(e) => setFleetPrefs({ tag: e.target.value })}
        >
          <option value="">Any</option>
          {tags.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
          {prefs.tag && !tags.includes(prefs.tag) && <option value={prefs.tag}>{prefs.tag}</option>}
        </select>
      </label>
    </>
  );
}

export function FleetToolbar({ tags, shown }: { tags: string[]; shown: number }) {
  const prefs = useSelector(fleetPrefs, (p) => p);
  return (
    <div className="toolbar" role="search">
      <FleetFilterFields tags={tags} testIdPrefix="fleet" />
      <label className="select-field">
        <span>Sort</span>
        <select
          data-testid="fleet-sort"
          value={prefs.sort}
          onChange={(e) => setFleetPrefs({ sort: e.target.value as FleetSort })}
        >
          {(Object.keys(sortLabels) as FleetSort[]).map((s) => (
            <option key={s} value={s}>
              {sortLabels[s]}
            </option>
          ))}
        </select>
      </label>
      <button
        type="button"
        className="button ghost"
        aria-pressed={prefs.reverse}
        onClick={() => setFleetPrefs({ reverse: !prefs.reverse })}
        title={reverseHint[prefs.sort]}
      >
        {prefs.reverse ? '↑ Reversed' : '↓ Reverse'}
      </button>
      <label className="check">
        <input
          type="checkbox"
          checked={prefs.showRetired}
          onChange={(e) => setFleetPrefs({ showRetired: e.target.checked })}
        />
        Retired
      </label>
      <DriftFilter />
      <SavedViews prefs={prefs} />
      <span className="toolbar-count" data-testid="fleet-result-count" aria-live="polite">
        {shown.toLocaleString()} shown
      </span>
    </div>
  );
}
