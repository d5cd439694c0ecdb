/**
 * Believable metadata for simulated screens: a city, a venue, a display size and a street
 * address near the city centre, chosen deterministically from the screen's index so the same
 * fleet size provisions the same screens every run.
 */
interface City {
  region: string;
  city: string;
  lat: number;
  lng: number;
  streets: readonly string[];
}

const CITIES: readonly City[] = [
  {
    region: 'eu-north',
    city: 'Stockholm',
    lat: 59.3293,
    lng: 18.0686,
    streets: ['Drottninggatan', 'Sveavägen', 'Götgatan', 'Kungsgatan'],
  },
  {
    region: 'eu-north',
    city: 'Copenhagen',
    lat: 55.6761,
    lng: 12.5683,
    streets: ['Strøget', 'Vesterbrogade', 'Nørrebrogade'],
  },
  {
    region: 'eu-west',
    city: 'Amsterdam',
    lat: 52.3676,
    lng: 4.9041,
    streets: ['Damrak', 'Kalverstraat', 'Leidsestraat', 'Rokin'],
  },
  {
    region: 'eu-west',
    city: 'London',
    lat: 51.5072,
    lng: -0.1276,
    streets: ['Oxford Street', 'Euston Road', 'Old Street', 'The Strand'],
  },
  {
    region: 'eu-central',
    city: 'Berlin',
    lat: 52.52,
    lng: 13.405,
    streets: ['Friedrichstraße', 'Kurfürstendamm', 'Alexanderplatz', 'Torstraße'],
  },
  {
    region: 'eu-south',
    city: 'Madrid',
    lat: 40.4168,
    lng: -3.7038,
    streets: ['Gran Vía', 'Calle de Alcalá', 'Paseo del Prado'],
  },
  {
    region: 'us-east',
    city: 'New York',
    lat: 40.7128,
    lng: -74.006,
    streets: ['Broadway', '7th Avenue', 'Canal Street', 'Lexington Avenue'],
  },
  {
    region: 'us-west',
    city: 'Los Angeles',
    lat: 34.0522,
    lng: -118.2437,
    streets: ['Sunset Boulevard', 'Wilshire Boulevard', 'Hollywood Boulevard'],
  },
];

const VENUES = [
  { tag: 'roadside', label: 'Roadside' },
  { tag: 'transit', label: 'Metro concourse' },
  { tag: 'mall', label: 'Shopping centre' },
  { tag: 'airport', label: 'Airport gate' },
  { tag: 'street-furniture', label: 'Bus shelter' },
  { tag: 'stadium', label: 'Stadium ring' },
] as const;

const SIZES = ['55in', '75in', '86in', '6x3m-led', '12x4m-led'] as const;

export interface ScreenSpec {
  id: string;
  name: string;
  address: string;
  lat: number;
  lng: number;
  tags: string[];
}

/** Deterministic in [0, 1) for an index and a salt; good enough to spread screens around. */
function hash01(index: number, salt: number): number {
  let h = (index + 1) * 2654435761 + salt * 40503;
  h = Math.imul(h ^ (h >>> 16), 2246822507);
  h = Math.imul(h ^ (h >>> 13), 3266489909);
  return ((h ^ (h >>> 16)) >>> 0) / 2 ** 32;
}

export function screenSpec(prefix: string, index: number): ScreenSpec {
  const city = CITIES[index % CITIES.length]!;
  const venue = VENUES[Math.floor(hash01(index, 1) * VENUES.length)]!;
  const size = SIZES[Math.floor(hash01(index, 2) * SIZES.length)]!;
  const street = city.streets[Math.floor(hash01(index, 3) * city.streets.length)]!;
  const number = 1 + Math.floor(hash01(index, 4) * 180);
  const id = `${prefix}-${String(index + 1).padStart(4, '0')}`;
  return {
    id,
    name: `${city.city} ${venue.label} ${street} #${String(index + 1).padStart(4, '0')}`,
    address: `${street} ${number}, ${city.city}`,
    // Within a few kilometres of the centre, rounded like a surveyed position.
    lat: Math.round((city.lat + (hash01(index, 5) - 0.5) * 0.08) * 1e5) / 1e5,
    lng: Math.round((city.lng + (hash01(index, 6) - 0.5) * 0.12) * 1e5) / 1e5,
    tags: [
      `region:${city.region}`,
      `city:${city.city.toLowerCase().replace(/\s+/g, '-')}`,
      `venue:${venue.tag}`,
      `size:${size}`,
      'simulated',
    ],
  };
}
