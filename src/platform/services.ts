import { StoredPolicyProvider } from '../fulfilment/policy-provider.ts';
import { RoutingContext } from '../fulfilment/routing-context.ts';
import { AvailabilityService } from '../inventory/availability-service.ts';
import { ApiKeyService } from './auth/api-key-service.ts';
import type { Config } from './config/config.ts';
import type { Db } from './db/database.ts';

/**
 * The one place where strategies and services are wired together. Routes, jobs and the CLI take
 * what they need from here rather than constructing their own.
 */
export interface Services {
  db: Db;
  config: Pick<Config, 'demo'>;
  keys: ApiKeyService;
  /** Unstarted until `availability.start(...)` (serve does it): tests that skip it open no listener. */
  availability: AvailabilityService;
  /** The active routing policy from the policy store (cached; `start(...)` listens for activations). */
  policies: StoredPolicyProvider;
  /** Live network, rate cards, capacity and stock for the routing engine (orders, fulfilment options). */
  routing: RoutingContext;
}

export function createServices(db: Db, config: Pick<Config, 'demo'> = { demo: false }): Services {
  const availability = new AvailabilityService(db);
  const policies = new StoredPolicyProvider(db);
  return {
    db,
    config,
    keys: new ApiKeyService(db),
    availability,
    policies,
    routing: new RoutingContext(db, availability, policies),
  };
}
