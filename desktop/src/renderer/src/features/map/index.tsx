/** The Map feature (issue 13), loaded on first visit: Leaflet and the base map stay out of the start. */
import { lazy, Suspense } from 'react';

export { MapTilesSettings } from './MapTilesSettings';

const MapView = lazy(() => import('./MapView').then((m) => ({ default: m.MapView })));

export function MapPage() {
  return (
    <Suspense
      fallback={
        <p className="muted" role="status">
          Opening the map…
        </p>
      }
    >
      <MapView />
    </Suspense>
  );
}
