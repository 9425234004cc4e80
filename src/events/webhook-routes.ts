import { Type } from '@sinclair/typebox';
import { access } from '../platform/auth/roles.ts';
import type { AppInstance } from '../platform/http/app-instance.ts';
import { problemResponses } from '../platform/http/problem-responses.ts';
import { readDeliveryLog } from './webhook-log.ts';
import {
  DeliveryLog,
  DeliveryLogQuery,
  ReplayInput,
  ReplayResult,
  TestResult,
  Webhook,
  WebhookCreated,
  WebhookInput,
  WebhookList,
  WebhookParams,
  WebhookPatch,
} from './webhook-schema.ts';
import { WebhookService } from './webhook-service.ts';
import { sendTestMessage } from './webhook-test-message.ts';

const tags = ['webhooks'];
const roles = access.admin;

export async function webhookRoutes(app: AppInstance): Promise<void> {
  const webhooks = new WebhookService(app.services.db);

  app.post(
    '/v1/webhooks',
    {
      config: { roles },
      schema: {
        tags,
        summary: 'Subscribe a URL to events',
        description:
          'Deliveries are signed per Standard Webhooks with the returned secret (shown only now; generated unless given). Events after this moment are delivered; use replay for earlier ones.',
        body: WebhookInput,
        response: { 201: WebhookCreated, ...problemResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await webhooks.create(request.body, request.principal.name)),
  );

  app.get(
    '/v1/webhooks',
    {
      config: { roles },
      schema: {
        tags,
        summary: 'List webhook subscriptions',
        response: { 200: WebhookList, ...problemResponses },
      },
    },
    async () => webhooks.list(),
  );

  app.get(
    '/v1/webhooks/:id',
    {
      config: { roles },
      schema: {
        tags,
        summary: 'Get one webhook subscription',
        params: WebhookParams,
        response: { 200: Webhook, ...problemResponses },
      },
    },
    async (request) => webhooks.get(request.params.id),
  );

  app.patch(
    '/v1/webhooks/:id',
    {
      config: { roles },
      schema: {
        tags,
        summary: 'Change a subscription (url, eventTypes, description, secret, active)',
        description:
          'Setting active to false pauses delivery; setting it back to true resumes where it stopped.',
        params: WebhookParams,
        body: WebhookPatch,
        response: { 200: Webhook, ...problemResponses },
      },
    },
    async (request) => webhooks.patch(request.params.id, request.body, request.principal.name),
  );

  app.delete(
    '/v1/webhooks/:id',
    {
      config: { roles },
      schema: {
        tags,
        summary: 'Delete a subscription and its delivery log',
        params: WebhookParams,
        response: { 204: Type.Null(), ...problemResponses },
      },
    },
    async (request, reply) => {
      await webhooks.delete(request.params.id, request.principal.name);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/v1/webhooks/:id/deliveries',
    {
      config: { roles },
      schema: {
        tags,
        summary: 'The delivery log: one entry per attempt, newest first',
        params: WebhookParams,
        querystring: DeliveryLogQuery,
        response: { 200: DeliveryLog, ...problemResponses },
      },
    },
    async (request) => readDeliveryLog(app.services.db, request.params.id, request.query),
  );

  app.post(
    '/v1/webhooks/:id/replay',
    {
      config: { roles },
      schema: {
        tags,
        summary: 'Re-deliver matching events from an outbox position on (same event ids)',
        params: WebhookParams,
        body: ReplayInput,
        response: { 202: ReplayResult, ...problemResponses },
      },
    },
    async (request, reply) => {
      const queued = await webhooks.replay(
        request.params.id,
        request.body.fromPosition,
        request.principal.name,
      );
      return reply.status(202).send({ queued });
    },
  );

  app.post(
    '/v1/webhooks/:id/test',
    {
      config: { roles },
      schema: {
        tags,
        summary: 'Send a signed "webhook.test" message now and report the answer',
        description: 'Not queued, retried or logged; its webhook-id is new each time.',
        params: WebhookParams,
        response: { 200: TestResult, ...problemResponses },
      },
    },
    async (request) => sendTestMessage(await webhooks.secretAndUrl(request.params.id), request.params.id),
  );
}
