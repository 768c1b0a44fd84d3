/**
 * Checks `Payments-Request-Signature` on the requests of merchants that require signing (ops PUT
 * /v1/ops/merchants/{id}/request-signing). Runs after authentication (it needs the merchant) and before
 * the body is parsed: the signature covers the body's bytes exactly as received. A missing, malformed,
 * stale or wrong signature answers 401 `invalid-request-signature`.
 *
 * The requirement is read through a per-container cache of 2 s (one GetItem per merchant and container
 * at most every 2 s, whatever the traffic), so turning signing on or off applies within 2 s. A store
 * that cannot be read fails closed (api-handler.ts wraps this in failClosed): 503, never unchecked.
 */
import type { MiddlewareObj } from '@middy/core';
import { dynamoDbClient } from '../aws/dynamodb.js';
import { loadEnv, tableEnvSchema } from '../config/env.js';
import { cachePerContainer } from '../store/container-cache.js';
import { readSigningRequirement, type SigningRequirement } from '../store/dynamodb/request-signing-reads.js';
import { type ApiEvent, header, parsedOf, rawBody } from './api-event.js';
import { HttpProblemError } from './errors.js';
import {
  REQUEST_SIGNATURE_HEADER,
  type SignatureVerdict,
  verifyRequestSignature,
} from './request-signature.js';

/** How long a requirement is used without a read: turning signing on or off applies within this. */
export const SIGNING_REQUIREMENT_TTL_MS = 2_000;

const REASONS: Record<Exclude<SignatureVerdict, 'ok'>, string> = {
  missing: `This merchant signs its requests: the ${REQUEST_SIGNATURE_HEADER} header is missing.`,
  malformed: `The ${REQUEST_SIGNATURE_HEADER} header must read t=<unix seconds>,v1=<hex HMAC-SHA256>.`,
  stale: `The ${REQUEST_SIGNATURE_HEADER} timestamp is more than 300 s away from our clock.`,
  mismatch: `The ${REQUEST_SIGNATURE_HEADER} does not match the request (method, path with query, body).`,
};

/** 401: the request of a merchant that signs its requests is not signed as it should be. */
export class InvalidRequestSignatureError extends HttpProblemError {
  override readonly name = 'InvalidRequestSignatureError';
  constructor(readonly verdict: Exclude<SignatureVerdict, 'ok'>) {
    super('invalid-request-signature', REASONS[verdict]);
  }
}

export type SigningRequirementReader = (merchantId: string) => Promise<SigningRequirement>;

let reader: SigningRequirementReader | undefined;

/** The reader of this function: DynamoDB (`TABLE_NAME`) behind the cache, created on first use. */
export function signingRequirementReader(): SigningRequirementReader {
  if (!reader) {
    const { TABLE_NAME } = loadEnv(tableEnvSchema);
    const table = { client: dynamoDbClient(), tableName: TABLE_NAME };
    reader = cachePerContainer((merchantId) => readSigningRequirement(table, merchantId), {
      ttlMs: SIGNING_REQUIREMENT_TTL_MS,
    });
  }
  return reader;
}

/** Replaces the reader (tests). */
export function setSigningRequirementReader(next: SigningRequirementReader | undefined): void {
  reader = next;
}

/** Verifies the signature of a merchant's request when its merchant requires one. */
export function requestSigning(now: () => number = Date.now): MiddlewareObj<ApiEvent> {
  return {
    before: async function requestSigningBefore(request) {
      const auth = parsedOf(request.event).auth;
      if (auth?.role !== 'merchant') return;
      const requirement = await signingRequirementReader()(auth.merchantId);
      if (!requirement.required) return;
      const event = request.event;
      const path = event.rawPath ?? event.requestContext?.http?.path ?? '/';
      const verdict = verifyRequestSignature(
        requirement.secret,
        header(event, REQUEST_SIGNATURE_HEADER),
        {
          method: (event.requestContext?.http?.method ?? 'GET').toUpperCase(),
          pathWithQuery: event.rawQueryString ? `${path}?${event.rawQueryString}` : path,
          body: rawBody(event),
        },
        Math.floor(now() / 1000),
      );
      if (verdict !== 'ok') throw new InvalidRequestSignatureError(verdict);
    },
  };
}
