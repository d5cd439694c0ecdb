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
import type { Screen } from '../../../../../protocol';
import { useSelector, useThrottledSelector } from '../state/create-store';
import { consoleStore, useConsole } from '../state/store';
import { fleetPrefs, setFleetPrefs } from '../state/fleet-prefs';
import { href } from '../state/router';
import { HOT_C, temp } from '../format';
import { StateBadge } from '../components/common';
import { Icon } from '../components/Icon';
import { allTags, filterAndSort, sameIds } from './fleet-order';
import { FleetAdminActions } from '../features/admin-screens/FleetAdminActions';
import { FleetCounts, FleetToolbar } from '../features/fleet-wall/FleetToolbar';
import {
  AlarmChip,
  GroupHead,
  Seen,
  showsLastKnown,
  troubleClass,
} from '../features/fleet-wall/TileParts';
import { GROUP_HEAD_H, groupLabels, layoutRows, sameLabels } from '../features/fleet-wall/groups';
import { BulkBar, SelectBox } from '../features/bulk-commands';
import { DriftChip } from '../features/desired-state/DriftParts';
import { TagDesiredPanel } from '../features/desired-state/TagDesiredPanel';

const TILE_MIN_W = 232;
const TILE_H = 124;
const GAP = 12;
const ROW_H = 44;
/** How often the fleet's order is recomputed (tiles themselves update on every batch). */
const ORDER_MS = 1000;

const hot = (s: Screen) => (s.telemetry?.temperatureC ?? -Infinity) >= HOT_C;

const ScreenTile = memo(function ScreenTile({ id, index }: { id: string; index: number }) {
  const screen = useConsole((s) => s.screens.get(id));
  const alarm = useConsole((s) => s.worstAlarm.get(id));
  if (!screen) return null;
  const content = screen.telemetry?.content?.title;
  return (
    <a
      className={`tile state-${screen.state}${screen.retired ? ' retired' : ''}${troubleClass(alarm, screen.state)}`}
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
        <AlarmChip severity={alarm} />
        <DriftChip screen={screen} />
        {screen.telemetry && screen.telemetry.display.power !== 'on' && (
          <span className="chip">display {screen.telemetry.display.power}</span>
        )}
      </span>
      <span className="tile-content" title={content}>
        <Icon name="play" size={12} />
        {showsLastKnown(screen.state) && <span className="last-known-label">last known</span>}
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
      className={`list-row state-${screen.state}${troubleClass(alarm, screen.state)}`}
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

const FleetGrid = memo(function FleetGrid({
  ids,
  mode,
  groups = null,
}: {
  ids: string[];
  mode: 'grid' | 'list';
  /** Each id's group label (a header before each group), or null for one ungrouped wall. */
  groups?: string[] | null;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const width = useWidth(scrollRef);
  const inner = Math.max(0, width - 2 * GAP);
  const cols = mode === 'list' ? 1 : Math.max(1, Math.floor((inner + GAP) / (TILE_MIN_W + GAP)));
  const { rows, rowOfIndex } = useMemo(() => layoutRows(ids, groups, cols), [ids, groups, cols]);
  const rowH = mode === 'list' ? ROW_H : TILE_H + GAP;
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (i) => (rows[i]?.kind === 'head' ? GROUP_HEAD_H : rowH),
    overscan: 4,
    paddingStart: mode === 'list' ? 0 : GAP,
    paddingEnd: GAP,
  });

  useEffect(() => virtualizer.measure(), [virtualizer, rowH, rows]);

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
    virtualizer.scrollToIndex(rowOfIndex(to), { align: 'auto' });
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
          const wallRow = rows[row.index]!;
          if (wallRow.kind === 'head')
            return <GroupHead key={row.key} row={wallRow} top={row.start} />;
          const start = wallRow.start;
          const rowIds = wallRow.ids;
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

export function FleetView() {
  const prefs = useSelector(fleetPrefs, (p) => p);
  const screens = useThrottledSelector(consoleStore, (s) => s.screens, ORDER_MS);
  const worstAlarm = useThrottledSelector(consoleStore, (s) => s.worstAlarm, ORDER_MS);
  const search = useDeferredValue(prefs.search);
  const tags = useMemo(() => allTags(screens), [screens]);

  const { state, tag, sort, reverse, showRetired, drift } = prefs;
  const idsRef = useRef<string[]>([]);
  const ids = useMemo(() => {
    const next = filterAndSort(screens, { state, tag, sort, reverse, showRetired, drift }, search, {
      worstAlarm,
      now: Date.now(),
    });
    // Same order as before: keep the old array so the grid does not re-render at all.
    if (sameIds(next, idsRef.current)) return idsRef.current;
    return next;
  }, [screens, worstAlarm, state, tag, sort, reverse, showRetired, drift, search]);
  useEffect(() => {
    idsRef.current = ids;
  }, [ids]);
  const groupsRef = useRef<string[] | null>(null);
  const groups = useMemo(() => {
    const next = groupLabels(ids, screens, sort, worstAlarm, Date.now());
    return sameLabels(next, groupsRef.current) ? groupsRef.current : next;
  }, [ids, screens, sort, worstAlarm]);
  useEffect(() => {
    groupsRef.current = groups;
  }, [groups]);

  return (
    <section className="fleet-view" aria-labelledby="fleet-title">
      <div className="page-header">
        <h1 id="fleet-title">Fleet</h1>
        <div className="page-header-tools">
          <FleetAdminActions />
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
      <FleetToolbar tags={tags} shown={ids.length} />
      <TagDesiredPanel tags={tags} />
      <BulkBar shownIds={ids} tags={tags} />
      {ids.length === 0 ? (
        <div className="empty">
          {screens.size === 0 ? 'No screens registered yet.' : 'No screens match these filters.'}
        </div>
      ) : (
        <FleetGrid key={prefs.mode} ids={ids} mode={prefs.mode} groups={groups} />
      )}
    </section>
  );
}
