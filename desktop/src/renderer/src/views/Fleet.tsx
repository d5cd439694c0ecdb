import {
  memo,
  useDeferredValue,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
  type RefObject,
} from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { Screen, ScreenStatus } from '../../../../../protocol';
import { useSelector, useThrottledSelector } from '../state/create-store';
import { consoleStore, useConsole } from '../state/store';
import { fleetPrefs, setFleetPrefs, type FleetSort } from '../state/fleet-prefs';
import { href } from '../state/router';
import { useNow } from '../state/clock';
import { ago, HOT_C, isStale, temp } from '../format';
import { StateBadge } from '../components/common';
import { Icon } from '../components/Icon';
import { allTags, filterAndSort, sameIds } from './fleet-order';
import { BulkBar, SelectBox } from '../features/bulk-commands';

const STATES: ScreenStatus[] = ['online', 'lost', 'offline', 'unknown'];
const TILE_MIN_W = 232;
const TILE_H = 124;
const GAP = 12;
const ROW_H = 44;
/** How often the fleet's order is recomputed (tiles themselves update on every batch). */
const ORDER_MS = 1000;

function FleetCounts() {
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

const hot = (s: Screen) => (s.telemetry?.temperatureC ?? -Infinity) >= HOT_C;

/** Re-renders every second, alone: the age and the stale mark. */
function Seen({ lastSeen, state }: { lastSeen: number | null; state: ScreenStatus }) {
  const now = useNow();
  const stale = isStale(state, lastSeen, now);
  return (
    <span className="seen">
      {stale && (
        <span className="stale-mark" data-testid="stale-mark" title="No heartbeat for over 30 s">
          stale
        </span>
      )}
      <span>seen {ago(lastSeen, now)}</span>
    </span>
  );
}

const ScreenTile = memo(function ScreenTile({ id, index }: { id: string; index: number }) {
  const screen = useConsole((s) => s.screens.get(id));
  const alarm = useConsole((s) => s.worstAlarm.get(id));
  if (!screen) return null;
  const content = screen.telemetry?.content?.title;
  return (
    <a
      className={`tile state-${screen.state}${screen.retired ? ' retired' : ''}`}
      href={href.screen(id)}
      data-testid="screen-tile"
      data-screen-id={id}
      data-state={screen.state}
      data-index={index}
    >
      <SelectBox id={id} name={screen.name} />
      <span className="tile-head">
        <span className="tile-name" title={screen.name}>
          {screen.name}
        </span>
        {alarm && (
          <span
            className={`alarm-pip sev-${alarm}`}
            title={`${alarm} alarm`}
            aria-label={`${alarm} alarm`}
          />
        )}
      </span>
      <span className="tile-id">{screen.id}</span>
      <span className="tile-state">
        <StateBadge state={screen.state} />
        {screen.telemetry && screen.telemetry.display.power !== 'on' && (
          <span className="chip">display {screen.telemetry.display.power}</span>
        )}
      </span>
      <span className="tile-content" title={content}>
        <Icon name="play" size={12} />
        {content ?? <span className="muted">nothing playing</span>}
      </span>
      <span className="tile-foot">
        <span className={hot(screen) ? 'tile-temp hot' : 'tile-temp'}>
          <Icon name="thermo" size={12} />
          {temp(screen.telemetry?.temperatureC)}
        </span>
        <Seen lastSeen={screen.lastSeen} state={screen.state} />
      </span>
    </a>
  );
});

const ScreenRow = memo(function ScreenRow({ id, index }: { id: string; index: number }) {
  const screen = useConsole((s) => s.screens.get(id));
  const alarm = useConsole((s) => s.worstAlarm.get(id));
  if (!screen) return null;
  return (
    <a
      className={`list-row state-${screen.state}`}
      href={href.screen(id)}
      data-testid="screen-tile"
      data-screen-id={id}
      data-state={screen.state}
      data-index={index}
      role="row"
    >
      <span className="col-name" role="cell">
        <SelectBox id={id} name={screen.name} />
        {alarm && <span className={`alarm-pip sev-${alarm}`} aria-label={`${alarm} alarm`} />}
        <span className="ellipsis">{screen.name}</span>
      </span>
      <span className="col-id mono" role="cell">
        {screen.id}
      </span>
      <span className="col-state" role="cell">
        <StateBadge state={screen.state} />
      </span>
      <span className="col-content ellipsis" role="cell">
        {screen.telemetry?.content?.title ?? <span className="muted">—</span>}
      </span>
      <span className={hot(screen) ? 'col-temp hot' : 'col-temp'} role="cell">
        {temp(screen.telemetry?.temperatureC)}
      </span>
      <span className="col-seen" role="cell">
        <Seen lastSeen={screen.lastSeen} state={screen.state} />
      </span>
      <span className="col-address ellipsis" role="cell">
        {screen.address ?? ''}
      </span>
    </a>
  );
});

function useWidth(ref: RefObject<HTMLElement | null>): number {
  const [width, setWidth] = useState(0);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    setWidth(el.clientWidth);
    const ro = new ResizeObserver(() => setWidth(el.clientWidth));
    ro.observe(el);
    return () => ro.disconnect();
  }, [ref]);
  return width;
}

const FleetGrid = memo(function FleetGrid({ ids, mode }: { ids: string[]; mode: 'grid' | 'list' }) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const width = useWidth(scrollRef);
  const inner = Math.max(0, width - 2 * GAP);
  const cols = mode === 'list' ? 1 : Math.max(1, Math.floor((inner + GAP) / (TILE_MIN_W + GAP)));
  const rows = Math.ceil(ids.length / cols);
  const rowH = mode === 'list' ? ROW_H : TILE_H + GAP;
  const virtualizer = useVirtualizer({
    count: rows,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowH,
    overscan: 4,
    paddingStart: mode === 'list' ? 0 : GAP,
    paddingEnd: GAP,
  });

  useEffect(() => virtualizer.measure(), [virtualizer, rowH]);

  // Restore the scroll position kept from the last visit; remember it when leaving.
  const lastScroll = useRef(0);
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (el) el.scrollTop = fleetPrefs.get().scrollTop;
    return () => setFleetPrefs({ scrollTop: lastScroll.current });
  }, []);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const from = (e.target as HTMLElement).closest<HTMLElement>('[data-index]');
    if (!from) return;
    const i = Number(from.dataset.index);
    const step: Record<string, number> = {
      ArrowRight: 1,
      ArrowLeft: -1,
      ArrowDown: cols,
      ArrowUp: -cols,
      PageDown: cols * 5,
      PageUp: -cols * 5,
    };
    let to: number | undefined;
    if (e.key in step) to = i + step[e.key]!;
    else if (e.key === 'Home' && e.ctrlKey) to = 0;
    else if (e.key === 'End' && e.ctrlKey) to = ids.length - 1;
    if (to === undefined) return;
    e.preventDefault();
    to = Math.max(0, Math.min(ids.length - 1, to));
    virtualizer.scrollToIndex(Math.floor(to / cols), { align: 'auto' });
    const target = to;
    const focus = (tries: number) => {
      const el = scrollRef.current?.querySelector<HTMLElement>(`[data-index="${target}"]`);
      if (el) el.focus();
      else if (tries > 0) requestAnimationFrame(() => focus(tries - 1));
    };
    requestAnimationFrame(() => focus(5));
  };

  return (
    <div
      className={`fleet-scroll mode-${mode}`}
      ref={scrollRef}
      onScroll={(e) => (lastScroll.current = e.currentTarget.scrollTop)}
      onKeyDown={onKeyDown}
      role={mode === 'list' ? 'table' : undefined}
      aria-label="Screens"
      aria-rowcount={mode === 'list' ? ids.length : undefined}
    >
      {mode === 'list' && (
        <div className="list-row list-head" role="row">
          <span className="col-name" role="columnheader">
            Name
          </span>
          <span className="col-id" role="columnheader">
            ID
          </span>
          <span className="col-state" role="columnheader">
            State
          </span>
          <span className="col-content" role="columnheader">
            Playing
          </span>
          <span className="col-temp" role="columnheader">
            Temp.
          </span>
          <span className="col-seen" role="columnheader">
            Last seen
          </span>
          <span className="col-address" role="columnheader">
            Address
          </span>
        </div>
      )}
      <div className="fleet-canvas" style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().map((row) => {
          const start = row.index * cols;
          const rowIds = ids.slice(start, start + cols);
          return (
            <div
              key={row.key}
              className={mode === 'list' ? 'fleet-row-list' : 'fleet-row'}
              style={{
                transform: `translateY(${row.start}px)`,
                height: mode === 'list' ? ROW_H : TILE_H,
                gridTemplateColumns:
                  mode === 'list' ? undefined : `repeat(${cols}, minmax(0, 1fr))`,
              }}
            >
              {rowIds.map((id, k) =>
                mode === 'list' ? (
                  <ScreenRow key={id} id={id} index={start + k} />
                ) : (
                  <ScreenTile key={id} id={id} index={start + k} />
                ),
              )}
            </div>
          );
        })}
      </div>
    </div>
  );
});

const sortLabels: Record<FleetSort, string> = {
  name: 'Name',
  state: 'State',
  lastSeen: 'Last seen',
  temperature: 'Temperature',
};

const reverseHint: Record<FleetSort, string> = {
  name: 'Normally A to Z; reverse it',
  state: 'Normally problems first (lost, offline, unknown, online); reverse it',
  lastSeen: 'Normally longest silent first; reverse it',
  temperature: 'Normally hottest first; reverse it',
};

export function FleetView() {
  const prefs = useSelector(fleetPrefs, (p) => p);
  const screens = useThrottledSelector(consoleStore, (s) => s.screens, ORDER_MS);
  const search = useDeferredValue(prefs.search);
  const tags = useMemo(() => allTags(screens), [screens]);

  const { state, tag, sort, reverse, showRetired } = prefs;
  const idsRef = useRef<string[]>([]);
  const ids = useMemo(() => {
    const next = filterAndSort(screens, { state, tag, sort, reverse, showRetired }, search);
    // Same order as before: keep the old array so the grid does not re-render at all.
    if (sameIds(next, idsRef.current)) return idsRef.current;
    return next;
  }, [screens, state, tag, sort, reverse, showRetired, search]);
  useEffect(() => {
    idsRef.current = ids;
  }, [ids]);

  return (
    <section className="fleet-view" aria-labelledby="fleet-title">
      <div className="page-header">
        <h1 id="fleet-title">Fleet</h1>
        <div className="page-header-tools">
          <div className="segmented" role="group" aria-label="Layout">
            <button
              type="button"
              aria-pressed={prefs.mode === 'grid'}
              data-testid="fleet-mode-grid"
              onClick={() => setFleetPrefs({ mode: 'grid', scrollTop: 0 })}
            >
              <Icon name="grid" size={16} /> Grid
            </button>
            <button
              type="button"
              aria-pressed={prefs.mode === 'list'}
              data-testid="fleet-mode-list"
              onClick={() => setFleetPrefs({ mode: 'list', scrollTop: 0 })}
            >
              <Icon name="list" size={16} /> List
            </button>
          </div>
        </div>
      </div>
      <FleetCounts />
      <div className="toolbar" role="search">
        <label className="search-box">
          <Icon name="search" size={16} />
          <span className="sr-only">Search screens</span>
          <input
            type="search"
            placeholder="Search name, id, address"
            data-testid="fleet-search"
            value={prefs.search}
            onChange={(e) => setFleetPrefs({ search: e.target.value })}
          />
        </label>
        <label className="select-field">
          <span>State</span>
          <select
            data-testid="fleet-filter-state"
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
            data-testid="fleet-filter-tag"
            value={prefs.tag}
            onChange={(e) => setFleetPrefs({ tag: e.target.value })}
          >
            <option value="">Any</option>
            {tags.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
            {prefs.tag && !tags.includes(prefs.tag) && (
              <option value={prefs.tag}>{prefs.tag}</option>
            )}
          </select>
        </label>
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
        <span className="toolbar-count" data-testid="fleet-result-count" aria-live="polite">
          {ids.length.toLocaleString()} shown
        </span>
      </div>
      <BulkBar shownIds={ids} tags={tags} />
      {ids.length === 0 ? (
        <div className="empty">
          {screens.size === 0 ? 'No screens registered yet.' : 'No screens match these filters.'}
        </div>
      ) : (
        <FleetGrid key={prefs.mode} ids={ids} mode={prefs.mode} />
      )}
    </section>
  );
}
