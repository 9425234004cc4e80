import { type Kysely, type Migration, sql } from 'kysely';

/** Notified (payload: the policy id) in the transaction that activates a version. */
export const POLICIES_CHANNEL = 'ordergrid_policies';

/** Routing policies own 0045–0049 (within the orders and fulfilment range). */
export const policyMigrations: Record<string, Migration> = {
  '0045-routing-policies': {
    async up(db: Kysely<unknown>) {
      // The partial unique indexes are what makes "exactly one active version" hold under
      // concurrent activations, whatever the application does.
      await sql`
        CREATE TABLE routing_policies (
          id text NOT NULL,
          version integer NOT NULL CHECK (version >= 1),
          document jsonb NOT NULL CHECK (jsonb_typeof(document) = 'object'),
          status text NOT NULL CHECK (status IN ('draft', 'active', 'retired')),
          created_at timestamptz NOT NULL DEFAULT now(),
          created_by text NOT NULL,
          updated_at timestamptz NOT NULL DEFAULT now(),
          activated_at timestamptz,
          retired_at timestamptz,
          PRIMARY KEY (id, version),
          CHECK ((status = 'draft') = (activated_at IS NULL)),
          CHECK ((status = 'retired') = (retired_at IS NOT NULL))
        );
        CREATE UNIQUE INDEX routing_policies_one_active ON routing_policies (id) WHERE status = 'active';
        CREATE UNIQUE INDEX routing_policies_one_draft ON routing_policies (id) WHERE status = 'draft';
      `.execute(db);
    },
  },
  '0046-default-policy': {
    async up(db: Kysely<unknown>) {
      // The engine's DEFAULT_POLICY ({ id: 'default', version: 1 }) as version 1 of the live policy,
      // so the store and the engine agree from the first start (reference data: no event).
      await sql`
        INSERT INTO routing_policies (id, version, document, status, created_by, activated_at)
        VALUES ('default', 1, '{}', 'active', 'system', now())
        ON CONFLICT DO NOTHING;
      `.execute(db);
    },
  },
};
