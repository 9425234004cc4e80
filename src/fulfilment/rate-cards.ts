import type { ZoneRates } from '../routing/index.ts';

/**
 * The default live rate cards: a US parcel zone model by straight-line distance from the node,
 * shaped like the published ground and two-day/overnight cards of the big parcel carriers
 * (zone 2 = up to 150 miles ... zone 8 = beyond 1,800), in USD per package plus per billable lb.
 * They are an honest default, not anyone's contract: replace them with your negotiated card.
 *
 * | zone | miles     | ground base | ground /lb | ground days | expedited base | /lb  | days |
 * | 2    | 0–150     | 8.50        | 0.45       | 1           | 14.00          | 0.90 | 1    |
 * | 3    | 151–300   | 9.20        | 0.55       | 2           | 16.50          | 1.10 | 1    |
 * | 4    | 301–600   | 10.10       | 0.70       | 3           | 18.50          | 1.40 | 1    |
 * | 5    | 601–1000  | 11.00       | 0.85       | 3           | 21.00          | 1.65 | 2    |
 * | 6    | 1001–1400 | 11.90       | 1.00       | 4           | 24.00          | 1.90 | 2    |
 * | 7    | 1401–1800 | 12.60       | 1.15       | 5           | 26.50          | 2.15 | 2    |
 * | 8    | 1801+     | 13.40       | 1.30       | 5           | 29.00          | 2.40 | 2    |
 */
export const GROUND_RATES: ZoneRates = {
  model: 'zone',
  bands: [
    { maxMiles: 150, base: 8.5, perLb: 0.45, days: 1 },
    { maxMiles: 300, base: 9.2, perLb: 0.55, days: 2 },
    { maxMiles: 600, base: 10.1, perLb: 0.7, days: 3 },
    { maxMiles: 1000, base: 11.0, perLb: 0.85, days: 3 },
    { maxMiles: 1400, base: 11.9, perLb: 1.0, days: 4 },
    { maxMiles: 1800, base: 12.6, perLb: 1.15, days: 5 },
    { maxMiles: null, base: 13.4, perLb: 1.3, days: 5 },
  ],
};

export const EXPEDITED_RATES: ZoneRates = {
  model: 'zone',
  bands: [
    { maxMiles: 150, base: 14.0, perLb: 0.9, days: 1 },
    { maxMiles: 300, base: 16.5, perLb: 1.1, days: 1 },
    { maxMiles: 600, base: 18.5, perLb: 1.4, days: 1 },
    { maxMiles: 1000, base: 21.0, perLb: 1.65, days: 2 },
    { maxMiles: 1400, base: 24.0, perLb: 1.9, days: 2 },
    { maxMiles: 1800, base: 26.5, perLb: 2.15, days: 2 },
    { maxMiles: null, base: 29.0, perLb: 2.4, days: 2 },
  ],
};

/**
 * What a service level means for routing: the card it ships on and the most transit days it
 * promises (null = no limit). When no node can meet the limit the order is routed again without
 * it (the late promise beats no delivery) and the promised date says so.
 */
export const SERVICE_LEVELS: Readonly<Record<string, { rates: ZoneRates; latestDays: number | null }>> = {
  standard: { rates: GROUND_RATES, latestDays: null },
  express: { rates: EXPEDITED_RATES, latestDays: 2 },
  'next-day': { rates: EXPEDITED_RATES, latestDays: 1 },
};
