import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { assertNodeAccess } from '../platform/auth/node-access.ts';
import { access } from '../platform/auth/roles.ts';
import type { AppInstance } from '../platform/http/app-instance.ts';
import { problemResponses } from '../platform/http/problem-responses.ts';
import { consumeReservation, reassignReservation, releaseReservation } from './reservation-changes.ts';
import {
  ConsumeRequest,
  ReassignRequest,
  ReassignResult,
  ReleaseRequest,
  Reservation,
  ReserveRequest,
  ReserveResult,
} from './reservation-schema.ts';
import { getReservation, reserve } from './reservation-service.ts';

const tags = ['reservations'];
const Params = Type.Object({ id: Type.String({ format: 'uuid' }) }, { additionalProperties: false });

function context(request: FastifyRequest) {
  const header = request.headers['x-correlation-id'];
  return {
    actor: request.principal.name,
    correlationId: typeof header === 'string' && header.length > 0 && header.length <= 200 ? header : null,
  };
}

export async function reservationRoutes(app: AppInstance): Promise<void> {
  const db = app.services.db;
  // release and consume may be sent without a body ("all of it").
  app.addHook('preValidation', async (request) => {
    if (request.body === undefined && request.method === 'POST') (request as { body: unknown }).body = {};
  });

  app.post(
    '/v1/reservations',
    {
      config: { roles: access.integrate },
      schema: {
        tags,
        summary: 'Reserve units for several lines and nodes: all or nothing',
        description:
          '201 with the reservations, or 200 with { ok: false, reason: "insufficient-stock", shortages } naming each short line. With idempotencyKey a retry returns the first success again.',
        body: ReserveRequest,
        response: { 200: ReserveResult, 201: ReserveResult, ...problemResponses },
      },
    },
    async (request, reply) => {
      const result = await reserve(db, request.body, context(request));
      return reply.status(result.ok ? 201 : 200).send(result);
    },
  );

  app.get(
    '/v1/reservations/:id',
    {
      config: { roles: access.read },
      schema: {
        tags,
        summary: 'One reservation',
        params: Params,
        response: { 200: Reservation, ...problemResponses },
      },
    },
    async (request) => {
      const reservation = await getReservation(db, request.params.id);
      assertNodeAccess(request.principal, reservation.nodeId);
      return reservation;
    },
  );

  app.post(
    '/v1/reservations/:id/release',
    {
      config: { roles: access.integrate },
      schema: {
        tags,
        summary: 'Release some or all units of a reservation',
        params: Params,
        body: ReleaseRequest,
        response: { 200: Reservation, ...problemResponses },
      },
    },
    async (request) => releaseReservation(db, request.params.id, request.body, context(request)),
  );

  app.post(
    '/v1/reservations/:id/consume',
    {
      config: { roles: access.integrate },
      schema: {
        tags,
        summary: 'Ship reserved units: reserved and on hand both go down',
        params: Params,
        body: ConsumeRequest,
        response: { 200: Reservation, ...problemResponses },
      },
    },
    async (request) => consumeReservation(db, request.params.id, request.body, context(request)),
  );

  app.post(
    '/v1/reservations/:id/reassign',
    {
      config: { roles: access.integrate },
      schema: {
        tags,
        summary: 'Move a reservation to another node atomically',
        description:
          '200 with { ok: true, reservation } or { ok: false, reason: "insufficient-stock", shortages }.',
        params: Params,
        body: ReassignRequest,
        response: { 200: ReassignResult, ...problemResponses },
      },
    },
    async (request) => reassignReservation(db, request.params.id, request.body, context(request)),
  );
}
