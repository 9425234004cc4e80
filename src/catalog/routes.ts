import { Type } from '@sinclair/typebox';
import { access } from '../platform/auth/roles.ts';
import type { AppInstance } from '../platform/http/app-instance.ts';
import { problemResponses } from '../platform/http/problem-responses.ts';
import { ref } from '../platform/http/schema-ref.ts';
import { Item, ItemInput, ItemListQuery, ItemPage, ItemPatch, Sku } from './item-schema.ts';
import { ItemService } from './item-service.ts';

const Params = Type.Object({ sku: Sku }, { additionalProperties: false });
const tags = ['catalog'];

export async function catalogRoutes(app: AppInstance): Promise<void> {
  const items = new ItemService(app.services.db);

  app.get(
    '/v1/items',
    {
      config: { roles: access.read },
      schema: {
        tags,
        summary: 'List items',
        querystring: ItemListQuery,
        response: { 200: ItemPage, ...problemResponses },
      },
    },
    async (request) => items.list(request.query),
  );

  app.get(
    '/v1/items/:sku',
    {
      config: { roles: access.read },
      schema: {
        tags,
        summary: 'Get one item',
        params: Params,
        response: { 200: ref(Item), ...problemResponses },
      },
    },
    async (request) => items.get(request.params.sku),
  );

  app.put(
    '/v1/items/:sku',
    {
      config: { roles: access.manage },
      schema: {
        tags,
        summary: 'Create or replace an item (idempotent)',
        params: Params,
        body: ItemInput,
        response: { 200: ref(Item), 201: ref(Item), ...problemResponses },
      },
    },
    async (request, reply) => {
      const { item, created } = await items.put(request.params.sku, request.body, request.principal.name);
      return reply.status(created ? 201 : 200).send(item);
    },
  );

  app.patch(
    '/v1/items/:sku',
    {
      config: { roles: access.manage },
      schema: {
        tags,
        summary: 'Change some fields of an item',
        params: Params,
        body: ItemPatch,
        response: { 200: ref(Item), ...problemResponses },
      },
    },
    async (request) => items.patch(request.params.sku, request.body, request.principal.name),
  );

  app.delete(
    '/v1/items/:sku',
    {
      config: { roles: access.admin },
      schema: {
        tags,
        summary: 'Delete an item that is not stocked',
        params: Params,
        response: { 204: Type.Null(), ...problemResponses },
      },
    },
    async (request, reply) => {
      await items.delete(request.params.sku, request.principal.name);
      return reply.status(204).send(null);
    },
  );
}
