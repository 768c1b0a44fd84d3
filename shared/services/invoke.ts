/**
 * How one service asks another to do what only the owner may do (DESIGN.md 7: "cross-service writes go
 * through events or the owning service's route"): a Lambda Invoke of a function the owner publishes
 * (`/payments/<stage>/<service>/functions/<name>/arn`, its `live` alias), granted to the caller by IAM.
 * Payload and answer are plain JSON; each pair is described by a zod schema in shared/ that both sides import.
 *
 * The Invoke API (REST-JSON: `POST /2015-03-31/functions/<arn>/invocations`) is called with fetch and the
 * SDK's own SigV4 signer, as json-call.ts calls Step Functions, SQS and Secrets Manager: the Lambda client
 * is 88 KB of a bundle (its schemas of every Lambda operation; measured 2026-12-07 with esbuild, the
 * bundles' settings: ops-payments 270 → 358 KB), which would put every caller over the 300 KB budget;
 * this way it adds 3.6 KB (270 → 273.4 KB).
 * The endpoint is the SDK's `AWS_ENDPOINT_URL_LAMBDA` when set (the local runtime's Lambda endpoint),
 * else the regional one. Throttling, 5xx and dropped connections are retried as the SDK clients retry
 * them (3 attempts, jittered backoff): callers' operations are idempotent.
 */
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import { defaultProvider } from '../aws/env-credentials.js';

/** As the SDK clients' (see shared/aws/dynamodb.ts). */
const MAX_ATTEMPTS = 3;

/** The invoked function failed (its handler threw, timed out or could not start). */
export class InvokedFunctionError extends Error {
  constructor(
    readonly functionArn: string,
    readonly errorType: string,
    message: string,
  ) {
    super(`${functionArn}: ${errorType}: ${message}`);
    this.name = 'InvokedFunctionError';
  }
}

/** Lambda refused the call itself (not found, not allowed, throttled after the retries…). */
export class InvokeCallError extends Error {
  override readonly name = 'InvokeCallError';
  constructor(
    readonly functionArn: string,
    /** Lambda's error type (`ResourceNotFoundException`, `TooManyRequestsException`…), `Http<status>` else. */
    readonly type: string,
    readonly status: number,
    message: string,
  ) {
    super(`${functionArn}: ${type}: ${message}`);
  }
}

export interface InvokeOptions {
  /**
   * Queue the invocation (`InvocationType: Event`) and return once Lambda accepted it: Lambda retries a
   * failed run twice. For work the caller need not wait for; the answer is not seen.
   */
  readonly async?: boolean;
}

let signer: SignatureV4 | undefined;

/**
 * Invokes `functionArn` with `payload`. Synchronously (the default) it resolves with the function's
 * answer parsed as JSON; a function error rejects with {@link InvokedFunctionError}, and a failed call
 * (throttled, not found, not allowed) rejects with {@link InvokeCallError}.
 */
export async function invokeFunction<T = unknown>(
  functionArn: string | undefined,
  payload: unknown,
  options: InvokeOptions = {},
): Promise<T> {
  if (!functionArn) throw new Error('invokeFunction: no function ARN (is its environment variable set?)');
  const region = process.env.AWS_REGION ?? 'us-east-1';
  const endpoint = new URL(
    process.env.AWS_ENDPOINT_URL_LAMBDA ||
      process.env.AWS_ENDPOINT_URL ||
      `https://lambda.${region}.amazonaws.com/`,
  );
  // One signer per container, like one client: its credentials are read from the environment per call.
  signer ??= new SignatureV4({ service: 'lambda', region, credentials: defaultProvider(), sha256: Sha256 });
  const path = `${endpoint.pathname.replace(/\/+$/, '')}/2015-03-31/functions/${encodeURIComponent(functionArn)}/invocations`;
  const body = JSON.stringify(payload);
  for (let attempt = 1; ; attempt++) {
    const signed = await signer.sign({
      method: 'POST',
      protocol: endpoint.protocol,
      hostname: endpoint.hostname,
      ...(endpoint.port ? { port: Number(endpoint.port) } : {}),
      path,
      query: {},
      headers: {
        host: endpoint.host,
        'content-type': 'application/json',
        'x-amz-invocation-type': options.async ? 'Event' : 'RequestResponse',
      },
      body,
    });
    const { host: _host, ...headers } = signed.headers;
    let response: Response;
    try {
      response = await fetch(new URL(path, endpoint), { method: 'POST', headers, body });
    } catch (error) {
      // A connection dropped before an answer: as the SDK, try again.
      if (attempt < MAX_ATTEMPTS) {
        await backoff(attempt);
        continue;
      }
      throw error;
    }
    const text = await response.text();
    if (response.ok) {
      if (options.async) return undefined as T;
      const functionError = response.headers.get('x-amz-function-error');
      if (functionError) {
        const error = parseError(text);
        throw new InvokedFunctionError(functionArn, error.errorType, error.errorMessage);
      }
      return (text === '' ? undefined : JSON.parse(text)) as T;
    }
    const refusal = parseRefusal(response, text);
    if ((response.status >= 500 || response.status === 429) && attempt < MAX_ATTEMPTS) {
      await backoff(attempt);
      continue;
    }
    throw new InvokeCallError(functionArn, refusal.type, response.status, refusal.message);
  }
}

const backoff = (attempt: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * 100 * 2 ** attempt));

/** A function error's answer: `{ errorType, errorMessage, trace }`. */
function parseError(text: string): { errorType: string; errorMessage: string } {
  try {
    const body = JSON.parse(text) as { errorType?: unknown; errorMessage?: unknown };
    return {
      errorType: typeof body.errorType === 'string' ? body.errorType : 'Error',
      errorMessage: typeof body.errorMessage === 'string' ? body.errorMessage : text,
    };
  } catch {
    return { errorType: 'Error', errorMessage: text };
  }
}

/** Lambda's refusal: its type in `x-amzn-ErrorType` (`Type:url`) or the body's `Type`/`__type`. */
function parseRefusal(response: Response, text: string): { type: string; message: string } {
  let body: { Type?: unknown; __type?: unknown; message?: unknown; Message?: unknown } = {};
  try {
    body = JSON.parse(text);
  } catch {}
  const header = response.headers.get('x-amzn-errortype')?.split(':')[0];
  const raw = header || (typeof body.__type === 'string' ? body.__type : undefined);
  const type = raw?.split('#').pop() || `Http${response.status}`;
  const message = body.message ?? body.Message;
  return { type, message: typeof message === 'string' ? message : `Invoke answered ${response.status}` };
}
