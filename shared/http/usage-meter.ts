/**
 * Usage metering: one structured log line per answer to a merchant key (shared/usage/record.ts), written
 * after the answer is known, whatever it is: a success, a refusal of any middleware (401 of a known key,
 * 403, 429, 400) or a 500. apiHandler places it first after the logger, so every later middleware's
 * refusal passes through it. No DynamoDB write: the line reaches the usage aggregator through a CloudWatch
 * Logs subscription filter, which counts it exactly once per batch.
 *
 * Who the caller is: the authenticated merchant when auth succeeded; otherwise the key's record from the
 * same per-container resolver auth used (a cache hit, no second lookup), so a known key refused later
 * (suspended merchant, bad signature) is still counted. Unknown keys, ops keys and requests without a key
 * are not a merchant's usage.
 */
import type { MiddlewareObj, Request } from '@middy/core';
import { type UsageRecord, usageLogLine } from '../usage/record.js';
import { type ApiEvent, header, parsedOf } from './api-event.js';
import { apiKeyResolver } from './api-key-resolver.js';
import type { ApiResult } from './responses.js';

const BEARER = /^Bearer +(\S{1,512}) *$/i;

/** Where usage lines go: stdout, which Lambda ships to the function's log group. Replaceable in tests. */
export type UsageSink = (line: string) => void;

const stdoutSink: UsageSink = (line) => {
  // Straight to stdout, not through a logger: the line must not depend on the logger's level or format.
  process.stdout.write(`${line}\n`);
};
let sink: UsageSink = stdoutSink;

/** Replaces the sink (tests); `undefined` restores stdout. */
export function setUsageSink(next: UsageSink | undefined): void {
  sink = next ?? stdoutSink;
}

async function merchantOf(event: ApiEvent): Promise<string | undefined> {
  const auth = parsedOf(event).auth;
  if (auth) return auth.role === 'merchant' ? auth.merchantId : undefined;
  const key = BEARER.exec(header(event, 'authorization') ?? '')?.[1];
  if (!key) return undefined;
  try {
    const record = await apiKeyResolver()(key);
    return record?.role === 'merchant' ? record.merchantId : undefined;
  } catch {
    // The key store is unreachable: auth answered 5xx without knowing the caller, and neither do we.
    return undefined;
  }
}

function responseHeader(response: ApiResult | undefined, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(response?.headers ?? {}))
    if (key.toLowerCase() === lower) return String(value);
  return undefined;
}

/** The record of an answered request, or `undefined` when the caller is no merchant. */
export async function usageRecordOf(
  event: ApiEvent,
  response: ApiResult | undefined,
): Promise<UsageRecord | undefined> {
  const merchantId = await merchantOf(event);
  if (!merchantId) return undefined;
  // No response after every onError: Lambda reports an error and API Gateway answers 500.
  const status = response?.statusCode ?? 500;
  const epoch = event.requestContext?.timeEpoch;
  return {
    merchantId,
    route: event.routeKey ?? '$default',
    status,
    at: new Date(typeof epoch === 'number' && epoch > 0 ? epoch : Date.now()).toISOString(),
    created: status === 201 && responseHeader(response, 'Idempotent-Replayed') !== 'true',
  };
}

/** middy middleware writing the usage line of each answer, once. */
export function usageMeter(): MiddlewareObj<ApiEvent, ApiResult> {
  // An after-middleware that throws sends the request through onError: write one line, not two.
  const metered = new WeakSet<object>();
  const meter = async (request: Request<ApiEvent, ApiResult>) => {
    if (metered.has(request)) return;
    metered.add(request);
    try {
      const record = await usageRecordOf(request.event, request.response ?? undefined);
      if (record) sink(usageLogLine(record));
    } catch {
      // Metering never changes an answer.
    }
  };
  return { after: meter, onError: meter };
}
