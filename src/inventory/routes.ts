import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { assertNodeAccess } from '../platform/auth/node-access.ts';
import { access, type Role } from '../platform/auth/roles.ts';
import type { AppInstance } from '../platform/http/app-instance.ts';
import { problemResponses } from '../platform/http/problem-responses.ts';
import { feedRowsFromCsv, feedRowsFromJson } from './feed-input.ts';
import type { FeedRow } from './feed-rows.ts';
import { applyFeed } from './feed-service.ts';
import { getIncoming, listIncoming, putIncoming } from './incoming-service.ts';
import {
  type Adjustment,
  AdjustmentBody,
  type Count,
  CountBody,
  FeedReportSchema,
  IncomingId,
  IncomingInput,
  IncomingQuery,
  IncomingSupply,
  MovementPage,
  MovementQuery,
  NodeKind,
  Position,
  PositionDetail,
  PositionListQuery,
  PositionPage,
  PositionParams,
  PositionSettings,
  SafetyStockChange,
  SafetyStockConfig,
  SafetyStockValue,
} from './inventory-schema.ts';
import { getPositionDetail, listMovements, listPositions } from './position-service.ts';
import { reservationRoutes } from './reservation-routes.ts';
import {
  getSafetyStockConfig,
  setKindSafetyStock,
  setNodeSafetyStock,
  setPositionSettings,
} from './safety-stock-service.ts';

const tags = ['inventory'];
/** Bulk feeds: a million CSV rows is about 60 MB. */
const FEED_BODY_LIMIT = 200 * 1024 * 1024;
/** Associates record what happens at their own node (damage, shrink, cycle counts); feeds are integrations. */
const nodeUpdateRoles: readonly Role[] = [...access.integrate, 'associate'];

export function correlationOf(request: FastifyRequest): string | null {
  const header = request.headers['x-correlation-id'];
  return typeof header === 'string' && header.length > 0 && header.length <= 200 ? header : null;
}

function onlyNodes(request: FastifyRequest): string[] | undefined {
  return request.principal.role === 'associate' ? request.principal.nodeIds : undefined;
}

function adjustmentRows(body: Adjustment | Adjustment[]): FeedRow[] {
  const list = Array.isArray(body) ? body : [body];
  return feedRowsFromJson(list.map((a) => ({ ...a, kind: a.kind ?? 'adjustment' })));
}

function countRows(body: Count | Count[]): FeedRow[] {
  const list = Array.isArray(body) ? body : [body];
  return feedRowsFromJson(list.map(({ countedAt, ...c }) => ({ ...c, kind: 'count', asOf: countedAt })));
}

export async function inventoryRoutes(app: AppInstance): Promise<void> {
  const db = app.services.db;
  // Scoped to this plugin: only the inventory routes take CSV.
  app.addContentTypeParser(
    'text/csv',
    { parseAs: 'string', bodyLimit: FEED_BODY_LIMIT },
    (_req, body, done) => done(null, body),
  );

  app.get(
    '/v1/inventory/positions',
    {
      config: { roles: access.read },
      schema: {
        tags,
        summary: 'Export positions (on hand, reserved, safety stock, ATP) in (node, sku) order',
        description: 'Associates see their own nodes. Pass nextCursor as cursor to continue.',
        querystring: PositionListQuery,
        response: { 200: PositionPage, ...problemResponses },
      },
    },
    async (request) => {
      if (request.query.nodeId) assertNodeAccess(request.principal, request.query.nodeId);
      return listPositions(db, request.query, onlyNodes(request));
    },
  );

  app.get(
    '/v1/inventory/:nodeId/:sku',
    {
      config: { roles: access.read },
      schema: {
        tags,
        summary: 'One position with its incoming supply and future ATP by date',
        params: PositionParams,
        response: { 200: PositionDetail, ...problemResponses },
      },
    },
    async (request) => {
      assertNodeAccess(request.principal, request.params.nodeId);
      return getPositionDetail(db, request.params.nodeId, request.params.sku);
    },
  );

  app.get(
    '/v1/inventory/:nodeId/:sku/movements',
    {
      config: { roles: access.read },
      schema: {
        tags,
        summary: 'The ledger of one position, oldest first',
        params: PositionParams,
        querystring: MovementQuery,
        response: { 200: MovementPage, ...problemResponses },
      },
    },
    async (request) => {
      assertNodeAccess(request.principal, request.params.nodeId);
      return listMovements(db, request.params.nodeId, request.params.sku, request.query);
    },
  );

  app.post(
    '/v1/inventory/adjustments',
    {
      config: { roles: nodeUpdateRoles },
      schema: {
        tags,
        summary:
          'Apply on-hand deltas (receipts, till sales, shrink, damage...): one or an array, all or nothing',
        description:
          'Each update carries source + sourceId (applied once) and a sequence or asOf; stale ones are skipped and listed. One inventory.adjusted event per position changed.',
        body: AdjustmentBody,
        response: { 200: FeedReportSchema, ...problemResponses },
      },
    },
    async (request) => {
      const rows = adjustmentRows(request.body);
      for (const r of rows) assertNodeAccess(request.principal, r.nodeId);
      return applyFeed(db, rows, { actor: request.principal.name, correlationId: correlationOf(request) });
    },
  );

  app.post(
    '/v1/inventory/counts',
    {
      config: { roles: nodeUpdateRoles },
      schema: {
        tags,
        summary: 'Apply absolute counts taken at countedAt: one or an array, all or nothing',
        description:
          'A count at T sets on hand to counted + the movements recorded after T, so later reservations, receipts and shipments are kept. A count not newer than the last applied count is stale.',
        body: CountBody,
        response: { 200: FeedReportSchema, ...problemResponses },
      },
    },
    async (request) => {
      const rows = countRows(request.body);
      for (const r of rows) assertNodeAccess(request.principal, r.nodeId);
      return applyFeed(db, rows, { actor: request.principal.name, correlationId: correlationOf(request) });
    },
  );

  app.post(
    '/v1/inventory/feeds',
    {
      config: { roles: access.integrate },
      bodyLimit: FEED_BODY_LIMIT,
      schema: {
        tags,
        summary: 'Bulk feed: deltas and counts as a JSON array (or { rows }) or text/csv with a header line',
        description:
          'Columns/fields: kind (receipt, adjustment, return-restock, transfer-in, transfer-out, count), nodeId, sku, quantity, source, sourceId, sequence, asOf, reason, correlationId. All or nothing on invalid rows; stale and duplicate rows are skipped and counted. One inventory.feed-imported event per batch.',
        body: Type.Union([
          Type.Array(Type.Unknown()),
          Type.Object({ rows: Type.Array(Type.Unknown()) }, { additionalProperties: false }),
          Type.String({ description: 'text/csv' }),
        ]),
        response: { 200: FeedReportSchema, ...problemResponses },
      },
    },
    async (request) => {
      const body = request.body;
      const rows =
        typeof body === 'string'
          ? feedRowsFromCsv(body)
          : feedRowsFromJson(Array.isArray(body) ? body : body.rows);
      return applyFeed(db, rows, {
        actor: request.principal.name,
        correlationId: correlationOf(request),
        bulk: true,
      });
    },
  );

  app.put(
    '/v1/inventory/incoming/:id',
    {
      config: { roles: access.integrate },
      schema: {
        tags,
        summary: 'Create or replace expected supply (purchase order or transfer line)',
        params: Type.Object({ id: IncomingId }, { additionalProperties: false }),
        body: IncomingInput,
        response: { 200: IncomingSupply, 201: IncomingSupply, ...problemResponses },
      },
    },
    async (request, reply) => {
      const { incoming, created } = await putIncoming(
        db,
        request.params.id,
        request.body,
        request.principal.name,
      );
      return reply.status(created ? 201 : 200).send(incoming);
    },
  );

  app.get(
    '/v1/inventory/incoming',
    {
      config: { roles: access.read },
      schema: {
        tags,
        summary: 'List expected supply',
        querystring: IncomingQuery,
        response: {
          200: Type.Object(
            { items: Type.Array(IncomingSupply), nextCursor: Type.Union([Type.String(), Type.Null()]) },
            { additionalProperties: false },
          ),
          ...problemResponses,
        },
      },
    },
    async (request) => listIncoming(db, request.query, onlyNodes(request)),
  );

  app.get(
    '/v1/inventory/incoming/:id',
    {
      config: { roles: access.read },
      schema: {
        tags,
        summary: 'One expected supply',
        params: Type.Object({ id: IncomingId }, { additionalProperties: false }),
        response: { 200: IncomingSupply, ...problemResponses },
      },
    },
    async (request) => {
      const incoming = await getIncoming(db, request.params.id);
      assertNodeAccess(request.principal, incoming.nodeId);
      return incoming;
    },
  );

  app.get(
    '/v1/inventory/safety-stock',
    {
      config: { roles: access.read },
      schema: {
        tags,
        summary: 'Safety stock defaults per node kind and per-node values',
        response: { 200: SafetyStockConfig, ...problemResponses },
      },
    },
    async () => getSafetyStockConfig(db),
  );

  app.put(
    '/v1/inventory/safety-stock/kinds/:kind',
    {
      config: { roles: access.manage },
      schema: {
        tags,
        summary: 'Set (null: clear) the default safety stock of a node kind',
        params: Type.Object({ kind: NodeKind }, { additionalProperties: false }),
        body: SafetyStockValue,
        response: { 200: SafetyStockChange, ...problemResponses },
      },
    },
    async (request) =>
      setKindSafetyStock(db, request.params.kind, request.body.safetyStock, request.principal.name),
  );

  app.put(
    '/v1/inventory/safety-stock/nodes/:nodeId',
    {
      config: { roles: access.manage },
      schema: {
        tags,
        summary: "Set (null: clear) a node's safety stock, overriding its kind's default",
        params: Type.Object({ nodeId: PositionParams.properties.nodeId }, { additionalProperties: false }),
        body: SafetyStockValue,
        response: { 200: SafetyStockChange, ...problemResponses },
      },
    },
    async (request) =>
      setNodeSafetyStock(db, request.params.nodeId, request.body.safetyStock, request.principal.name),
  );

  app.patch(
    '/v1/inventory/:nodeId/:sku',
    {
      config: { roles: access.manage },
      schema: {
        tags,
        summary: "Set a position's own safety stock (safetyOverride) and reorder point",
        params: PositionParams,
        body: PositionSettings,
        response: { 200: Position, ...problemResponses },
      },
    },
    async (request) =>
      setPositionSettings(
        db,
        request.params.nodeId,
        request.params.sku,
        request.body,
        request.principal.name,
      ),
  );

  await app.register(reservationRoutes);
}
