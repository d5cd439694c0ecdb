/**
 * The Leaflet map itself. Leaflet owns its DOM; React only mounts the container. The bundled
 * countries are drawn in their own pane under Leaflet's tile pane, so a configured tile server's
 * tiles cover them and they show wherever a tile is missing. Markers follow the store and the
 * fleet filters outside React: a store or filter change schedules one `sync` for the next
 * animation frame, whatever the number of changes before it.
 */
import { useEffect, useRef } from 'react';
import { useSelector } from '../../state/create-store';
import { consoleStore } from '../../state/store';
import { fleetPrefs } from '../../state/fleet-prefs';
import { href, navigate } from '../../state/router';
import { tileHost } from '../../../../shared/map-tile-source';
import L from './leaflet';
import { worldCountries } from './base-map';
import { mapFilter } from './map-filters';
import { ProxiedTileLayer } from './proxied-tiles';
import { ScreenMarkers, type MarkerLoad } from './screen-markers';
import { mapTiles } from './tile-source';

const WORLD: L.LatLngBoundsExpression = [
  [-60, -170],
  [75, 170],
];

export function FleetMap({ onShown }: { onShown: (markers: number) => void }) {
  const ref = useRef<HTMLDivElement>(null);
  const template = useSelector(mapTiles, (t) => t.template);
  const onShownRef = useRef(onShown);
  onShownRef.current = onShown;

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const mounted = performance.now();
    const map = L.map(el, {
      minZoom: 1,
      maxZoom: 18,
      worldCopyJump: false,
      maxBounds: [
        [-90, -400],
        [90, 400],
      ],
      attributionControl: true,
      zoomSnap: 1,
    });
    map.attributionControl.setPrefix(false);
    map.createPane('countries').style.zIndex = '150';
    L.geoJSON(worldCountries(), {
      pane: 'countries',
      interactive: false,
      style: { className: 'map-country', weight: 0.6 },
      attribution: 'Base map: Natural Earth (public domain)',
    }).addTo(map);
    if (template)
      new ProxiedTileLayer(template, {
        maxZoom: 19,
        attribution: `Tiles: ${tileHost(template)}`,
      }).addTo(map);

    let firstLoad = true;
    const changed = (size: number, load: MarkerLoad | null) => {
      el.dataset.markers = String(size);
      onShownRef.current(size);
      if (!load || !firstLoad) return;
      firstLoad = false;
      const ms = Math.round(performance.now() - mounted);
      el.dataset.renderMs = String(ms);
      el.dataset.loadedMarkers = String(load.count);
      console.info(`[marquee map] ${load.count} markers on the map ${ms} ms after opening`);
    };
    // The zoom level on the element: for the end-to-end test and for a quick look in devtools.
    map.on('zoomend', () => (el.dataset.zoom = String(map.getZoom())));
    const markers = new ScreenMarkers((id) => navigate(href.screen(id)), changed);
    markers.group.addTo(map);

    let fitted = false;
    let frame = 0;
    const sync = () => {
      frame = 0;
      const { match, key } = mapFilter(fleetPrefs.get());
      markers.sync(consoleStore.get().screens, match, key);
      if (!fitted) {
        fitted = true;
        const bounds = markers.bounds();
        if (bounds) map.fitBounds(bounds, { padding: [24, 24], maxZoom: 12 });
        else map.fitBounds(WORLD);
      }
    };
    const schedule = () => {
      if (!frame) frame = requestAnimationFrame(sync);
    };
    sync();
    const offStore = consoleStore.subscribe(schedule);
    const offPrefs = fleetPrefs.subscribe(schedule);
    // The map's box changes with the window and the side navigation.
    const resize = new ResizeObserver(() => map.invalidateSize());
    resize.observe(el);
    return () => {
      if (frame) cancelAnimationFrame(frame);
      offStore();
      offPrefs();
      resize.disconnect();
      map.remove();
    };
  }, [template]);

  return (
    <div
      ref={ref}
      className="map-canvas"
      data-testid="map-canvas"
      role="region"
      aria-label="Map of the screens; arrow keys pan, + and − zoom, Tab reaches the markers"
    />
  );
}
