import { access } from '../platform/auth/roles.ts';
import type { AppInstance } from '../platform/http/app-instance.ts';
import { problemResponses } from '../platform/http/problem-responses.ts';
import { ref } from '../platform/http/schema-ref.ts';
import {
  PolicyDetail,
  PolicyDraftInput,
  PolicyList,
  PolicyParams,
  PolicyTryInput,
  PolicyTryResult,
  PolicyVersion,
  PolicyVersionParams,
} from './policy-schema.ts';
import { PolicyStore } from './policy-store.ts';
import { tryDraft } from './policy-trial.ts';

const tags = ['policies'];

export async function policyRoutes(app: AppInstance): Promise<void> {
  const { db, policies, routing } = app.services;
  // A failed re-read after the commit is not the request's failure: notification or refresh catches up.
  const store = new PolicyStore(db, { afterActivate: () => policies.reload().catch(() => undefined) });

  app.get(
    '/v1/policies',
    {
      config: { roles: access.read },
      schema: {
        tags,
        summary: 'List routing policies with their active version and draft',
        response: { 200: PolicyList, ...problemResponses },
      },
    },
    async () => ({ items: await store.list() }),
  );

  app.get(
    '/v1/policies/:id',
    {
      config: { roles: access.read },
      schema: {
        tags,
        summary: 'Get a policy: its active version and its draft',
        params: PolicyParams,
        response: { 200: PolicyDetail, ...problemResponses },
      },
    },
    async (request) => store.get(request.params.id),
  );

  app.get(
    '/v1/policies/:id/versions/:n',
    {
      config: { roles: access.read },
      schema: {
        tags,
        summary: 'Get one version of a policy (draft, active or retired)',
        params: PolicyVersionParams,
        response: { 200: ref(PolicyVersion), ...problemResponses },
      },
    },
    async (request) => store.version(request.params.id, request.params.n),
  );

  app.put(
    '/v1/policies/:id/draft',
    {
      config: { roles: access.admin },
      // The engine's validator judges the document (shape and rules, every problem at once, 422),
      // so the schema here documents the body and its own verdict is set aside.
      attachValidation: true,
      schema: {
        tags,
        summary: 'Create or replace the draft of a policy (validated, not yet live)',
        description:
          'The body is a routing policy document without id and version (docs/policies.md). It is validated by the routing engine, including that every node it names exists; failures are 422 invalid-policy listing every problem by JSON pointer. An identical replay changes nothing and writes no event.',
        params: PolicyParams,
        body: PolicyDraftInput,
        response: { 200: ref(PolicyVersion), 201: ref(PolicyVersion), ...problemResponses },
      },
    },
    async (request, reply) => {
      const { draft, created } = await store.putDraft(
        request.params.id,
        request.body as unknown,
        request.principal.name,
      );
      return reply.status(created ? 201 : 200).send(draft);
    },
  );

  app.post(
    '/v1/policies/:id/activate',
    {
      config: { roles: access.admin },
      schema: {
        tags,
        summary: 'Activate the draft: it becomes the active version, the previous one is retired',
        description:
          'Validates the draft again, retires the active version, writes policy.activated and notifies every instance, in one transaction. 409 policy-draft-not-found when there is no draft (e.g. a concurrent activation took it).',
        params: PolicyParams,
        response: { 200: ref(PolicyVersion), ...problemResponses },
      },
    },
    async (request) => store.activate(request.params.id, request.principal.name),
  );

  app.post(
    '/v1/policies/:id/draft/try',
    {
      config: { roles: access.admin },
      schema: {
        tags,
        summary: 'Try the draft on recent orders against the active version (cost, splits, speed)',
        description:
          'Re-routes the stored routing inputs of the most recent orders with the draft and with the active version through the same engine, and returns per-policy totals and their difference. Changes nothing.',
        params: PolicyParams,
        body: PolicyTryInput,
        response: { 200: PolicyTryResult, ...problemResponses },
      },
    },
    async (request) => {
      const { draft, active } = await store.draftAndActive(request.params.id);
      return tryDraft(db, routing, {
        policyId: request.params.id,
        draft,
        active,
        orders: request.body.orders,
      });
    },
  );
}
