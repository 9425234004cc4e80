import { beforeAll, describe, expect, it } from 'vitest';
import {
  type DestinationResult,
  resolveDestination,
  warmDestinationIndex,
} from '../../src/network/destination-resolver.ts';
import { haversineMiles } from '../../src/network/haversine.ts';

const NEW_YORK = { lat: 40.7128, lon: -74.006 };

function expectResolved(result: DestinationResult) {
  if (!result.ok)
    throw new Error(`expected a resolved destination, got ${result.pointer}: ${result.message}`);
  return result;
}

function expectFailure(result: DestinationResult) {
  if (result.ok) throw new Error(`expected a failure, got ${result.label}`);
  expect(result.code).toBe('destination-unresolvable');
  return result;
}

describe('resolveDestination', () => {
  beforeAll(() => {
    const stats = warmDestinationIndex();
    expect(stats.postalCodes).toBeGreaterThan(30_000);
    expect(stats.cityNames).toBeGreaterThan(100_000);
  }, 30_000);

  it('uses coordinates as given, ahead of any address', () => {
    const result = expectResolved(resolveDestination({ lat: 34.05, lon: -118.25, postalCode: '10001' }));
    expect(result).toMatchObject({ lat: 34.05, lon: -118.25, source: 'coordinates' });
  });

  it('requires lat and lon together', () => {
    expect(expectFailure(resolveDestination({ lat: 40.7, city: 'Boston' })).pointer).toBe('/lon');
    expect(expectFailure(resolveDestination({ lon: -74 })).pointer).toBe('/lat');
  });

  it('rejects out-of-range coordinates', () => {
    expect(expectFailure(resolveDestination({ lat: 91, lon: 0 })).pointer).toBe('/lat');
    expect(expectFailure(resolveDestination({ lat: 0, lon: Number.NaN })).pointer).toBe('/lon');
  });

  it('resolves a US ZIP to its centroid', () => {
    const result = expectResolved(resolveDestination({ postalCode: '10001' }));
    expect(result.source).toBe('postal-code');
    expect(result.label).toBe('ZIP 10001');
    expect(haversineMiles(result, NEW_YORK)).toBeLessThan(5);
  });

  it('uses the first five digits of a ZIP+4', () => {
    const plain = expectResolved(resolveDestination({ postalCode: '60601' }));
    expect(resolveDestination({ postalCode: '60601-1234' })).toEqual(plain);
    expect(resolveDestination({ postalCode: ' 606011234 ' })).toEqual(plain);
  });

  it('names /postalCode for an unknown or malformed ZIP', () => {
    const unknown = expectFailure(resolveDestination({ postalCode: '00000' }));
    expect(unknown.pointer).toBe('/postalCode');
    expect(unknown.message).toContain('00000');
    expect(expectFailure(resolveDestination({ postalCode: 'ABCDE' })).pointer).toBe('/postalCode');
  });

  it('falls back to the city when the ZIP is unknown', () => {
    const result = expectResolved(resolveDestination({ postalCode: '00000', city: 'Boston', region: 'MA' }));
    expect(result.source).toBe('city');
    expect(result.label).toBe('Boston, MA, US');
  });

  it('names /postalCode when neither the ZIP nor the city resolves', () => {
    const result = expectFailure(resolveDestination({ postalCode: '00000', city: 'Nowheresville' }));
    expect(result.pointer).toBe('/postalCode');
    expect(result.message).toContain('Nowheresville');
  });

  it('picks the most populous city without a region, the one in the region with it', () => {
    const anySpringfield = expectResolved(resolveDestination({ city: 'Springfield' }));
    expect(anySpringfield.label).toBe('Springfield, MO, US');
    const illinois = expectResolved(resolveDestination({ city: 'Springfield', region: 'IL' }));
    const massachusetts = expectResolved(resolveDestination({ city: 'Springfield', region: 'ma' }));
    expect(illinois).toMatchObject({ source: 'city', label: 'Springfield, IL, US' });
    expect(massachusetts.label).toBe('Springfield, MA, US');
    // Springfield IL is near 39.8N 89.6W, Springfield MA near 42.1N 72.6W.
    expect(haversineMiles(illinois, { lat: 39.8, lon: -89.65 })).toBeLessThan(10);
    expect(haversineMiles(massachusetts, { lat: 42.1, lon: -72.59 })).toBeLessThan(10);
  });

  it('matches cities regardless of case, accents and punctuation', () => {
    const canyon = expectResolved(resolveDestination({ city: 'Cañon City', region: 'CO' }));
    expect(resolveDestination({ city: 'canon city', region: 'CO' })).toEqual(canyon);
    expect(expectResolved(resolveDestination({ city: 'CHICAGO' })).label).toBe('Chicago, IL, US');
    expect(expectResolved(resolveDestination({ city: 'Saint Louis', region: 'MO' })).label).toBe(
      'St. Louis, MO, US',
    );
    expect(expectResolved(resolveDestination({ city: 'Washington', region: 'DC' })).label).toBe(
      'Washington, D.C., DC, US',
    );
    expect(
      haversineMiles(expectResolved(resolveDestination({ city: 'New York', region: 'NY' })), NEW_YORK),
    ).toBeLessThan(5);
  });

  it('resolves cities outside the US by country, accents optional', () => {
    const montreal = expectResolved(resolveDestination({ city: 'Montreal', country: 'CA' }));
    expect(montreal.label).toBe('Montréal, CA');
    expect(expectResolved(resolveDestination({ city: 'zurich', country: 'CH' })).label).toBe('Zürich, CH');
  });

  it('names /city for an unknown city, or one not in the given state', () => {
    expect(expectFailure(resolveDestination({ city: 'Nowheresville' })).pointer).toBe('/city');
    const wrongState = expectFailure(resolveDestination({ city: 'Springfield', region: 'AZ' }));
    expect(wrongState.pointer).toBe('/city');
    expect(wrongState.message).toContain('AZ');
  });

  it('names the whole object when nothing usable is given', () => {
    expect(expectFailure(resolveDestination({})).pointer).toBe('');
    expect(expectFailure(resolveDestination({ name: 'Ada', line1: '1 Main St', city: '  ' })).pointer).toBe(
      '',
    );
  });

  it('only resolves postal codes for the US', () => {
    expect(expectFailure(resolveDestination({ postalCode: 'SW1A 1AA', country: 'GB' })).pointer).toBe(
      '/postalCode',
    );
    expect(
      expectResolved(resolveDestination({ postalCode: 'SW1A 1AA', city: 'London', country: 'GB' })).source,
    ).toBe('city');
  });

  it('looks up quickly once warm', () => {
    const start = performance.now();
    for (let i = 0; i < 1000; i++) {
      resolveDestination({ postalCode: '94103' });
      resolveDestination({ city: 'Springfield', region: 'IL' });
    }
    expect(performance.now() - start).toBeLessThan(500);
  });
});

describe('haversineMiles', () => {
  it('is zero for the same point and about 2,450 miles from New York to Los Angeles', () => {
    expect(haversineMiles(NEW_YORK, NEW_YORK)).toBe(0);
    const miles = haversineMiles(NEW_YORK, { lat: 34.0522, lon: -118.2437 });
    expect(miles).toBeGreaterThan(2440);
    expect(miles).toBeLessThan(2460);
  });
});
