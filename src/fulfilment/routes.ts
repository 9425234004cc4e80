import { Type } from '@sinclair/typebox';
import { sql } from 'kysely';
import { FulfilmentOrderView } from '../orders/order-schema.ts';
import { toFoView } from '../orders/order-view.ts';
import { eventContext } from '../orders/routes.ts';
import { assertNodeAccess } from '../platform/auth/node-access.ts';
import { access } from '../platform/auth/roles.ts';
import type { AppInstance } from '../platform/http/app-instance.ts';
import { decodeCursor, encodeCursor } from '../platform/http/cursor.ts';
import { problemResponses } from '../platform/http/problem-responses.ts';
import type { FoAction } from './fulfilment-order-states.ts';
import {
  ActionResult,
  EmptyBody,
  FoParams,
  QueuePage,
  QueueQuery,
  RejectRequest,
  ShipRequest,
  ShortPickRequest,
} from './fulfilment-schema.ts';
import { type ActionBody, actOnFo, getFoView, shortPick } from './node-work.ts';

const tags = ['fulfilment'];
const OPEN_WORK = ['released', 'accepted', 'picking', 'packed', 'ready-for-pickup'];

type Key = [string, string];
const isKey = (v: unknown): v is Key =>
  Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string';

/** What a node (store associate app, WMS, 3PL) uses: its queue and one endpoint per step. */
export async function fulfilmentRoutes(app: AppInstance): Promise<void> {
  const deps = { db: app.services.db, routing: app.services.routing };
  app.addHook('preValidation', async (request) => {
    if (request.body === undefined && request.method === 'POST') (request as { body: unknown }).body = {};
  });

  app.get(
    '/v1/nodes/:id/fulfilment-orders',
    {
      config: { roles: access.read },
      schema: {
        tags,
        summary: "A node's queue, oldest first (default: its open work)",
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }, { additionalProperties: false }),
        querystring: QueueQuery,
        response: { 200: QueuePage, ...problemResponses },
      },
    },
    async (request) => {
      const nodeId = request.params.id;
      assertNodeAccess(request.principal, nodeId);
      const q = request.query;
      const after = decodeCursor(q.cursor, isKey);
      const statuses = q.status ? q.status.split(',') : OPEN_WORK;
      let query = deps.db
        .selectFrom('fulfilment_orders')
        .selectAll()
        .where('node_id', '=', nodeId)
        .where('status', 'in', statuses)
        .orderBy('created_at')
        .orderBy('id')
        .limit(q.limit + 1);
      if (q.kind) query = query.where('kind', '=', q.kind);
      if (after)
        query = query.where(sql<boolean>`(created_at, id) > (${after[0]}::timestamptz, ${after[1]}::uuid)`);
      const rows = await query.execute();
      const page = rows.slice(0, q.limit);
      const lines = page.length
        ? await deps.db
            .selectFrom('fulfilment_order_lines')
            .selectAll()
            .where(
              'fulfilment_order_id',
              'in',
              page.map((r) => r.id),
            )
            .execute()
        : [];
      const last = page.at(-1);
      return {
        items: page.map((r) => toFoView(r, lines)),
        nextCursor:
          rows.length > q.limit && last ? encodeCursor([last.created_at.toISOString(), last.id]) : null,
      };
    },
  );

  app.get(
    '/v1/fulfilment-orders/:id',
    {
      config: { roles: access.read },
      schema: {
        tags,
        summary: 'One fulfilment order',
        params: FoParams,
        response: { 200: FulfilmentOrderView, ...problemResponses },
      },
    },
    async (request) => {
      const fo = await getFoView(deps.db, request.params.id);
      assertNodeAccess(request.principal, fo.nodeId);
      return fo;
    },
  );

  const simple: {
    action: Exclude<FoAction, 'reject' | 'ship' | 'release' | 'withdraw'>;
    summary: string;
    roles: readonly string[];
  }[] = [
    {
      action: 'accept',
      summary: 'The node takes the work (before its accept-by deadline)',
      roles: access.nodeWork,
    },
    { action: 'pick', summary: 'Picking started', roles: access.nodeWork },
    { action: 'pack', summary: 'Packed', roles: access.nodeWork },
    { action: 'ready-for-pickup', summary: 'Ready for the customer to collect', roles: access.nodeWork },
    { action: 'hand-over', summary: 'Handed to the customer (click & collect)', roles: access.nodeWork },
    { action: 'deliver', summary: 'Delivered (a carrier feed)', roles: access.integrate },
    {
      action: 'cancel',
      summary: 'Cancel this fulfilment order and its units (staff)',
      roles: access.integrate,
    },
  ];
  for (const s of simple) {
    app.post(
      `/v1/fulfilment-orders/:id/${s.action}`,
      {
        config: { roles: s.roles as typeof access.nodeWork },
        schema: {
          tags,
          summary: s.summary,
          params: FoParams,
          body:
            s.action === 'cancel'
              ? Type.Object(
                  { reason: Type.Optional(Type.String({ maxLength: 200 })) },
                  { additionalProperties: false },
                )
              : EmptyBody,
          response: { 200: ActionResult, ...problemResponses },
        },
      },
      async (request) =>
        actOnFo(
          deps,
          request.params.id,
          { action: s.action, body: request.body as { reason?: string } } as ActionBody,
          request.principal,
          eventContext(request),
        ),
    );
  }

  app.post(
    '/v1/fulfilment-orders/:id/reject',
    {
      config: { roles: access.nodeWork },
      schema: {
        tags,
        summary: 'The node cannot do it: its units are routed again without this node',
        description:
          'out-of-stock and damaged also correct the node’s on hand for those units; no-capacity fills its day.',
        params: FoParams,
        body: RejectRequest,
        response: { 200: ActionResult, ...problemResponses },
      },
    },
    async (request) =>
      actOnFo(
        deps,
        request.params.id,
        { action: 'reject', body: request.body },
        request.principal,
        eventContext(request),
      ),
  );

  app.post(
    '/v1/fulfilment-orders/:id/ship',
    {
      config: { roles: access.nodeWork },
      schema: {
        tags,
        summary: 'Shipped with carrier and tracking number (reservations consumed)',
        params: FoParams,
        body: ShipRequest,
        response: { 200: ActionResult, ...problemResponses },
      },
    },
    async (request) =>
      actOnFo(
        deps,
        request.params.id,
        { action: 'ship', body: request.body },
        request.principal,
        eventContext(request),
      ),
  );

  app.post(
    '/v1/fulfilment-orders/:id/short-pick',
    {
      config: { roles: access.nodeWork },
      schema: {
        tags,
        summary: 'Some units were not found: they are routed again elsewhere',
        params: FoParams,
        body: ShortPickRequest,
        response: { 200: ActionResult, ...problemResponses },
      },
    },
    async (request) =>
      shortPick(deps, request.params.id, request.body, request.principal, eventContext(request)),
  );
}
