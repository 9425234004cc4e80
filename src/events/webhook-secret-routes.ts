import { access } from '../platform/auth/roles.ts';
import type { AppInstance } from '../platform/http/app-instance.ts';
import { problemResponses } from '../platform/http/problem-responses.ts';
import { WebhookCreated, WebhookParams } from './webhook-schema.ts';
import { WebhookService } from './webhook-service.ts';

/** Secret rotation: the one route that returns a signing secret after creation (docs/webhooks.md). */
export async function webhookSecretRoutes(app: AppInstance): Promise<void> {
  const webhooks = new WebhookService(app.services.db);
  app.post(
    '/v1/webhooks/:id/rotate-secret',
    {
      config: { roles: access.admin },
      schema: {
        tags: ['webhooks'],
        summary: 'Replace the signing secret with a generated one and return it (shown only now)',
        description:
          'The next delivery attempt is signed with the new secret. Stored encrypted; 503 secret-key-missing when this instance has no ORDERGRID_SECRET_KEY.',
        params: WebhookParams,
        response: { 200: WebhookCreated, ...problemResponses },
      },
    },
    async (request) => webhooks.rotateSecret(request.params.id, request.principal.name),
  );
}
