import { Type } from '@sinclair/typebox';
import { access } from '../platform/auth/roles.ts';
import type { AppInstance } from '../platform/http/app-instance.ts';
import { problemResponses } from '../platform/http/problem-responses.ts';
import { ref } from '../platform/http/schema-ref.ts';
import {
  Channel,
  ChannelId,
  ChannelInput,
  ChannelList,
  ChannelListQuery,
  ChannelPatch,
} from './channel-schema.ts';
import { ChannelService } from './channel-service.ts';

const Params = Type.Object({ id: ChannelId }, { additionalProperties: false });
const tags = ['channels'];

export async function channelRoutes(app: AppInstance): Promise<void> {
  const channels = new ChannelService(app.services.db);

  app.get(
    '/v1/channels',
    {
      config: { roles: access.read },
      schema: {
        tags,
        summary: 'List sales channels and their availability rules',
        querystring: ChannelListQuery,
        response: { 200: ChannelList, ...problemResponses },
      },
    },
    async (request) => channels.list(request.query),
  );

  app.get(
    '/v1/channels/:id',
    {
      config: { roles: access.read },
      schema: {
        tags,
        summary: 'Get one channel',
        params: Params,
        response: { 200: ref(Channel), ...problemResponses },
      },
    },
    async (request) => channels.get(request.params.id),
  );

  app.put(
    '/v1/channels/:id',
    {
      config: { roles: access.manage },
      schema: {
        tags,
        summary: 'Create or replace a channel (idempotent)',
        description:
          'The channel sees network ATP minus its buffer (units, then percent rounded up), capped, over the nodes its allowedNodes rule admits.',
        params: Params,
        body: ChannelInput,
        response: { 200: ref(Channel), 201: ref(Channel), ...problemResponses },
      },
    },
    async (request, reply) => {
      const { channel, created } = await channels.put(
        request.params.id,
        request.body,
        request.principal.name,
      );
      return reply.status(created ? 201 : 200).send(channel);
    },
  );

  app.patch(
    '/v1/channels/:id',
    {
      config: { roles: access.manage },
      schema: {
        tags,
        summary: 'Change some fields of a channel (buffer and allowedNodes are replaced whole)',
        params: Params,
        body: ChannelPatch,
        response: { 200: ref(Channel), ...problemResponses },
      },
    },
    async (request) => channels.patch(request.params.id, request.body, request.principal.name),
  );

  app.delete(
    '/v1/channels/:id',
    {
      config: { roles: access.manage },
      schema: {
        tags,
        summary: 'Delete a channel',
        params: Params,
        response: { 204: Type.Null(), ...problemResponses },
      },
    },
    async (request, reply) => {
      await channels.delete(request.params.id, request.principal.name);
      return reply.status(204).send(null);
    },
  );
}
