/**
 * The bundled base map: Natural Earth's 1:110m countries (public domain) from world-atlas, as
 * TopoJSON (~105 KB raw, ~30 KB gzipped) converted to GeoJSON here with topojson-client. It is
 * part of the map's lazy chunk, so nothing is fetched and it works on a machine without internet.
 */
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import type { Feature, FeatureCollection, Geometry, Position } from 'geojson';
import countries110m from 'world-atlas/countries-110m.json';

export type CountryCollection = FeatureCollection<Geometry, { name?: string }>;

/**
 * Natural Earth cuts rings at the antimeridian but keeps the pieces of one island in one ring
 * (Fiji, Chukotka): on a flat map the jump from -180° to +179° would draw a stripe across the
 * whole world. Such a ring is moved east of 180° (its western points +360°), where Leaflet draws
 * it just past the date line. A ring that really goes round the globe (Antarctica, whose edge
 * along the antimeridian closes it) spans 360° either way and stays as it is.
 */
export function planarRing(ring: Position[]): Position[] {
  let jumps = false;
  for (let i = 1; i < ring.length && !jumps; i++)
    jumps = Math.abs(ring[i]![0]! - ring[i - 1]![0]!) > 180;
  if (!jumps) return ring;
  const shifted = ring.map(([lng, lat, ...rest]) => [lng! < 0 ? lng! + 360 : lng!, lat!, ...rest]);
  let min = Infinity;
  let max = -Infinity;
  for (const [lng] of shifted) {
    min = Math.min(min, lng!);
    max = Math.max(max, lng!);
  }
  return max - min < 180 ? shifted : ring;
}

function planar(geometry: Geometry): Geometry {
  if (geometry.type === 'Polygon')
    return { type: 'Polygon', coordinates: geometry.coordinates.map(planarRing) };
  if (geometry.type === 'MultiPolygon')
    return {
      type: 'MultiPolygon',
      coordinates: geometry.coordinates.map((p) => p.map(planarRing)),
    };
  return geometry;
}

/** Countries as GeoJSON features, ready for L.geoJSON. */
export function worldCountries(
  topology: Topology = countries110m as unknown as Topology,
): CountryCollection {
  const object = topology.objects.countries as GeometryCollection<{ name?: string }>;
  const all = feature(topology, object) as CountryCollection;
  const features: Feature<Geometry, { name?: string }>[] = [];
  for (const f of all.features) {
    if (f.geometry) features.push({ ...f, geometry: planar(f.geometry) });
  }
  return { type: 'FeatureCollection', features };
}
