import { type Static, Type } from '@sinclair/typebox';

/**
 * Where an order goes. Either coordinates (lat and lon together) or an address from which a position
 * can be resolved offline: a US ZIP, or a city with optional region and country.
 */
export const DestinationInput = Type.Object(
  {
    name: Type.Optional(Type.String({ maxLength: 200 })),
    line1: Type.Optional(Type.String({ maxLength: 200 })),
    line2: Type.Optional(Type.String({ maxLength: 200 })),
    city: Type.Optional(Type.String({ maxLength: 100 })),
    region: Type.Optional(
      Type.String({ maxLength: 10, description: 'State or region code, e.g. "IL" for a US state' }),
    ),
    postalCode: Type.Optional(
      Type.String({
        maxLength: 16,
        description: 'For the US a 5-digit ZIP or ZIP+4; only the first 5 are used',
      }),
    ),
    country: Type.Optional(
      Type.String({ pattern: '^[A-Z]{2}$', default: 'US', description: 'ISO 3166-1 alpha-2 country code' }),
    ),
    lat: Type.Optional(Type.Number({ minimum: -90, maximum: 90, description: 'Latitude; give with lon' })),
    lon: Type.Optional(Type.Number({ minimum: -180, maximum: 180, description: 'Longitude; give with lat' })),
  },
  { additionalProperties: false, title: 'DestinationInput' },
);

export type DestinationInput = Static<typeof DestinationInput>;
