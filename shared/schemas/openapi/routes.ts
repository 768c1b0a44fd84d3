/** How a route becomes an operation: security by caller, the ok answer, problems grouped by status. */
import * as z from 'zod/mini';
import type * as core from 'zod/v4/core';
import { DEAD_LETTER_QUEUE_NAME } from '../../dead-letters/env.js';
import { DEFAULT_MAX_RECEIVE_COUNT } from '../../webhooks/backoff.js';
import { DELIVERY_TIMEOUT_MS } from '../../webhooks/deliver.js';
import { PAYMENTS_SIGNATURE_HEADER } from '../../webhooks/signature.js';
import { PROBLEMS, type ProblemCode } from '../problem.js';
import { inline, REF } from './json-schema.js';

export const ref = (id: string) => ({ $ref: `${REF}${id}` });
export const merchantIdParameter = {
  name: 'merchantId',
  in: 'path',
  required: true,
  schema: inline(z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/))),
};
export const deadLetterQueueParameter = {
  name: 'name',
  in: 'path',
  required: true,
  description: 'The queue’s ops name (`GET /v1/ops/dead-letter-queues`); an unknown name answers 404.',
  schema: inline(z.string().check(z.regex(DEAD_LETTER_QUEUE_NAME))),
};
export const json = (id: string) => ({ 'application/json': { schema: ref(id) } });
export const replayedHeader = { 'Idempotent-Replayed': { $ref: '#/components/headers/IdempotentReplayed' } };

/** Who may call a route: a merchant key, an ops key (routes under `/v1/ops/`), or anyone. */
type Caller = 'merchant' | 'ops' | 'public';
export const SECURITY: Record<Caller, object[]> = {
  merchant: [{ merchantKey: [] }],
  ops: [{ opsKey: [] }],
  public: [],
};

export interface Route {
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
export const AUTH: readonly ProblemCode[] = ['unauthorized', 'forbidden'];
export const BODY: readonly ProblemCode[] = ['validation-error', 'malformed-json', 'unsupported-media-type'];
/**
 * Every route that reads or writes the table (all but `/health`: the key lookup alone reads it) answers
 * 503 with `Retry-After` when DynamoDB throttling outlasts the SDK's retries (shared/http/problem-errors.ts).
 */
export const TABLE: readonly ProblemCode[] = ['service-unavailable'];
/** Headers that come with a problem whatever the route. */
const PROBLEM_HEADERS: Partial<Record<ProblemCode, Record<string, object>>> = {
  'service-unavailable': { 'Retry-After': { $ref: '#/components/headers/RetryAfter' } },
  'rate-limited': { 'Retry-After': { $ref: '#/components/headers/RetryAfter' } },
};

/** Every merchant-key route may answer 429 past the merchant's flow limits (shared/http/rate-limit.ts). */
const MERCHANT: readonly ProblemCode[] = ['rate-limited'];

export function problemResponses(route: Route): Record<string, object> {
  const byStatus = new Map<number, ProblemCode[]>();
  const problems = route.caller === 'merchant' ? [...route.problems, ...MERCHANT] : route.problems;
  for (const code of problems) {
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

/**
 * Problems the gateway checks of apiHandler add to a route, whatever it does: a keyed route that reads a
 * body or a query refuses card numbers in them (400), a merchant route a missing or wrong request
 * signature from a merchant that signs (401).
 */
function gatewayProblems(route: Route): ProblemCode[] {
  if (route.caller === 'public') return [];
  const readsQuery = (route.parameters ?? []).some((p) => (p as { in?: string }).in === 'query');
  const free: ProblemCode[] = route.requestBody || readsQuery ? ['card-data-refused'] : [];
  return route.caller === 'merchant' ? [...free, 'invalid-request-signature'] : free;
}

export function operation(declared: Route): object {
  const extra = gatewayProblems(declared).filter((code) => !declared.problems.includes(code));
  const route: Route = { ...declared, problems: [...declared.problems, ...extra] };
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
export function queryParameters(schema: core.$ZodType): object[] {
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
export function webhook(summary: string, payloadId: string): object {
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

/** The `id` path parameter of the payment routes. */
export const paymentId = { $ref: '#/components/parameters/PaymentId' };
