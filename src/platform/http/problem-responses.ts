import { Type } from '@sinclair/typebox';

/** Declared on every route so the OpenAPI document shows the problem+json shape of failures. */
export const problemResponses = {
  '4xx': Type.Ref('Problem'),
  '5xx': Type.Ref('Problem'),
} as const;
