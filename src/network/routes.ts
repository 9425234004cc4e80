import { Type } from '@sinclair/typebox';
import { assertNodeAccess } from '../platform/auth/node-access.ts';
import { access } from '../platform/auth/roles.ts';
import type { AppInstance } from '../platform/http/app-instance.ts';
import { problemResponses } from '../platform/http/problem-responses.ts';
import { ref } from '../platform/http/schema-ref.ts';
import { Node, NodeId, NodeInput, NodeListQuery, NodePage, NodePatch } from './node-schema.ts';
import { NodeService } from './node-service.ts';

const Params = Type.Object({ id: NodeId }, { additionalProperties: false });
const tags = ['network'];

export async function networkRoutes(app: AppInstance): Promise<void> {
  const nodes = new NodeService(app.services.db);

  app.get(
    '/v1/nodes',
    {
      config: { roles: access.read },
      schema: {
        tags,
        summary: 'List fulfilment nodes (associates see their own)',
        querystring: NodeListQuery,
        response: { 200: NodePage, ...problemResponses },
      },
    },
    async (request) =>
      nodes.list(
        request.query,
        request.principal.role === 'associate' ? request.principal.nodeIds : undefined,
      ),
  );

  app.get(
    '/v1/nodes/:id',
    {
      config: { roles: access.read },
      schema: {
        tags,
        summary: 'Get one node',
        params: Params,
        response: { 200: ref(Node), ...problemResponses },
      },
    },
    async (request) => {
      assertNodeAccess(request.principal, request.params.id);
      return nodes.get(request.params.id);
    },
  );

  app.put(
    '/v1/nodes/:id',
    {
      config: { roles: access.manage },
      schema: {
        tags,
        summary: 'Create or replace a node (idempotent)',
        description: 'lat/lon may be omitted when address.postalCode (US) or address.city locates the node.',
        params: Params,
        body: NodeInput,
        response: { 200: ref(Node), 201: ref(Node), ...problemResponses },
      },
    },
    async (request, reply) => {
      const { node, created } = await nodes.put(request.params.id, request.body, request.principal.name);
      return reply.status(created ? 201 : 200).send(node);
    },
  );

  app.patch(
    '/v1/nodes/:id',
    {
      config: { roles: access.manage },
      schema: {
        tags,
        summary: 'Change some fields of a node (e.g. status, capacity)',
        params: Params,
        body: NodePatch,
        response: { 200: ref(Node), ...problemResponses },
      },
    },
    async (request) => nodes.patch(request.params.id, request.body, request.principal.name),
  );

  app.delete(
    '/v1/nodes/:id',
    {
      config: { roles: access.admin },
      schema: {
        tags,
        summary: 'Delete a node that holds no stock or work',
        params: Params,
        response: { 204: Type.Null(), ...problemResponses },
      },
    },
    async (request, reply) => {
      await nodes.delete(request.params.id, request.principal.name);
      return reply.status(204).send(null);
    },
  );
}
