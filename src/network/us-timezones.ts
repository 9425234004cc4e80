// State → IANA time zone. States split between zones carry a rule on longitude (or latitude for Idaho),
// which is accurate enough for the cities a demo network or a destination lands in.

interface ZoneSplit {
  /** The split applies west of this longitude... */
  westOfLon?: number;
  /** ...or east of this longitude... */
  eastOfLon?: number;
  /** ...or north of this latitude. */
  northOfLat?: number;
  zone: string;
}

interface StateZone {
  zone: string;
  split?: ZoneSplit;
}

const EASTERN = 'America/New_York';
const CENTRAL = 'America/Chicago';
const MOUNTAIN = 'America/Denver';
const PACIFIC = 'America/Los_Angeles';

const STATE_ZONES: Readonly<Record<string, StateZone>> = {
  AL: { zone: CENTRAL },
  AK: { zone: 'America/Anchorage' },
  AZ: { zone: 'America/Phoenix' },
  AR: { zone: CENTRAL },
  CA: { zone: PACIFIC },
  CO: { zone: MOUNTAIN },
  CT: { zone: EASTERN },
  DC: { zone: EASTERN },
  DE: { zone: EASTERN },
  FL: { zone: EASTERN, split: { westOfLon: -85.0, zone: CENTRAL } },
  GA: { zone: EASTERN },
  HI: { zone: 'Pacific/Honolulu' },
  ID: { zone: 'America/Boise', split: { northOfLat: 45.5, zone: PACIFIC } },
  IL: { zone: CENTRAL },
  IN: { zone: 'America/Indiana/Indianapolis', split: { westOfLon: -87.0, zone: CENTRAL } },
  IA: { zone: CENTRAL },
  KS: { zone: CENTRAL, split: { westOfLon: -101.6, zone: MOUNTAIN } },
  KY: { zone: 'America/Kentucky/Louisville', split: { westOfLon: -86.0, zone: CENTRAL } },
  LA: { zone: CENTRAL },
  ME: { zone: EASTERN },
  MD: { zone: EASTERN },
  MA: { zone: EASTERN },
  MI: { zone: 'America/Detroit', split: { westOfLon: -87.6, zone: 'America/Menominee' } },
  MN: { zone: CENTRAL },
  MS: { zone: CENTRAL },
  MO: { zone: CENTRAL },
  MT: { zone: MOUNTAIN },
  NE: { zone: CENTRAL, split: { westOfLon: -101.5, zone: MOUNTAIN } },
  NV: { zone: PACIFIC },
  NH: { zone: EASTERN },
  NJ: { zone: EASTERN },
  NM: { zone: MOUNTAIN },
  NY: { zone: EASTERN },
  NC: { zone: EASTERN },
  ND: { zone: CENTRAL, split: { westOfLon: -101.3, zone: MOUNTAIN } },
  OH: { zone: EASTERN },
  OK: { zone: CENTRAL },
  OR: { zone: PACIFIC, split: { eastOfLon: -117.2, zone: 'America/Boise' } },
  PA: { zone: EASTERN },
  PR: { zone: 'America/Puerto_Rico' },
  RI: { zone: EASTERN },
  SC: { zone: EASTERN },
  SD: { zone: CENTRAL, split: { westOfLon: -100.6, zone: MOUNTAIN } },
  TN: { zone: CENTRAL, split: { eastOfLon: -85.35, zone: EASTERN } },
  TX: { zone: CENTRAL, split: { westOfLon: -104.9, zone: MOUNTAIN } },
  UT: { zone: MOUNTAIN },
  VT: { zone: EASTERN },
  VA: { zone: EASTERN },
  WA: { zone: PACIFIC },
  WV: { zone: EASTERN },
  WI: { zone: CENTRAL },
  WY: { zone: MOUNTAIN },
};

function splitApplies(split: ZoneSplit, lat: number, lon: number): boolean {
  if (split.westOfLon !== undefined && lon < split.westOfLon) return true;
  if (split.eastOfLon !== undefined && lon > split.eastOfLon) return true;
  return split.northOfLat !== undefined && lat > split.northOfLat;
}

/** Coarse fallback when the state is unknown: the zone whose band the longitude falls in. */
function zoneByLongitude(lon: number): string {
  if (lon < -115) return PACIFIC;
  if (lon < -102) return MOUNTAIN;
  if (lon < -87) return CENTRAL;
  return EASTERN;
}

/** IANA time zone for a US location, from its two-letter state code and coordinates. */
export function usTimezone(region: string | undefined, lat: number, lon: number): string {
  const state = region ? STATE_ZONES[region.toUpperCase()] : undefined;
  if (!state) return zoneByLongitude(lon);
  return state.split && splitApplies(state.split, lat, lon) ? state.split.zone : state.zone;
}
