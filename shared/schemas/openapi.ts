/**
 * The OpenAPI 3.1 document of the public API, built from the same zod schemas the handlers validate
 * with: no JSON Schema is written by hand. `npm run openapi` writes it to `docs/openapi.json`; a unit
 * test fails when the committed file and this builder disagree.
 *
 * Tooling only: no handler imports this module, so `toJSONSchema` stays out of the Lambda bundles.
 */
import * as z from 'zod/mini';
import type * as core from 'zod/v4/core';
import type { OutcomeResult } from '../store/ports.js';
import { listResponse } from './common.js';
import {
  channelSchema,
  createPaymentBody,
  listPaymentsQuery,
  metadataSchema,
  paymentIdSchema,
  paymentSchema,
} from './payment.js';
import { PROBLEMS, type ProblemCode, problemSchema } from './problem.js';
import { createRefundBody, refundSchema } from './refund.js';
import { riskProfileSchema } from './risk-profile.js';
import { SANDBOX_EVENT_TYPES, sandboxWebhookSchema } from './sandbox-webhook.js';

type JsonSchema = core.JSONSchema.BaseSchema;
type Registry = core.$ZodRegistry<{ id: string; description?: string }>;

const REF = '#/components/schemas/';

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

/** `Idempotency-Key`: 1–255 printable ASCII characters (shared/http/idempotency-key.ts). */
export const idempotencyKeySchema = z
  .string()
  .check(z.minLength(1), z.maxLength(255), z.regex(/^[\x20-\x7e]*$/));

/** Refinements that JSON Schema cannot see (they are functions), restated as keywords. */
const REFINEMENTS = new Map<core.$ZodType, JsonSchema>([[metadataSchema, { maxProperties: 20 }]]);

function convert(registry: Registry, io: 'input' | 'output'): Record<string, JsonSchema> {
  const { schemas } = z.toJSONSchema(registry, {
    io,
    uri: (id) => `${REF}${id}`,
    override: ({ zodSchema, jsonSchema }) => {
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
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io }) as JsonSchema;
  return rest;
}

function components(): Record<string, JsonSchema> {
  const requests: Registry = z.registry();
  requests.add(createPaymentBody, { id: 'CreatePaymentRequest' });
  requests.add(createRefundBody, { id: 'CreateRefundRequest' });
  requests.add(sandboxWebhookSchema, { id: 'SandboxWebhook' });
  requests.add(riskProfileSchema, { id: 'RiskProfileRequest' });

  const responses: Registry = z.registry();
  responses.add(paymentSchema, { id: 'Payment' });
  responses.add(listResponse(paymentSchema), { id: 'PaymentList' });
  responses.add(refundSchema, { id: 'Refund' });
  responses.add(listResponse(refundSchema), { id: 'RefundList' });
  responses.add(problemSchema, { id: 'Problem' });
  responses.add(healthSchema, { id: 'Health' });
  responses.add(riskProfileSchema, { id: 'RiskProfile' });
  responses.add(callbackReceiptSchema, { id: 'CallbackReceipt' });

  return { ...convert(requests, 'input'), ...convert(responses, 'output') };
}

const ref = (id: string) => ({ $ref: `${REF}${id}` });
const merchantIdParameter = {
  name: 'merchantId',
  in: 'path',
  required: true,
  schema: inline(z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/))),
};
const json = (id: string) => ({ 'application/json': { schema: ref(id) } });
const replayedHeader = { 'Idempotent-Replayed': { $ref: '#/components/headers/IdempotentReplayed' } };

interface Route {
  readonly operationId: string;
  readonly summary: string;
  readonly merchant: boolean;
  readonly parameters?: readonly object[];
  readonly requestBody?: { readonly id: string; readonly required: boolean };
  readonly ok: { readonly status: number; readonly description: string; readonly id: string };
  /** Problem types the route can answer (4xx); statuses come from the catalogue. */
  readonly problems: readonly ProblemCode[];
  /** The route takes `Idempotency-Key`; these problems are stored and replayed with the first answer. */
  readonly idempotent?: { readonly replayedProblems: readonly ProblemCode[] };
}

/** Problems every merchant route can answer: before the handler runs, the key is checked. */
const AUTH: readonly ProblemCode[] = ['unauthorized', 'forbidden'];
const BODY: readonly ProblemCode[] = ['validation-error', 'malformed-json', 'unsupported-media-type'];

function problemResponses(route: Route): Record<string, object> {
  const byStatus = new Map<number, ProblemCode[]>();
  for (const code of route.problems) {
    const { status } = PROBLEMS[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const out: Record<string, object> = {};
  for (const [status, codes] of [...byStatus].sort(([a], [b]) => a - b)) {
    const replayed = codes.some((c) => route.idempotent?.replayedProblems.includes(c));
    out[String(status)] = {
      description: codes.map((c) => `\`${c}\`: ${PROBLEMS[c].title}`).join('; '),
      ...(replayed ? { headers: replayedHeader } : {}),
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
  return {
    operationId: route.operationId,
    summary: route.summary,
    security: route.merchant ? [{ apiKey: [] }] : [],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.requestBody
      ? { requestBody: { required: route.requestBody.required, content: json(route.requestBody.id) } }
      : {}),
    responses: {
      [String(route.ok.status)]: {
        description: route.ok.description,
        ...(route.idempotent ? { headers: replayedHeader } : {}),
        content: json(route.ok.id),
      },
      ...problemResponses(route),
    },
  };
}

/** The query string of `GET /v1/payments`, one parameter per field of its schema. */
function listPaymentsParameters(): object[] {
  const query = inline(listPaymentsQuery);
  const required = new Set(query.required ?? []);
  return Object.entries(query.properties ?? {}).map(([name, schema]) => ({
    name,
    in: 'query',
    required: required.has(name),
    schema,
  }));
}

/** Builds the OpenAPI 3.1 document of every public route the contract has today. */
export function buildOpenApi(): object {
  const paymentId = { $ref: '#/components/parameters/PaymentId' };
  const getPayment: Route = {
    operationId: 'getPayment',
    summary: 'A payment. Another merchant’s payment answers 404, as if it did not exist.',
    merchant: true,
    parameters: [paymentId],
    ok: { status: 200, description: 'The payment', id: 'Payment' },
    problems: [...AUTH, 'not-found'],
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Payments API',
      version: 'v1',
      description:
        'Generated from the zod schemas in shared/schemas (`npm run openapi`). Amounts are integers in minor ' +
        'units; errors are RFC 9457 problem details; unknown fields in a request body answer 400.',
    },
    servers: [{ url: 'http://127.0.0.1:3000', description: 'Local runtime (`npm start`)' }],
    paths: {
      '/health': {
        get: operation({
          operationId: 'getHealth',
          summary: 'Liveness',
          merchant: false,
          ok: { status: 200, description: 'The API is up', id: 'Health' },
          problems: [],
        }),
      },
      '/v1/payments': {
        post: operation({
          operationId: 'createPayment',
          summary: 'Create a payment, sent to its channel',
          merchant: true,
          requestBody: { id: 'CreatePaymentRequest', required: true },
          ok: { status: 201, description: 'The payment, created (or replayed)', id: 'Payment' },
          problems: [...BODY, ...AUTH, 'concurrent-modification', 'idempotency-key-reused', 'risk-rejected'],
          idempotent: { replayedProblems: ['risk-rejected'] },
        }),
        get: operation({
          operationId: 'listPayments',
          summary: 'The merchant’s payments, newest first',
          merchant: true,
          parameters: listPaymentsParameters(),
          ok: { status: 200, description: 'A page of payments', id: 'PaymentList' },
          problems: ['validation-error', ...AUTH],
        }),
      },
      '/v1/payments/{id}': { get: operation(getPayment) },
      '/v1/payments/{id}/refunds': {
        post: operation({
          operationId: 'createRefund',
          summary: 'Refund a succeeded payment; without `amount`, all that remains refundable',
          merchant: true,
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
          ],
          idempotent: {
            replayedProblems: ['not-found', 'payment-not-refundable', 'refund-exceeds-remaining'],
          },
        }),
        get: operation({
          operationId: 'listRefunds',
          summary: 'The payment’s refunds, newest first, in one page',
          merchant: true,
          parameters: [paymentId],
          ok: { status: 200, description: 'The refunds', id: 'RefundList' },
          problems: [...AUTH, 'not-found'],
        }),
      },
      '/v1/ops/merchants/{merchantId}/risk-profile': {
        get: operation({
          operationId: 'getRiskProfile',
          summary:
            'Ops: the merchant’s risk profile, defaults filled (a valid PUT body); the `Risk-Rating` header ' +
            'tells whether fraud reports tighten its limits',
          merchant: true,
          parameters: [merchantIdParameter],
          ok: { status: 200, description: 'The stored profile', id: 'RiskProfile' },
          problems: [...AUTH, 'not-found'],
        }),
        put: operation({
          operationId: 'putRiskProfile',
          summary: 'Ops: replace the merchant’s risk profile (absent fields take their defaults)',
          merchant: true,
          parameters: [merchantIdParameter],
          requestBody: { id: 'RiskProfileRequest', required: true },
          ok: { status: 200, description: 'The profile as stored', id: 'RiskProfile' },
          problems: [...BODY, ...AUTH, 'not-found'],
        }),
      },
      '/v1/channels/{channel}/callbacks': {
        post: operation({
          operationId: 'receiveChannelCallback',
          summary: `A channel's signed webhook (${SANDBOX_EVENT_TYPES.join(', ')})`,
          merchant: false,
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
          ],
        }),
      },
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
      },
      headers: {
        IdempotentReplayed: {
          description: 'Present when the answer replays the first one given for this Idempotency-Key',
          schema: inline(z.literal('true'), 'output'),
        },
      },
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'The merchant API key as a bearer token' },
      },
    },
  };
}
