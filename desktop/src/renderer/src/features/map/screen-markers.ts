/**
 * The screens on the map: one Leaflet marker per located screen, inside one markercluster group.
 * `sync` is given the store's screens map and the fleet filters; it compares entities by
 * identity (the store replaces only the screens that changed), so a batch of 50 state changes
 * among 10,000 screens touches 50 markers: a recoloured icon and a refresh of its clusters, not
 * a rebuild. Filter changes add and remove only the difference. The caller runs it at most once
 * per animation frame (the store notifies once per frame).
 */
import type { Screen, ScreenStatus } from '../../../../../../protocol';
import L from './leaflet';
import { clusterDiameter, clusterLabel, hasLocation, worstState } from './map-state';

interface ScreenMarker extends L.Marker {
  screenId: string;
  screenState: ScreenStatus;
  screenName: string;
}

const pinIcons = new Map<ScreenStatus, L.DivIcon>();
function pinIcon(state: ScreenStatus): L.DivIcon {
  let icon = pinIcons.get(state);
  if (!icon) {
    icon = L.divIcon({ className: `map-pin state-${state}`, iconSize: [16, 16], html: '' });
    pinIcons.set(state, icon);
  }
  return icon;
}

const describe = (m: ScreenMarker) => `${m.screenName} — ${m.screenState}`;

/** The marker's element says which screen it is (tests, assistive technology, the keyboard). */
function label(m: ScreenMarker): void {
  const el = m.getElement();
  if (!el) return;
  el.dataset.screenId = m.screenId;
  el.dataset.state = m.screenState;
  el.dataset.testid = 'map-marker';
  el.setAttribute('aria-label', describe(m));
}

function clusterIcon(cluster: L.MarkerCluster): L.DivIcon {
  const count = cluster.getChildCount();
  const states = cluster.getAllChildMarkers().map((m) => (m as ScreenMarker).screenState);
  const worst = worstState(states) ?? 'unknown';
  const d = clusterDiameter(count);
  return L.divIcon({
    className: `map-cluster state-${worst}`,
    iconSize: [d, d],
    html:
      `<span data-testid="map-cluster" data-count="${count}" data-state="${worst}" ` +
      `title="${count} screens; the worst is ${worst}">${clusterLabel(count)}</span>`,
  });
}

export interface MarkerLoad {
  /** Markers added by this load. */
  count: number;
  /** From the `sync` that started it to the last chunk being on the map. */
  ms: number;
}

export class ScreenMarkers {
  readonly group: L.MarkerClusterGroup;
  private readonly markers = new Map<string, ScreenMarker>();
  private readonly inGroup = new Set<string>();
  private screens = new Map<string, Screen>();
  private filterKey: string | null = null;
  /** While markercluster adds a large batch in chunks, later syncs wait for it. */
  private loading: { started: number; count: number } | null = null;
  private queued: (() => void) | null = null;

  constructor(
    private readonly onOpen: (screenId: string) => void,
    /**
     * After every change of what is on the layer: a sync done at once, a sync that waited for a
     * chunked load, and the end of a chunked load (with its figures).
     */
    private readonly onChanged: (size: number, load: MarkerLoad | null) => void = () => undefined,
  ) {
    this.group = L.markerClusterGroup({
      chunkedLoading: true,
      chunkInterval: 100,
      chunkDelay: 16,
      chunkProgress: (done, total) => {
        if (done === total) queueMicrotask(() => this.finishLoad());
      },
      showCoverageOnHover: false,
      spiderfyOnMaxZoom: true,
      // Screens of one site share a building: keep clusters tight enough to show streets apart.
      maxClusterRadius: 60,
      iconCreateFunction: clusterIcon,
    });
  }

  /** How many markers are on the map's layer (clustered or not). */
  get size(): number {
    return this.inGroup.size;
  }

  /**
   * Bring the markers in line with `screens` filtered by `match`. `filterKey` names the filters:
   * when it changes every screen is tested again, otherwise only the screens that changed.
   */
  sync(screens: Map<string, Screen>, match: (s: Screen) => boolean, filterKey: string): void {
    if (this.loading) {
      this.queued = () => this.sync(screens, match, filterKey);
      return;
    }
    const refilter = filterKey !== this.filterKey;
    if (screens === this.screens && !refilter) return;
    const toAdd: ScreenMarker[] = [];
    const toRemove: ScreenMarker[] = [];
    const restyled: ScreenMarker[] = [];
    const moves: [ScreenMarker, L.LatLngExpression][] = [];

    for (const s of screens.values()) {
      const prev = this.screens.get(s.id);
      if (prev === s && !refilter) continue;
      let m = this.markers.get(s.id);
      const shown = this.inGroup.has(s.id);
      if (!hasLocation(s)) {
        if (m) {
          if (shown) toRemove.push(m);
          this.inGroup.delete(s.id);
          this.markers.delete(s.id);
        }
        continue;
      }
      const wanted = match(s);
      if (!m) {
        m = this.create(s);
      } else {
        const at = m.getLatLng();
        // markercluster files markers by position: a moved one leaves and comes back.
        if (at.lat !== s.lat || at.lng !== s.lng) {
          if (shown) toRemove.push(m);
          this.inGroup.delete(s.id);
          moves.push([m, [s.lat, s.lng]]);
        }
        if (m.screenState !== s.state || m.screenName !== s.name) {
          m.screenState = s.state;
          m.screenName = s.name;
          m.options.title = describe(m);
          m.setIcon(pinIcon(s.state));
          label(m);
          if (this.inGroup.has(s.id) && wanted) restyled.push(m);
        }
      }
      const inGroup = this.inGroup.has(s.id);
      if (wanted && !inGroup) {
        toAdd.push(m);
        this.inGroup.add(s.id);
      } else if (!wanted && inGroup) {
        toRemove.push(m);
        this.inGroup.delete(s.id);
      }
    }
    for (const id of this.screens.keys()) {
      if (screens.has(id)) continue;
      const m = this.markers.get(id);
      if (m && this.inGroup.delete(id)) toRemove.push(m);
      this.markers.delete(id);
    }
    this.screens = screens;
    this.filterKey = filterKey;

    if (toRemove.length) this.group.removeLayers(toRemove);
    for (const [m, to] of moves) m.setLatLng(to);
    if (restyled.length) this.group.refreshClusters(restyled);
    if (toAdd.length) {
      this.loading = { started: performance.now(), count: toAdd.length };
      this.group.addLayers(toAdd);
    }
    if (!this.loading) this.onChanged(this.inGroup.size, null);
  }

  /** The bounds of the markers on the layer (null: none). */
  bounds(): L.LatLngBounds | null {
    const b = this.group.getBounds();
    return b.isValid() ? b : null;
  }

  private create(s: Screen & { lat: number; lng: number }): ScreenMarker {
    const m = L.marker([s.lat, s.lng], {
      icon: pinIcon(s.state),
      keyboard: true,
      riseOnHover: true,
    }) as ScreenMarker;
    m.screenId = s.id;
    m.screenState = s.state;
    m.screenName = s.name;
    m.options.title = describe(m);
    m.on('add', () => label(m));
    m.on('click', () => this.onOpen(m.screenId));
    // A focused marker (Leaflet makes it a tabbable button) opens with Enter or Space too.
    m.on('keydown', (e) => {
      const key = (e as L.LeafletKeyboardEvent).originalEvent.key;
      if (key === 'Enter' || key === ' ') this.onOpen(m.screenId);
    });
    this.markers.set(s.id, m);
    return m;
  }

  private finishLoad(): void {
    const load = this.loading;
    if (!load) return;
    this.loading = null;
    this.onChanged(this.inGroup.size, { count: load.count, ms: performance.now() - load.started });
    const next = this.queued;
    this.queued = null;
    next?.();
  }
}
