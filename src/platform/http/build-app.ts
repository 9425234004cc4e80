import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyServerOptions } from 'fastify';
import { Item } from '../../catalog/item-schema.ts';
import { catalogRoutes } from '../../catalog/routes.ts';
import { availabilityFeedRoutes } from '../../channels/availability-feed-routes.ts';
import { Channel } from '../../channels/channel-schema.ts';
import { channelRoutes } from '../../channels/routes.ts';
import { Event } from '../../events/event-schema.ts';
import { eventRoutes } from '../../events/routes.ts';
import { webhookSecretRoutes } from '../../events/webhook-secret-routes.ts';
import { fulfilmentOptionRoutes } from '../../fulfilment/options-routes.ts';
import { policyRoutes } from '../../fulfilment/policy-routes.ts';
import { PolicyVersion } from '../../fulfilment/policy-schema.ts';
import { fulfilmentRoutes } from '../../fulfilment/routes.ts';
import { shipmentExportRoutes } from '../../fulfilment/shipment-export-routes.ts';
import { availabilityRoutes } from '../../inventory/availability-routes.ts';
import { positionExportRoutes } from '../../inventory/position-export-routes.ts';
import { inventoryRoutes } from '../../inventory/routes.ts';
import { destinationRoutes } from '../../network/destination-routes.ts';
import { Node } from '../../network/node-schema.ts';
import { networkRoutes } from '../../network/routes.ts';
import { connectorRoutes } from '../../orders/connector-routes.ts';
import { orderRoutes } from '../../orders/routes.ts';
import { returnExportRoutes } from '../../returns/return-export-routes.ts';
import { ReturnView } from '../../returns/return-schema.ts';
import { returnRoutes } from '../../returns/routes.ts';
import { installAuth } from '../auth/auth-hook.ts';
import { keyRoutes } from '../auth/key-routes.ts';
import { ApiKey } from '../auth/key-schema.ts';
import { type Config, type HttpSettings, loadConfig } from '../config/config.ts';
import { ProblemSchema } from '../errors/problem.ts';
import type { Services } from '../services.ts';
import type { AppInstance, RouteInfo } from './app-instance.ts';
import { clientErrorHandler, frameworkErrors } from './client-error-handler.ts';
import { consoleStatic } from './console-static.ts';
import { installErrorHandling } from './error-handler.ts';
import { installMetrics } from './metrics.ts';
import { installOpenApi } from './openapi.ts';
import { installRateLimits } from './rate-limit.ts';
import { RequestLog, type RequestLogSettings, requestLogSettings } from './request-log.ts';
import { systemRoutes } from './system-routes.ts';
import { validatorCompiler } from './validator-compiler.ts';

export interface BuildAppOptions {
  services: Services;
  logger?: FastifyServerOptions['logger'];
  /** Rate limits, size limits and timeouts; read from the environment when absent. */
  limits?: Pick<Config, 'rateLimit' | 'http'>;
  /** Which requests are logged; ORDERGRID_REQUEST_LOG and ORDERGRID_SLOW_REQUEST_MS when absent. */
  requestLog?: RequestLogSettings;
}

/** Node requires the head's deadline to fall within the whole request's. */
function headersTimeout(http: HttpSettings): number {
  return http.requestTimeoutMs > 0
    ? Math.min(http.headersTimeoutMs, http.requestTimeoutMs)
    : http.headersTimeoutMs;
}

/** Builds the HTTP app without listening: tests use `app.inject()`, `serve` calls `listen()`. */
export async function buildApp({
  services,
  logger = false,
  limits = loadConfig(),
  requestLog = requestLogSettings(),
}: BuildAppOptions): Promise<AppInstance> {
  const { http } = limits;
  const app = Fastify({
    logger: logger === true ? { redact: ['req.headers.authorization', 'req.headers["x-api-key"]'] } : logger,
    logController: new RequestLog(requestLog),
    bodyLimit: http.bodyLimit,
    requestTimeout: http.requestTimeoutMs,
    connectionTimeout: http.connectionTimeoutMs,
    keepAliveTimeout: http.keepAliveTimeoutMs,
    // Node checks the two timeouts below every connectionsCheckingInterval (30 s by default).
    http: {
      maxHeaderSize: http.maxHeaderBytes,
      headersTimeout: headersTimeout(http),
      connectionsCheckingInterval: 1_000,
    },
    clientErrorHandler,
    frameworkErrors,
    return503OnClosing: true,
    ajv: { customOptions: { removeAdditional: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.decorate('services', services);
  const routeTable: RouteInfo[] = [];
  app.decorate('routeTable', routeTable);
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method !== 'HEAD')
        routeTable.push({
          method,
          url: route.url,
          roles: route.config?.roles,
          hasBody: Boolean(route.schema?.body),
        });
    }
  });
  // Shared schemas are registered once at the root: routes $ref them and OpenAPI lists them as components.
  for (const schema of [ProblemSchema, Node, Item, Event, ApiKey, Channel, PolicyVersion, ReturnView])
    app.addSchema(schema);
  installErrorHandling(app);
  const registry = installMetrics(app);
  await installRateLimits(app, limits.rateLimit); // before auth: it guards against key guessing
  installAuth(app, services.keys);
  await installOpenApi(app);

  await app.register(systemRoutes, { registry });
  await app.register(consoleStatic);
  await app.register(keyRoutes);
  await app.register(eventRoutes);
  await app.register(networkRoutes);
  await app.register(destinationRoutes);
  await app.register(catalogRoutes);
  await app.register(inventoryRoutes);
  await app.register(channelRoutes);
  await app.register(availabilityFeedRoutes);
  await app.register(availabilityRoutes);
  await app.register(policyRoutes);
  await app.register(fulfilmentOptionRoutes);
  await app.register(returnRoutes);
  await app.register(orderRoutes);
  await app.register(fulfilmentRoutes);
  await app.register(connectorRoutes);
  await app.register(webhookSecretRoutes);
  await app.register(shipmentExportRoutes);
  await app.register(returnExportRoutes);
  await app.register(positionExportRoutes);
  return app;
}
