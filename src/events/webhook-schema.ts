import { type Static, Type } from '@sinclair/typebox';

const Url = Type.String({
  minLength: 1,
  maxLength: 2000,
  description: 'http(s) URL that receives the POSTs; redirects are not followed',
});
const EventTypes = Type.Array(Type.String({ minLength: 1, maxLength: 100 }), {
  minItems: 1,
  maxItems: 50,
  uniqueItems: true,
  description: 'Filters: "*", "family.*" (e.g. "order.*") or exact types ("order.created")',
});
const Description = Type.Union([Type.String({ maxLength: 500 }), Type.Null()]);
const Secret = Type.String({
  minLength: 1,
  maxLength: 200,
  description: 'Standard Webhooks secret: "whsec_" + base64 of 24-64 random bytes',
});

export const WebhookInput = Type.Object(
  {
    url: Url,
    eventTypes: EventTypes,
    description: Type.Optional(Description),
    secret: Type.Optional(Secret),
    active: Type.Optional(Type.Boolean({ default: true })),
  },
  { additionalProperties: false },
);
export type WebhookInput = Static<typeof WebhookInput>;

export const WebhookPatch = Type.Object(
  {
    url: Type.Optional(Url),
    eventTypes: Type.Optional(EventTypes),
    description: Type.Optional(Description),
    secret: Type.Optional(Secret),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type WebhookPatch = Static<typeof WebhookPatch>;

export const Webhook = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    url: Type.String(),
    eventTypes: Type.Array(Type.String()),
    description: Description,
    active: Type.Boolean(),
    disabledReason: Type.Union([Type.String(), Type.Null()], {
      description: 'Why OrderGrid deactivated it (e.g. the receiver answered 410 Gone)',
    }),
    cursor: Type.Integer({ description: 'Outbox position queued for delivery so far' }),
    version: Type.Integer(),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);
export type Webhook = Static<typeof Webhook>;

export const WebhookCreated = Type.Object(
  {
    webhook: Webhook,
    secret: Type.String({ description: 'The signing secret; shown only now' }),
  },
  { additionalProperties: false },
);

export const WebhookList = Type.Object({ items: Type.Array(Webhook) }, { additionalProperties: false });

export const WebhookParams = Type.Object(
  { id: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);

export const DeliveryLogQuery = Type.Object(
  {
    cursor: Type.Optional(Type.String({ description: 'nextCursor of the previous page' })),
    eventId: Type.Optional(Type.String({ format: 'uuid' })),
    status: Type.Optional(
      Type.Union(['delivered', 'failed', 'dead', 'superseded'].map((s) => Type.Literal(s))),
    ),
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
  },
  { additionalProperties: false },
);
export type DeliveryLogQuery = Static<typeof DeliveryLogQuery>;

export const DeliveryAttempt = Type.Object(
  {
    eventId: Type.String({ format: 'uuid' }),
    eventType: Type.String(),
    position: Type.Integer(),
    attempt: Type.Integer({ description: '1 for the first try of this event (since its last replay)' }),
    replay: Type.Integer({ description: '0, or how many manual replays preceded this attempt' }),
    status: Type.String({
      description:
        'delivered; failed (will retry at nextAttemptAt); dead (retries exhausted, replayable); superseded (a replay or another sender took over)',
    }),
    responseCode: Type.Union([Type.Integer(), Type.Null()]),
    durationMs: Type.Integer(),
    error: Type.Union([Type.String(), Type.Null()]),
    nextAttemptAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    attemptedAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);
export type DeliveryAttempt = Static<typeof DeliveryAttempt>;

export const DeliveryLog = Type.Object(
  {
    items: Type.Array(DeliveryAttempt),
    nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'null on the last page' }),
    pending: Type.Integer({ description: 'Events queued and not yet delivered' }),
    dead: Type.Integer({ description: 'Events whose retries are exhausted' }),
  },
  { additionalProperties: false },
);

export const ReplayInput = Type.Object(
  {
    fromPosition: Type.Integer({
      minimum: 1,
      description: 'Outbox position to re-deliver from (inclusive); the same event ids are sent again',
    }),
  },
  { additionalProperties: false },
);

export const ReplayResult = Type.Object(
  { queued: Type.Integer({ description: 'Events queued for re-delivery' }) },
  { additionalProperties: false },
);

export const TestResult = Type.Object(
  {
    ok: Type.Boolean(),
    messageId: Type.String(),
    responseCode: Type.Union([Type.Integer(), Type.Null()]),
    durationMs: Type.Integer(),
    error: Type.Union([Type.String(), Type.Null()]),
  },
  { additionalProperties: false },
);
export type TestResult = Static<typeof TestResult>;
