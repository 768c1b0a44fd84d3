/**
 * The OpenAPI 3.1 document of the public API, built from the same zod schemas the handlers validate
 * with: no JSON Schema is written by hand. `npm run openapi` writes it to `docs/openapi.json`; a unit
 * test fails when the committed file and this builder disagree.
 *
 * Tooling only: no handler imports this module, so `toJSONSchema` stays out of the Lambda bundles.
 */
import * as z from 'zod/mini';
import type * as core from 'zod/v4/core';
import type {
  DeadLetterMessage,
  DeadLetterQueues,
  DeadLetterQueueView,
  Redrive,
  RedriveStatus,
} from '../dead-letters/dead-letter-queues.js';
import { DEAD_LETTER_QUEUE_NAME } from '../dead-letters/env.js';
import { peekMessagesQuery, redriveBody } from '../dead-letters/schemas.js';
import { BEFORE_REASONS } from '../domain/risk/before.js';
import type { RiskRating } from '../domain/risk/rating.js';
import type { ReviewStatus } from '../domain/risk/review.js';
import { RISK_REASONS } from '../domain/risk/score.js';
import type { RiskSummary } from '../store/dynamodb/risk-summary-reads.js';
import type { OutcomeResult } from '../store/ports.js';
import { DEFAULT_MAX_RECEIVE_COUNT } from '../webhooks/backoff.js';
import { DELIVERY_TIMEOUT_MS } from '../webhooks/deliver.js';
import { PAYMENTS_SIGNATURE_HEADER, SECRET_PREFIX } from '../webhooks/signature.js';
import { listResponse } from './common.js';
import { DOCUMENTED_AS } from './documented.js';
import { type DetailType, EVENT_SOURCE, eventDetailSchemas, eventPaymentSchema } from './events.js';
import {
  channelSchema,
  createPaymentBody,
  listPaymentsQuery,
  metadataSchema,
  paymentIdSchema,
  paymentSchema,
  riskSchema,
} from './payment.js';
import { PROBLEMS, type ProblemCode, problemSchema } from './problem.js';
import {
  discrepancyIdSchema,
  discrepancySchema,
  listDiscrepanciesQuery,
  reconciliationRunIdSchema,
  reconciliationRunSchema,
  resolveDiscrepancyBody,
  startReconciliationRunBody,
  uploadStatementQuery,
} from './reconciliation.js';
import { createRefundBody, refundSchema } from './refund.js';
import { riskProfileSchema } from './risk-profile.js';
import {
  createFraudReportBody,
  fraudReportSchema,
  reviewPaymentBody,
  riskSummaryQuery,
} from './risk-routes.js';
import { SANDBOX_EVENT_TYPES, sandboxWebhookSchema } from './sandbox-webhook.js';
import {
  getSettlementQuery,
  listSettlementsQuery,
  settlementIdSchema,
  settlementRunIdSchema,
  settlementRunSchema,
  settlementSchema,
  startSettlementRunBody,
} from './settlement.js';
import {
  createWebhookEndpointBody,
  listWebhookDeliveriesQuery,
  WEBHOOK_EVENT_TYPES,
  type WebhookEventType,
  webhookDeliverySchema,
  webhookEndpointIdSchema,
  webhookEndpointSchema,
  webhookPayloadSchema,
} from './webhooks.js';

type JsonSchema = core.JSONSchema.BaseSchema;
type Registry = core.$ZodRegistry<{ id: string; description?: string }>;

const REF = '#/components/schemas/';

/** True when `A` and `B` are assignable both ways: a schema written here cannot drift from its type. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/**
 * Response bodies that no handler validates, so they have no schema elsewhere. Written here in zod,
 * like every other schema of the document.
 */
const healthSchema = z.object({ status: z.literal('ok') });
/** The outcomes a callback answers 200 with (`unknown_reference` answers 422); typed, so none is missed. */
type AcceptedOutcome = Exclude<OutcomeResult['kind'], 'unknown_reference'>;
const ACCEPTED_OUTCOMES = {
  applied: 'applied',
  already_applied: 'already_applied',
  conflict: 'conflict',
  mismatch: 'mismatch',
} as const satisfies { [K in AcceptedOutcome]: K };
const callbackReceiptSchema = z.object({ received: z.literal(true), result: z.enum(ACCEPTED_OUTCOMES) });

/** A reviewed payment is `released` or `rejected`; `held` is what a review decides on, never its answer. */
const REVIEWED = ['released', 'rejected'] as const satisfies readonly ReviewStatus[];
/** `POST /v1/ops/payments/{id}/review` answers the payment with its `reviewStatus` beside it. */
const reviewedPaymentSchema = z.extend(paymentSchema, { reviewStatus: z.enum(REVIEWED) });

/** `GET /v1/ops/merchants/{merchantId}/risk-summary` (shared/store/dynamodb/risk-summary-reads.ts). */
const count = z.int().check(z.minimum(0));
const perCurrency = z.record(z.string(), z.int());
const riskSummarySchema = z.object({
  merchantId: z.string(),
  date: z.string(),
  assessed: count,
  approved: count,
  reviewed: count,
  rejected: count,
  refusedBefore: count,
  amounts: z.object({ reviewed: perCurrency, rejected: perCurrency, refusedBefore: perCurrency }),
  topReasons: z.array(z.object({ reason: z.string(), count })),
});
// Fails to compile when the reader's `RiskSummary` gains, loses or retypes a field.
const _summaryMatches: Same<z.output<typeof riskSummarySchema>, RiskSummary> = true;

/** `Same` on the JSON a type serializes to: readonly fields and arrays compare as their mutable forms. */
type Wire<T> = { -readonly [K in keyof T]: T[K] extends readonly (infer U)[] ? U[] : T[K] };

/**
 * What the dead-letter routes answer (shared/dead-letters/dead-letter-queues.ts): no handler validates it,
 * so it is written here, each checked against the type the code returns.
 */
const deadLetterQueueSchema = z.object({
  name: z.string(),
  url: z.string(),
  arn: z.string(),
  sourceQueues: z.array(z.string()),
  redrivable: z.boolean(),
  approximateMessages: count,
  approximateMessagesNotVisible: count,
});
const deadLetterMessageSchema = z.object({
  messageId: z.string(),
  body: z.unknown(),
  receiveCount: count,
  sentAt: z.nullable(z.iso.datetime()),
  sourceQueueArn: z.nullable(z.string()),
});
const REDRIVE_STATUSES = {
  running: 'running',
  completed: 'completed',
  cancelling: 'cancelling',
  cancelled: 'cancelled',
  failed: 'failed',
} as const satisfies { [K in RedriveStatus]: K };
const redriveSchema = z.object({
  taskHandle: z.nullable(z.string()),
  status: z.enum(REDRIVE_STATUSES),
  sourceArn: z.string(),
  destinationArn: z.nullable(z.string()),
  maxPerSecond: z.nullable(z.int()),
  messagesMoved: count,
  messagesToMove: z.nullable(count),
  failureReason: z.nullable(z.string()),
  startedAt: z.nullable(z.iso.datetime()),
});
/** A redrive answers 202 with the task it started, always `running`. */
const redriveStartedSchema = z.object({ taskHandle: z.string(), status: z.literal('running') });
/** The dead-letter lists are one page: `{ data }`, no cursor. */
const dataList = <T extends z.ZodMiniType>(item: T) => z.object({ data: z.array(item) });
// Fail to compile when the code's types gain, lose or retype a field.
const _queueMatches: Same<z.output<typeof deadLetterQueueSchema>, Wire<DeadLetterQueueView>> = true;
const _messageMatches: Same<z.output<typeof deadLetterMessageSchema>, Wire<DeadLetterMessage>> = true;
const _redriveMatches: Same<z.output<typeof redriveSchema>, Wire<Redrive>> = true;
const _startedFits: z.output<typeof redriveStartedSchema> extends Awaited<
  ReturnType<DeadLetterQueues['redrive']>
>
  ? true
  : false = true;

/** The `Risk-Rating` header of `GET …/risk-profile`: `<rating>; fraud-reports-30d=<n>`. */
const RATINGS = { standard: 'standard', tightened: 'tightened' } as const satisfies {
  [K in RiskRating]: K;
};
const riskRatingHeaderSchema = z
  .string()
  .check(z.regex(new RegExp(`^(${Object.keys(RATINGS).join('|')}); fraud-reports-30d=\\d+$`)));

/**
 * What a merchant endpoint receives, per kind of object: the payload schema of shared/schemas/webhooks.ts
 * with `data.object` stated (a payment as the event carries it, or a refund) and `type` narrowed to it.
 */
const typesOf = (prefix: string) =>
  WEBHOOK_EVENT_TYPES.filter((t) => t.startsWith(prefix)) as [WebhookEventType, ...WebhookEventType[]];
const PAYMENT_WEBHOOK_TYPES = typesOf('payment.');
const REFUND_WEBHOOK_TYPES = typesOf('refund.');
const paymentWebhookSchema = z.extend(webhookPayloadSchema, {
  type: z.enum(PAYMENT_WEBHOOK_TYPES),
  data: z.object({ object: eventPaymentSchema }),
});
const refundWebhookSchema = z.extend(webhookPayloadSchema, {
  type: z.enum(REFUND_WEBHOOK_TYPES),
  data: z.object({ object: refundSchema }),
});

/** What `POST /v1/ops/reconciliation/statements` answers (functions/api/upload-statement.ts). */
const statementReceiptSchema = z.object({
  object: z.literal('reconciliation_statement'),
  channel: channelSchema,
  date: z.string(),
  rows: z.number(),
  bytes: z.number(),
});
const runStartedSchema = z.object({ id: reconciliationRunIdSchema, status: z.literal('running') });

/** `Idempotency-Key`: 1–255 printable ASCII characters (shared/http/idempotency-key.ts). */
export const idempotencyKeySchema = z
  .string()
  .check(z.minLength(1), z.maxLength(255), z.regex(/^[\x20-\x7e]*$/));

/** `Retry-After` of a 503 (shared/http/problem-errors.ts): whole seconds. */
const retryAfterSchema = z.int().check(z.minimum(0));

/** Refinements that JSON Schema cannot see (they are functions), restated as keywords. */
const REFINEMENTS = new Map<core.$ZodType, JsonSchema>([
  [metadataSchema, { maxProperties: 20 }],
  // `events` may not repeat a type (a refine on the array inside `optional`).
  [(createWebhookEndpointBody.shape.events as core.$ZodOptional)._zod.def.innerType, { uniqueItems: true }],
]);

/**
 * Replaces the JSON Schema of a schema registered in `DOCUMENTED_AS` (common.ts) by the registered one;
 * a `_default` around such a schema keeps its default.
 */
function documented({ zodSchema, jsonSchema }: { zodSchema: core.$ZodType; jsonSchema: JsonSchema }): void {
  const def = zodSchema._zod.def as { type: string; innerType?: object; defaultValue?: unknown };
  const withDefault = def.type === 'default' && def.innerType;
  const schema = DOCUMENTED_AS.get(withDefault || zodSchema);
  if (!schema) return;
  for (const key of Object.keys(jsonSchema)) delete jsonSchema[key];
  Object.assign(jsonSchema, withDefault ? { default: def.defaultValue } : {}, schema);
}

function convert(registry: Registry, io: 'input' | 'output'): Record<string, JsonSchema> {
  const { schemas } = z.toJSONSchema(registry, {
    io,
    uri: (id) => `${REF}${id}`,
    // The registry's `description`s go into the components.
    metadata: registry,
    unrepresentable: 'any',
    override: (context) => {
      const { zodSchema, jsonSchema } = context;
      documented(context);
      Object.assign(jsonSchema, REFINEMENTS.get(zodSchema));
      // `startsWith` also yields a `pattern`; its own format is not a JSON Schema format.
      if (jsonSchema.format === 'starts_with') delete jsonSchema.format;
      // zod strips unknown keys from a plain object's output, so it writes `additionalProperties: false`;
      // in a response that would forbid the fields the contract may add later. Strict objects keep it.
      const def = zodSchema._zod.def;
      if (io === 'output' && def.type === 'object' && def.catchall === undefined) {
        delete jsonSchema.additionalProperties;
      }
    },
  });
  const out: Record<string, JsonSchema> = {};
  for (const [id, schema] of Object.entries(schemas)) {
    // A component is not a document of its own: no dialect, and `$id` would rebase its `$ref`s.
    const { $schema: _dialect, $id: _id, ...rest } = schema as JsonSchema;
    out[id] = rest;
  }
  return out;
}

/** Inline JSON Schema of one zod schema (parameters and headers), without the dialect. */
function inline(schema: core.$ZodType, io: 'input' | 'output' = 'input'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
    override: documented,
  }) as JsonSchema;
  return rest;
}

/** Component name of the `detail` schema of an EventBridge detail-type. */
export const eventDetailComponent = (detailType: DetailType) => `${detailType}EventDetail`;

function components(): Record<string, JsonSchema> {
  const requests: Registry = z.registry();
  requests.add(createPaymentBody, { id: 'CreatePaymentRequest' });
  requests.add(createRefundBody, { id: 'CreateRefundRequest' });
  requests.add(sandboxWebhookSchema, { id: 'SandboxWebhook' });
  requests.add(riskProfileSchema, { id: 'RiskProfileRequest' });
  requests.add(reviewPaymentBody, { id: 'ReviewPaymentRequest' });
  requests.add(createFraudReportBody, { id: 'CreateFraudReportRequest' });
  requests.add(startReconciliationRunBody, { id: 'StartReconciliationRunRequest' });
  requests.add(resolveDiscrepancyBody, { id: 'ResolveDiscrepancyRequest' });
  requests.add(startSettlementRunBody, { id: 'StartSettlementRunRequest' });
  requests.add(redriveBody, {
    id: 'RedriveRequest',
    description:
      '`{}` (or no body): SQS chooses the rate; `maxPerSecond`: messages moved per second at most.',
  });
  requests.add(createWebhookEndpointBody, {
    id: 'CreateWebhookEndpointRequest',
    description:
      '`url`: `https://` with a host name in AWS (the local runtime also accepts `http://127.0.0.1:<port>` ' +
      'and `http://localhost:<port>`); another answers 400. `events`: the types to receive, every type ' +
      'when absent.',
  });

  // What the API answers, and what it sends: webhook payloads and events on the bus.
  const responses: Registry = z.registry();
  responses.add(paymentSchema, { id: 'Payment' });
  responses.add(riskSchema, {
    id: 'Risk',
    description:
      'The asynchronous assessment, set once some seconds after creation: reject if `score` ≥ the profile’s ' +
      `\`rejectScore\`, else review if ≥ \`reviewScore\`, else approve. \`reasons\`: ${RISK_REASONS.join(', ')}.`,
  });
  responses.add(listResponse(paymentSchema), { id: 'PaymentList' });
  responses.add(refundSchema, { id: 'Refund' });
  responses.add(listResponse(refundSchema), { id: 'RefundList' });
  responses.add(problemSchema, {
    id: 'Problem',
    description:
      'RFC 9457 problem details; `type` is https://payments.example/problems/<slug>. `reasons` only with ' +
      `\`risk-rejected\`: ${BEFORE_REASONS.join(', ')}.`,
  });
  responses.add(healthSchema, { id: 'Health' });
  responses.add(riskProfileSchema, { id: 'RiskProfile' });
  responses.add(callbackReceiptSchema, { id: 'CallbackReceipt' });
  responses.add(reviewedPaymentSchema, { id: 'ReviewedPayment' });
  responses.add(fraudReportSchema, { id: 'FraudReport' });
  responses.add(riskSummarySchema, {
    id: 'RiskSummary',
    description:
      'The merchant’s UTC day of risk control: assessments by decision, creates refused before storing, ' +
      'amounts per currency (minor units), the ten most frequent reasons. A day without activity is all zeros.',
  });
  responses.add(webhookEndpointSchema, {
    id: 'WebhookEndpoint',
    description: `\`secret\` (\`${SECRET_PREFIX}…\`) only in the 201 of its creation and that answer's replays.`,
  });
  responses.add(webhookDeliverySchema, {
    id: 'WebhookDelivery',
    description:
      'One attempt to deliver one event to one endpoint; `responseStatus` null when no answer came.',
  });
  responses.add(listResponse(webhookDeliverySchema), { id: 'WebhookDeliveryList' });
  responses.add(deadLetterQueueSchema, {
    id: 'DeadLetterQueue',
    description:
      'A dead-letter queue of the stack, by its ops `name`. `sourceQueues`: the queues whose redrive policy ' +
      'feeds it; empty, and `redrivable` false, for a stream consumer’s on-failure queue. Depths are ' +
      'SQS’s approximations.',
  });
  responses.add(dataList(deadLetterQueueSchema), { id: 'DeadLetterQueueList' });
  responses.add(deadLetterMessageSchema, {
    id: 'DeadLetterMessage',
    description:
      'A message left in the queue: `body` parsed when it is JSON, else the raw string; `sourceQueueArn` ' +
      'null when SQS did not move it here itself. A peek is a receive: it adds one to `receiveCount`.',
  });
  responses.add(dataList(deadLetterMessageSchema), { id: 'DeadLetterMessageList' });
  responses.add(redriveSchema, {
    id: 'Redrive',
    description: 'An SQS message move task of the queue; `taskHandle` only while it runs.',
  });
  responses.add(dataList(redriveSchema), { id: 'RedriveList' });
  responses.add(redriveStartedSchema, { id: 'RedriveStarted' });
  responses.add(statementReceiptSchema, {
    id: 'ReconciliationStatement',
    description: 'The statement stored for the channel-day: its data rows and size.',
  });
  responses.add(runStartedSchema, { id: 'ReconciliationRunStarted' });
  responses.add(reconciliationRunSchema, {
    id: 'ReconciliationRun',
    description:
      '`counts` classify every statement row and every expected outcome exactly once; `repaired` counts the ' +
      'missed callbacks the run applied. `source`: the uploaded statement or the channel’s; `error` says why a ' +
      '`failed` run failed (a malformed line, no statement).',
  });
  responses.add(discrepancySchema, {
    id: 'Discrepancy',
    description:
      'A finding of a run. The same finding keeps its `id` across reruns of the channel-day; `status` ' +
      '`repaired` (a missed callback applied by the run) and `resolved` (by ops, with `note`) survive reruns. ' +
      '`statement` is the channel’s row (`line` its line), `held` what we recorded.',
  });
  responses.add(listResponse(discrepancySchema), { id: 'DiscrepancyList' });
  responses.add(z.object({ id: settlementRunIdSchema, status: z.literal('running') }), {
    id: 'SettlementRunStarted',
  });
  responses.add(settlementRunSchema, {
    id: 'SettlementRun',
    description:
      '`settlements`: how many the run made (one per merchant and currency with something to settle).',
  });
  responses.add(settlementSchema, {
    id: 'Settlement',
    description:
      'A merchant-currency’s settlement up to `periodEnd`: `netAmount = grossAmount − refundedAmount − ' +
      'feeAmount`; `status` `paid` with its `payout`, `no_payout` when the net is not positive, `payout_failed` ' +
      'after every retry (the net stays payable).',
  });
  responses.add(listResponse(settlementSchema), { id: 'SettlementList' });
  responses.add(paymentWebhookSchema, { id: 'PaymentWebhookEvent' });
  responses.add(refundWebhookSchema, { id: 'RefundWebhookEvent' });
  responses.add(eventPaymentSchema, {
    id: 'EventPayment',
    description: 'The payment object as events and webhooks carry it (`customer` not strict).',
  });
  for (const [detailType, schema] of Object.entries(eventDetailSchemas)) {
    responses.add(schema, {
      id: eventDetailComponent(detailType as DetailType),
      description:
        `\`detail\` of the EventBridge event \`source: "${EVENT_SOURCE}"\`, \`detail-type: "${detailType}"\` ` +
        '(bus `payments`). Consumers ignore fields they do not know; a breaking change is a new `version`.',
    });
  }

  return { ...convert(requests, 'input'), ...convert(responses, 'output') };
}

const ref = (id: string) => ({ $ref: `${REF}${id}` });
const merchantIdParameter = {
  name: 'merchantId',
  in: 'path',
  required: true,
  schema: inline(z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/))),
};
const deadLetterQueueParameter = {
  name: 'name',
  in: 'path',
  required: true,
  description: 'The queue’s ops name (`GET /v1/ops/dead-letter-queues`); an unknown name answers 404.',
  schema: inline(z.string().check(z.regex(DEAD_LETTER_QUEUE_NAME))),
};
const json = (id: string) => ({ 'application/json': { schema: ref(id) } });
const replayedHeader = { 'Idempotent-Replayed': { $ref: '#/components/headers/IdempotentReplayed' } };

/** Who may call a route: a merchant key, an ops key (routes under `/v1/ops/`), or anyone. */
type Caller = 'merchant' | 'ops' | 'public';
const SECURITY: Record<Caller, object[]> = {
  merchant: [{ merchantKey: [] }],
  ops: [{ opsKey: [] }],
  public: [],
};

interface Route {
  readonly operationId: string;
  readonly summary: string;
  readonly caller: Caller;
  readonly parameters?: readonly object[];
  readonly requestBody?: { readonly id: string; readonly required: boolean };
  readonly ok: {
    readonly status: number;
    readonly description: string;
    readonly id: string;
    readonly headers?: Record<string, object>;
  };
  /** Problem types the route can answer; statuses come from the catalogue. */
  readonly problems: readonly ProblemCode[];
  /** The route takes `Idempotency-Key`; these problems are stored and replayed with the first answer. */
  readonly idempotent?: { readonly replayedProblems: readonly ProblemCode[] };
}

/** Problems every keyed route can answer: before the handler runs, the key is checked. */
const AUTH: readonly ProblemCode[] = ['unauthorized', 'forbidden'];
const BODY: readonly ProblemCode[] = ['validation-error', 'malformed-json', 'unsupported-media-type'];
/**
 * Every route that reads or writes the table (all but `/health`: the key lookup alone reads it) answers
 * 503 with `Retry-After` when DynamoDB throttling outlasts the SDK's retries (shared/http/problem-errors.ts).
 */
const TABLE: readonly ProblemCode[] = ['service-unavailable'];
/** Headers that come with a problem whatever the route. */
const PROBLEM_HEADERS: Partial<Record<ProblemCode, Record<string, object>>> = {
  'service-unavailable': { 'Retry-After': { $ref: '#/components/headers/RetryAfter' } },
};

function problemResponses(route: Route): Record<string, object> {
  const byStatus = new Map<number, ProblemCode[]>();
  for (const code of route.problems) {
    const { status } = PROBLEMS[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const out: Record<string, object> = {};
  for (const [status, codes] of [...byStatus].sort(([a], [b]) => a - b)) {
    const replayed = codes.some((c) => route.idempotent?.replayedProblems.includes(c));
    const headers = Object.assign(
      {},
      replayed ? replayedHeader : {},
      ...codes.map((c) => PROBLEM_HEADERS[c] ?? {}),
    ) as Record<string, object>;
    out[String(status)] = {
      description: codes.map((c) => `\`${c}\`: ${PROBLEMS[c].title}`).join('; '),
      ...(Object.keys(headers).length > 0 ? { headers } : {}),
      content: { 'application/problem+json': { schema: ref('Problem') } },
    };
  }
  return out;
}

function operation(route: Route): object {
  const parameters = [
    ...(route.parameters ?? []),
    ...(route.idempotent ? [{ $ref: '#/components/parameters/IdempotencyKey' }] : []),
  ];
  const okHeaders = { ...(route.idempotent ? replayedHeader : {}), ...route.ok.headers };
  return {
    operationId: route.operationId,
    summary: route.summary,
    security: SECURITY[route.caller],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.requestBody
      ? { requestBody: { required: route.requestBody.required, content: json(route.requestBody.id) } }
      : {}),
    responses: {
      [String(route.ok.status)]: {
        description: route.ok.description,
        ...(Object.keys(okHeaders).length > 0 ? { headers: okHeaders } : {}),
        content: json(route.ok.id),
      },
      ...problemResponses(route),
    },
  };
}

/** A query string, one parameter per field of its schema. */
function queryParameters(schema: core.$ZodType): object[] {
  const query = inline(schema);
  const required = new Set(query.required ?? []);
  return Object.entries(query.properties ?? {}).map(([name, property]) => ({
    name,
    in: 'query',
    required: required.has(name),
    schema: property,
  }));
}

/** One entry of the `webhooks` section: what a merchant endpoint receives and what its answer means. */
function webhook(summary: string, payloadId: string): object {
  return {
    post: {
      operationId: `receive${payloadId}`,
      summary,
      description:
        `Sent to each enabled endpoint of the merchant subscribed to the type. \`${PAYMENTS_SIGNATURE_HEADER}\` ` +
        'signs the raw body with the endpoint’s secret; verify it before trusting the body. Deliveries are ' +
        'at least once: deduplicate on `id`, which a retry keeps.',
      security: [],
      parameters: [{ $ref: '#/components/parameters/PaymentsSignature' }],
      requestBody: { required: true, content: json(payloadId) },
      responses: {
        '2XX': {
          description: `Delivered: any 2xx within ${DELIVERY_TIMEOUT_MS / 1000} s. The body is not read.`,
        },
        default: {
          description:
            'Any other status (redirects included), a timeout or no answer: retried with backoff ' +
            `(10 s, 30 s, 2 min … 12 h; at most ${DEFAULT_MAX_RECEIVE_COUNT} attempts, about 23 hours), the ` +
            'same `id`; only endpoints ' +
            'that have not answered 2xx are retried.',
        },
      },
    },
  };
}

/** Builds the OpenAPI 3.1 document of every public route the contract has today. */
export function buildOpenApi(): object {
  const paymentId = { $ref: '#/components/parameters/PaymentId' };
  const endpointId = { name: 'id', in: 'path', required: true, schema: inline(webhookEndpointIdSchema) };
  const getPayment: Route = {
    operationId: 'getPayment',
    summary: 'A payment. Another merchant’s payment answers 404, as if it did not exist.',
    caller: 'merchant',
    parameters: [paymentId],
    ok: { status: 200, description: 'The payment', id: 'Payment' },
    problems: [...AUTH, 'not-found', ...TABLE],
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Payments API',
      version: 'v1',
      description:
        'Generated from the zod schemas in shared/schemas (`npm run openapi`). Amounts are integers in minor ' +
        'units; errors are RFC 9457 problem details; unknown fields in a request body answer 400. ' +
        '`webhooks` describes what merchant endpoints receive; the `…EventDetail` components describe the ' +
        '`detail` of the events on the EventBridge bus `payments`, for consumers.',
    },
    servers: [{ url: 'http://127.0.0.1:3000', description: 'Local runtime (`npm start`)' }],
    paths: {
      '/health': {
        get: operation({
          operationId: 'getHealth',
          summary: 'Liveness',
          caller: 'public',
          ok: { status: 200, description: 'The API is up', id: 'Health' },
          problems: [],
        }),
      },
      '/v1/payments': {
        post: operation({
          operationId: 'createPayment',
          summary:
            'Create a payment, sent to its channel. The risk before-checks may refuse it (422 ' +
            '`risk-rejected` with `reasons`); its `risk` assessment follows asynchronously.',
          caller: 'merchant',
          requestBody: { id: 'CreatePaymentRequest', required: true },
          ok: { status: 201, description: 'The payment, created (or replayed)', id: 'Payment' },
          problems: [
            ...BODY,
            ...AUTH,
            'concurrent-modification',
            'idempotency-key-reused',
            'risk-rejected',
            ...TABLE,
          ],
          idempotent: { replayedProblems: ['risk-rejected'] },
        }),
        get: operation({
          operationId: 'listPayments',
          summary: 'The merchant’s payments, newest first',
          caller: 'merchant',
          parameters: queryParameters(listPaymentsQuery),
          ok: { status: 200, description: 'A page of payments', id: 'PaymentList' },
          problems: ['validation-error', ...AUTH, ...TABLE],
        }),
      },
      '/v1/payments/{id}': { get: operation(getPayment) },
      '/v1/payments/{id}/refunds': {
        post: operation({
          operationId: 'createRefund',
          summary: 'Refund a succeeded payment; without `amount`, all that remains refundable',
          caller: 'merchant',
          parameters: [paymentId],
          requestBody: { id: 'CreateRefundRequest', required: false },
          ok: { status: 201, description: 'The refund, created (or replayed)', id: 'Refund' },
          problems: [
            ...BODY,
            ...AUTH,
            'not-found',
            'payment-not-refundable',
            'concurrent-modification',
            'refund-exceeds-remaining',
            'idempotency-key-reused',
            ...TABLE,
          ],
          idempotent: {
            replayedProblems: ['not-found', 'payment-not-refundable', 'refund-exceeds-remaining'],
          },
        }),
        get: operation({
          operationId: 'listRefunds',
          summary: 'The payment’s refunds, newest first, in one page',
          caller: 'merchant',
          parameters: [paymentId],
          ok: { status: 200, description: 'The refunds', id: 'RefundList' },
          problems: [...AUTH, 'not-found', ...TABLE],
        }),
      },
      '/v1/payments/{id}/fraud-reports': {
        post: operation({
          operationId: 'createFraudReport',
          summary:
            'Report a payment as fraud: its customer id, email and IP join the merchant’s blocklists, and ' +
            'reports of the last 30 days may tighten the merchant’s limits',
          caller: 'merchant',
          parameters: [paymentId],
          requestBody: { id: 'CreateFraudReportRequest', required: true },
          ok: { status: 201, description: 'The report, created (or replayed)', id: 'FraudReport' },
          problems: [
            ...BODY,
            ...AUTH,
            'not-found',
            'concurrent-modification',
            'idempotency-key-reused',
            ...TABLE,
          ],
          idempotent: { replayedProblems: [] },
        }),
      },
      '/v1/webhook-endpoints': {
        post: operation({
          operationId: 'createWebhookEndpoint',
          summary:
            'Register an endpoint for the merchant’s payment and refund events; the answer carries its ' +
            'signing secret, the only time it is shown',
          caller: 'merchant',
          requestBody: { id: 'CreateWebhookEndpointRequest', required: true },
          ok: {
            status: 201,
            description: 'The endpoint with its `secret`, created (or replayed)',
            id: 'WebhookEndpoint',
          },
          problems: [...BODY, ...AUTH, 'concurrent-modification', 'idempotency-key-reused', ...TABLE],
          idempotent: { replayedProblems: [] },
        }),
      },
      '/v1/webhook-endpoints/{id}/deliveries': {
        get: operation({
          operationId: 'listWebhookDeliveries',
          summary: 'The endpoint’s delivery attempts, newest first. Another merchant’s endpoint answers 404.',
          caller: 'merchant',
          parameters: [endpointId, ...queryParameters(listWebhookDeliveriesQuery)],
          ok: { status: 200, description: 'A page of attempts', id: 'WebhookDeliveryList' },
          problems: ['validation-error', ...AUTH, 'not-found', ...TABLE],
        }),
      },
      '/v1/ops/merchants/{merchantId}/risk-profile': {
        get: operation({
          operationId: 'getRiskProfile',
          summary:
            'Ops: the merchant’s risk profile, defaults filled (a valid PUT body); the `Risk-Rating` header ' +
            'tells whether fraud reports tighten its limits',
          caller: 'ops',
          parameters: [merchantIdParameter],
          ok: {
            status: 200,
            description: 'The stored profile',
            id: 'RiskProfile',
            headers: { 'Risk-Rating': { $ref: '#/components/headers/RiskRating' } },
          },
          problems: [...AUTH, 'not-found', ...TABLE],
        }),
        put: operation({
          operationId: 'putRiskProfile',
          summary:
            'Ops: replace the merchant’s risk profile (absent fields take their defaults; `rejectScore` ' +
            'may not be below `reviewScore`)',
          caller: 'ops',
          parameters: [merchantIdParameter],
          requestBody: { id: 'RiskProfileRequest', required: true },
          ok: { status: 200, description: 'The profile as stored', id: 'RiskProfile' },
          problems: [...BODY, ...AUTH, 'not-found', ...TABLE],
        }),
      },
      '/v1/ops/merchants/{merchantId}/risk-summary': {
        get: operation({
          operationId: 'getRiskSummary',
          summary: 'Ops: the merchant’s day of risk control (`date`, UTC; default today)',
          caller: 'ops',
          parameters: [merchantIdParameter, ...queryParameters(riskSummaryQuery)],
          ok: { status: 200, description: 'The day’s summary', id: 'RiskSummary' },
          problems: ['validation-error', ...AUTH, 'not-found', ...TABLE],
        }),
      },
      '/v1/ops/payments/{id}/review': {
        post: operation({
          operationId: 'reviewPayment',
          summary:
            'Ops: decide a payment held in risk review. `release` lets it go on; `reject` cancels it if ' +
            'processing, refunds it in full if succeeded. The same decision again changes nothing.',
          caller: 'ops',
          parameters: [paymentId],
          requestBody: { id: 'ReviewPaymentRequest', required: true },
          ok: {
            status: 200,
            description: 'The payment with its `reviewStatus` (`Idempotent-Replayed` on a repeated decision)',
            id: 'ReviewedPayment',
            headers: replayedHeader,
          },
          problems: [
            ...BODY,
            ...AUTH,
            'not-found',
            'payment-not-in-review',
            'concurrent-modification',
            ...TABLE,
          ],
        }),
      },
      '/v1/ops/reconciliation/statements': {
        post: {
          operationId: 'uploadStatement',
          summary:
            'Ops: the channel-day’s statement as CSV (`channel_reference,reference,type,amount,currency,status,' +
            'fee,occurred_at`), replacing the one fetched from the channel. Checked whole before it is stored: a ' +
            'malformed row or a row of another day answers 400 naming the line. Up to ~6 MB through the API; a ' +
            'larger statement goes straight to the statements bucket under `statements/<channel>/<date>.csv`.',
          security: SECURITY.ops,
          parameters: queryParameters(uploadStatementQuery),
          requestBody: { required: true, content: { 'text/csv': { schema: { type: 'string' } } } },
          responses: {
            '200': { description: 'The statement, stored', content: json('ReconciliationStatement') },
            ...problemResponses({
              operationId: 'uploadStatement',
              summary: '',
              caller: 'ops',
              ok: { status: 200, description: '', id: '' },
              problems: ['validation-error', 'unsupported-media-type', ...AUTH, ...TABLE],
            }),
          },
        },
      },
      '/v1/ops/reconciliation/runs': {
        post: operation({
          operationId: 'startReconciliationRun',
          summary:
            'Ops: reconcile a channel-day: every statement row and every outcome we recorded, classified once ' +
            '(matched, local missing, channel missing, mismatch, duplicate); missed callbacks are repaired.',
          caller: 'ops',
          requestBody: { id: 'StartReconciliationRunRequest', required: true },
          ok: { status: 202, description: 'The run, started (or replayed)', id: 'ReconciliationRunStarted' },
          problems: [...BODY, ...AUTH, 'idempotency-key-reused', ...TABLE],
          idempotent: { replayedProblems: [] },
        }),
      },
      '/v1/ops/reconciliation/runs/{id}': {
        get: operation({
          operationId: 'getReconciliationRun',
          summary: 'Ops: a run, its counts and repairs',
          caller: 'ops',
          parameters: [{ name: 'id', in: 'path', required: true, schema: inline(reconciliationRunIdSchema) }],
          ok: { status: 200, description: 'The run', id: 'ReconciliationRun' },
          problems: [...AUTH, 'not-found', ...TABLE],
        }),
      },
      '/v1/ops/reconciliation/runs/{id}/discrepancies': {
        get: operation({
          operationId: 'listDiscrepancies',
          summary: 'Ops: the run’s findings',
          caller: 'ops',
          parameters: [
            { name: 'id', in: 'path', required: true, schema: inline(reconciliationRunIdSchema) },
            ...queryParameters(listDiscrepanciesQuery),
          ],
          ok: { status: 200, description: 'A page of findings', id: 'DiscrepancyList' },
          problems: ['validation-error', ...AUTH, 'not-found', ...TABLE],
        }),
      },
      '/v1/ops/reconciliation/discrepancies/{id}/resolve': {
        post: operation({
          operationId: 'resolveDiscrepancy',
          summary:
            'Ops: close a finding with a note; its payment is no longer held out of settlement. Again: the note ' +
            'is replaced. A repaired finding is closed already (409).',
          caller: 'ops',
          parameters: [{ name: 'id', in: 'path', required: true, schema: inline(discrepancyIdSchema) }],
          requestBody: { id: 'ResolveDiscrepancyRequest', required: true },
          ok: { status: 200, description: 'The finding, resolved', id: 'Discrepancy' },
          problems: [...BODY, ...AUTH, 'not-found', 'discrepancy-repaired', ...TABLE],
        }),
      },
      '/v1/ops/settlements/runs': {
        post: operation({
          operationId: 'startSettlementRun',
          summary:
            'Ops: settle every merchant for `date`: each payment and refund that succeeded before the end of ' +
            'the day (or before the run, for today) and no earlier settlement holds; payments held in review or ' +
            'by an open discrepancy wait. Runs the settlement state machine; the same key starts it once.',
          caller: 'ops',
          requestBody: { id: 'StartSettlementRunRequest', required: true },
          ok: { status: 202, description: 'The run, started (or replayed)', id: 'SettlementRunStarted' },
          problems: [...BODY, ...AUTH, 'idempotency-key-reused', ...TABLE],
          idempotent: { replayedProblems: [] },
        }),
      },
      '/v1/ops/settlements/runs/{id}': {
        get: operation({
          operationId: 'getSettlementRun',
          summary: 'Ops: a settlement run',
          caller: 'ops',
          parameters: [{ name: 'id', in: 'path', required: true, schema: inline(settlementRunIdSchema) }],
          ok: { status: 200, description: 'The run', id: 'SettlementRun' },
          problems: [...AUTH, 'not-found', ...TABLE],
        }),
      },
      '/v1/settlements': {
        get: operation({
          operationId: 'listSettlements',
          summary: 'The merchant’s settlements, newest first',
          caller: 'merchant',
          parameters: queryParameters(listSettlementsQuery),
          ok: { status: 200, description: 'A page of settlements', id: 'SettlementList' },
          problems: ['validation-error', ...AUTH, ...TABLE],
        }),
      },
      '/v1/settlements/{id}': {
        get: {
          ...operation({
            operationId: 'getSettlement',
            summary:
              'A settlement; `?format=csv` answers its line items instead (`type,id,amount,currency,occurred_at`: ' +
              'every payment and refund it settled). Another merchant’s settlement answers 404.',
            caller: 'merchant',
            parameters: [
              { name: 'id', in: 'path', required: true, schema: inline(settlementIdSchema) },
              ...queryParameters(getSettlementQuery),
            ],
            ok: { status: 200, description: 'The settlement (or its line items as CSV)', id: 'Settlement' },
            problems: ['validation-error', ...AUTH, 'not-found', ...TABLE],
          }),
        },
      },
      '/v1/ops/dead-letter-queues': {
        get: operation({
          operationId: 'listDeadLetterQueues',
          summary: 'Ops: every dead-letter queue of the stack with its source queues and depth, by name',
          caller: 'ops',
          ok: { status: 200, description: 'The queues', id: 'DeadLetterQueueList' },
          problems: [...AUTH, ...TABLE],
        }),
      },
      '/v1/ops/dead-letter-queues/{name}/messages': {
        get: operation({
          operationId: 'listDeadLetterMessages',
          summary:
            'Ops: peek at up to `limit` messages of the queue without consuming them (visibility 0: they ' +
            'stay receivable and redrivable)',
          caller: 'ops',
          parameters: [deadLetterQueueParameter, ...queryParameters(peekMessagesQuery)],
          ok: { status: 200, description: 'Some of the queue’s messages', id: 'DeadLetterMessageList' },
          problems: ['validation-error', ...AUTH, 'not-found', ...TABLE],
        }),
      },
      '/v1/ops/dead-letter-queues/{name}/redrive': {
        post: operation({
          operationId: 'redriveDeadLetterQueue',
          summary:
            'Ops: start an SQS move task returning every message of the queue to the queue it was ' +
            'dead-lettered from. SQS runs one per queue, so a retry is safe without `Idempotency-Key`; a ' +
            'stream consumer’s on-failure queue cannot be redriven (re-process its stream records instead).',
          caller: 'ops',
          parameters: [deadLetterQueueParameter],
          requestBody: { id: 'RedriveRequest', required: false },
          ok: { status: 202, description: 'The move task, started', id: 'RedriveStarted' },
          problems: [...BODY, ...AUTH, 'not-found', 'redrive-in-progress', 'redrive-not-supported', ...TABLE],
        }),
      },
      '/v1/ops/dead-letter-queues/{name}/redrives': {
        get: operation({
          operationId: 'listDeadLetterRedrives',
          summary: 'Ops: the queue’s most recent move tasks (SQS keeps up to 10), newest first',
          caller: 'ops',
          parameters: [deadLetterQueueParameter],
          ok: { status: 200, description: 'The move tasks', id: 'RedriveList' },
          problems: [...AUTH, 'not-found', ...TABLE],
        }),
      },
      '/v1/channels/{channel}/callbacks': {
        post: operation({
          operationId: 'receiveChannelCallback',
          summary: `A channel's signed webhook (${SANDBOX_EVENT_TYPES.join(', ')})`,
          caller: 'public',
          parameters: [
            { name: 'channel', in: 'path', required: true, schema: inline(channelSchema) },
            { $ref: '#/components/parameters/SandboxSignature' },
          ],
          requestBody: { id: 'SandboxWebhook', required: true },
          ok: {
            status: 200,
            description: 'Accepted: applied now, already applied, or recorded as a conflict or mismatch',
            id: 'CallbackReceipt',
          },
          problems: [
            'validation-error',
            'malformed-json',
            'invalid-signature',
            'not-found',
            'unknown-reference',
            ...TABLE,
          ],
        }),
      },
    },
    webhooks: {
      payment: webhook(`A payment event (${PAYMENT_WEBHOOK_TYPES.join(', ')})`, 'PaymentWebhookEvent'),
      refund: webhook(`A refund event (${REFUND_WEBHOOK_TYPES.join(', ')})`, 'RefundWebhookEvent'),
    },
    components: {
      schemas: components(),
      parameters: {
        PaymentId: { name: 'id', in: 'path', required: true, schema: inline(paymentIdSchema) },
        IdempotencyKey: {
          name: 'Idempotency-Key',
          in: 'header',
          required: true,
          description:
            'Scoped per merchant, kept at least 24 hours. The same key with the same body replays the first ' +
            'answer; with another body answers 422.',
          schema: inline(idempotencyKeySchema),
        },
        SandboxSignature: {
          name: 'Sandbox-Signature',
          in: 'header',
          required: true,
          description:
            '`t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`; several `v1=` during secret ' +
            'rotation; `t` more than 300 s from now answers 401.',
          schema: inline(z.string().check(z.minLength(1))),
        },
        PaymentsSignature: {
          name: PAYMENTS_SIGNATURE_HEADER,
          in: 'header',
          required: true,
          description:
            '`t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`, the secret being the ' +
            'endpoint’s. Compare in constant time and refuse a `t` more than 300 s from now.',
          schema: inline(z.string().check(z.regex(/^t=\d+(,v1=[0-9a-f]{64})+$/))),
        },
      },
      headers: {
        IdempotentReplayed: {
          description: 'Present when the answer replays the first one given for this Idempotency-Key',
          schema: inline(z.literal('true'), 'output'),
        },
        RetryAfter: {
          description: 'Seconds to wait before retrying the request',
          schema: inline(retryAfterSchema, 'output'),
        },
        RiskRating: {
          description:
            '`standard`, or `tightened` when the fraud reports of the last 30 days reach the profile’s ' +
            '`fraudReportThreshold` (every limit then × `tightenedLimitPercent` / 100)',
          schema: inline(riskRatingHeaderSchema, 'output'),
        },
      },
      securitySchemes: {
        merchantKey: { type: 'http', scheme: 'bearer', description: 'A merchant API key as bearer token' },
        opsKey: {
          type: 'http',
          scheme: 'bearer',
          description: 'An ops API key as bearer token (routes under /v1/ops/); a merchant key answers 403',
        },
      },
    },
  };
}
