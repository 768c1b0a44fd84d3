/**
 * How one service asks another to do what only the owner may do (DESIGN.md 7: "cross-service writes go
 * through events or the owning service's route"): a Lambda Invoke of a function the owner publishes
 * (`/payments/<stage>/<service>/functions/<name>/arn`, its `live` alias), granted to the caller by IAM.
 * Payload and answer are plain JSON; each pair is described by a zod schema in shared/ that both sides import.
 *
 * The Invoke API (REST-JSON: `POST /2015-03-31/functions/<arn>/invocations`) is one signed POST
 * (aws/signed-post.ts), as json-call.ts calls Step Functions, SQS and Secrets Manager: the Lambda client
 * is 88 KB of a bundle (its schemas of every Lambda operation; measured 2026-12-07 with esbuild, the
 * bundles' settings: ops-payments 270 → 358 KB), which would put every caller over the 300 KB budget;
 * this way it adds 3.6 KB (270 → 273.4 KB).
 * The endpoint is the SDK's `AWS_ENDPOINT_URL_LAMBDA` when set (the local runtime's Lambda endpoint),
 * else the regional one. Throttling, 5xx and dropped connections are retried as the SDK clients retry
 * them (3 attempts, jittered backoff): callers' operations are idempotent.
 */
import { type SignedEndpoint, signedPost } from '../aws/signed-post.js';

const LAMBDA: SignedEndpoint = {
  signingName: 'lambda',
  hostPrefix: 'lambda',
  endpointVariable: 'AWS_ENDPOINT_URL_LAMBDA',
};

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
  /**
   * Gives up on the call (the request in flight is aborted, no retry follows): for a caller with a
   * deadline of its own, such as flow control's leases. The invoked function may still run.
   */
  readonly signal?: AbortSignal;
}

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
  const { response, text } = await signedPost(LAMBDA, {
    path: `/2015-03-31/functions/${encodeURIComponent(functionArn)}/invocations`,
    headers: {
      'content-type': 'application/json',
      'x-amz-invocation-type': options.async ? 'Event' : 'RequestResponse',
    },
    body: JSON.stringify(payload),
    retryable: (r) => r.status >= 500 || r.status === 429,
    retryDropped: true,
    signal: options.signal,
  });
  if (!response.ok) {
    const refusal = parseRefusal(response, text);
    throw new InvokeCallError(functionArn, refusal.type, response.status, refusal.message);
  }
  if (options.async) return undefined as T;
  if (response.headers.get('x-amz-function-error')) {
    const error = parseError(text);
    throw new InvokedFunctionError(functionArn, error.errorType, error.errorMessage);
  }
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

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
