import { ROLES } from '../../src/platform/auth/roles.ts';
import { loadConfig } from '../../src/platform/config/config.ts';
import type { Db } from '../../src/platform/db/database.ts';
import type { AppInstance } from '../../src/platform/http/app-instance.ts';
import { buildApp } from '../../src/platform/http/build-app.ts';
import { createServices } from '../../src/platform/services.ts';
import { item, storeNode } from './fixtures.ts';
import { type FuzzResponse, stateDigestQuery } from './fuzz-campaign.ts';
import {
  type FuzzContext,
  type FuzzOperation,
  type FuzzRequest,
  fuzzOperations,
} from './openapi-arbitraries.ts';

/** The environment that turns every rate limit off. */
export const RATE_LIMITS_OFF = {
  RATE_LIMIT_ADMIN: '0',
  RATE_LIMIT_INTEGRATION: '0',
  RATE_LIMIT_ASSOCIATE: '0',
  RATE_LIMIT_VIEWER: '0',
  RATE_LIMIT_ANONYMOUS: '0',
  RATE_LIMIT_FAILED_AUTH: '0',
};

export interface FuzzTarget {
  app: AppInstance;
  ctx: FuzzContext;
  ops: FuzzOperation[];
  digest(): Promise<string>;
  send(request: FuzzRequest): Promise<FuzzResponse>;
  close(): Promise<void>;
}

/**
 * The app under fuzzing, in process, on a migrated database: a node, an item and stock to aim
 * valid requests at, and a key per role plus a revoked and an expired one. Rate limits are off
 * here (they would turn most of the run into 429s); test/fault/abuse-limits.test.ts covers them.
 */
export async function prepareFuzzTarget(db: Db, databaseUrl: string): Promise<FuzzTarget> {
  const services = createServices(db);
  const { http } = loadConfig({});
  const off = loadConfig(RATE_LIMITS_OFF).rateLimit;
  const app = await buildApp({ services, limits: { http, rateLimit: off } });
  await app.ready();
  await services.availability.start(databaseUrl);

  const byRole: Record<string, string> = {};
  for (const role of ROLES) {
    const nodeIds = role === 'associate' ? ['N1'] : [];
    if (role === 'associate')
      byRole[role] = ''; // filled after N1 exists
    else byRole[role] = (await services.keys.create({ name: `fuzz ${role}`, role, nodeIds }, 'fuzz')).key;
  }
  const admin = { authorization: `Bearer ${byRole.admin}` };
  for (const id of ['N1', 'N2'])
    await app.inject({ method: 'PUT', url: `/v1/nodes/${id}`, headers: admin, payload: storeNode() });
  await app.inject({ method: 'PUT', url: '/v1/items/SKU-1', headers: admin, payload: item() });
  await app.inject({
    method: 'POST',
    url: '/v1/inventory/feeds',
    headers: admin,
    payload: [
      { kind: 'count', nodeId: 'N1', sku: 'SKU-1', quantity: 50, source: 'fuzz', sourceId: 'seed-1' },
    ],
  });
  byRole.associate = (
    await services.keys.create({ name: 'fuzz associate', role: 'associate', nodeIds: ['N1'] }, 'fuzz')
  ).key;
  const revoked = await services.keys.create({ name: 'fuzz revoked', role: 'admin' }, 'fuzz');
  await services.keys.revoke(revoked.apiKey.id, 'fuzz');
  const expired = await services.keys.create(
    { name: 'fuzz expired', role: 'admin', expiresAt: new Date(Date.now() - 60_000).toISOString() },
    'fuzz',
  );

  const doc = (await app.inject({ url: '/openapi.json' })).json();
  await app.inject({ url: '/docs/yaml' }); // built once and cached: keep that second out of the timings
  const ops = fuzzOperations(doc, app.routeTable);
  const digest = await stateDigestQuery(db);
  return {
    app,
    ops,
    digest,
    ctx: {
      keys: { byRole, revoked: revoked.key, expired: expired.key },
      known: {
        id: ['N1', 'SKU-1', 'web', revoked.apiKey.id],
        nodeId: ['N1', 'N2'],
        sku: ['SKU-1'],
        platform: ['shopify', 'woocommerce'],
      },
    },
    async send(r) {
      const res = await app.inject({
        method: r.method as 'GET',
        url: r.url,
        headers: r.headers,
        ...(r.payload !== undefined ? { payload: r.payload } : {}),
      });
      return {
        status: res.statusCode,
        contentType: String(res.headers['content-type'] ?? ''),
        body: res.body,
      };
    },
    async close() {
      await app.close();
      await services.availability.stop();
      await services.policies.stop();
    },
  };
}
