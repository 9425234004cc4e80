import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { Role } from '../auth/roles.ts';
import type { Services } from '../services.ts';

/** One registered route, as the access-matrix and OpenAPI tests enumerate them. */
export interface RouteInfo {
  method: string;
  url: string;
  roles: readonly Role[] | undefined;
  hasBody: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    services: Services;
    routeTable: RouteInfo[];
  }
}

/** The Fastify instance every route plugin receives: TypeBox-typed, with the wired services. */
export type AppInstance = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;
