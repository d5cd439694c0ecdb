import { describe, expect, it } from 'vitest';
import {
  clusterDiameter,
  clusterLabel,
  hasLocation,
  stateColor,
  worseState,
  worstState,
} from './map-state';
import { planarRing, worldCountries } from './base-map';

describe('map state rules', () => {
  it('ranks lost worst, then offline, unknown, online', () => {
    expect(worstState(['online', 'unknown', 'online'])).toBe('unknown');
    expect(worstState(['online', 'offline', 'unknown'])).toBe('offline');
    expect(worstState(['online', 'lost', 'offline'])).toBe('lost');
    expect(worstState(['online'])).toBe('online');
    expect(worstState([])).toBeNull();
    expect(worseState('online', 'lost')).toBe('lost');
    expect(worseState('offline', 'unknown')).toBe('offline');
  });

  it('colours a state with the theme variable the fleet wall uses', () => {
    expect(stateColor('lost')).toBe('var(--lost)');
    expect(stateColor('online')).toBe('var(--online)');
  });

  it('places only finite coordinates on the globe', () => {
    expect(hasLocation({ lat: 59.9, lng: 10.7 })).toBe(true);
    expect(hasLocation({ lat: 0, lng: 0 })).toBe(true);
    expect(hasLocation({ lat: null, lng: 10 })).toBe(false);
    expect(hasLocation({ lat: 91, lng: 0 })).toBe(false);
    expect(hasLocation({ lat: 10, lng: -181 })).toBe(false);
    expect(hasLocation({ lat: Number.NaN, lng: 0 })).toBe(false);
  });

  it('sizes and labels cluster badges by count', () => {
    expect(clusterDiameter(5)).toBeLessThan(clusterDiameter(500));
    expect(clusterDiameter(500)).toBeLessThan(clusterDiameter(10_000));
    expect(clusterLabel(1234)).toBe('1,234');
    expect(clusterLabel(25_600)).toBe('25k');
  });
});

describe('bundled base map', () => {
  it('converts Natural Earth 1:110m countries to GeoJSON with no ring striped across the map', () => {
    const world = worldCountries();
    expect(world.type).toBe('FeatureCollection');
    expect(world.features).toHaveLength(177);
    const jumping: string[] = [];
    for (const f of world.features) {
      const g = f.geometry;
      const polygons =
        g.type === 'Polygon' ? [g.coordinates] : g.type === 'MultiPolygon' ? g.coordinates : [];
      for (const p of polygons)
        for (const ring of p)
          for (let i = 1; i < ring.length; i++)
            if (Math.abs(ring[i]![0]! - ring[i - 1]![0]!) > 180) jumping.push(f.properties.name!);
    }
    // Only Antarctica keeps its edge along the antimeridian: it really goes round the globe.
    expect([...new Set(jumping)]).toEqual(['Antarctica']);
    const names = world.features.map((f) => f.properties.name);
    expect(names).toEqual(expect.arrayContaining(['Norway', 'Fiji', 'Russia', 'Brazil']));
  });

  it('moves a ring cut at the antimeridian east of 180°, and leaves others alone', () => {
    expect(
      planarRing([
        [179, -16],
        [-179.5, -16.5],
        [179.5, -17],
        [179, -16],
      ]),
    ).toEqual([
      [179, -16],
      [180.5, -16.5],
      [179.5, -17],
      [179, -16],
    ]);
    const plain = [
      [10, 60],
      [11, 60],
      [11, 61],
      [10, 60],
    ];
    expect(planarRing(plain)).toBe(plain);
  });
});
