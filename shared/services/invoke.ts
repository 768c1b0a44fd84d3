/**
 * How one service asks another to do what only the owner may do (DESIGN.md 7: "cross-service writes go
 * through events or the owning service's route"): a Lambda Invoke of a function the owner publishes
 * (`/payments/<stage>/<service>/functions/<name>/arn`, its `live` alias), granted to the caller by IAM.
 * Payload and answer are plain JSON; each pair is described by a zod schema in shared/ that both sides import.
 *
 * The endpoint is never configured here: `AWS_ENDPOINT_URL_LAMBDA` when set (as the SDK reads it; the local
 * runtime sets it to its own Lambda Invoke endpoint), else the regional one.
 */
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import { defaultProvider } from '../aws/env-credentials.js';

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

/** Lambda refused the call itself (throttled after the retries, not found, not allowed): its error type. */
export class InvokeCallError extends Error {
  constructor(
    readonly functionArn: string,
    readonly status: number,
    readonly errorType: string,
    message: string,
  ) {
    super(`${functionArn}: ${errorType} (${status}): ${message}`);
    this.name = 'InvokeCallError';
  }
}

export interface InvokeOptions {
  /**
   * Queue the invocation (`InvocationType: Event`) and return once Lambda accepted it: Lambda retries a
   * failed run twice. For work the caller need not wait for; the answer is not seen.
   */
  readonly async?: boolean;
}

/** As the SDK clients' (shared/aws/dynamodb.ts): throttling and 5xx are tried three times in all. */
const MAX_ATTEMPTS = 3;

/**
 * Invokes `functionArn` with `payload`. Synchronously (the default) it resolves with the function's
 * answer parsed as JSON; a function error rejects with {@link InvokedFunctionError}, and a failed call
 * (throttled, not found, not allowed) rejects with {@link InvokeCallError}.
 *
 * One signed `fetch` of Lambda's REST `Invoke` rather than `@aws-sdk/client-lambda`: the client carries
 * the schemas of every Lambda operation and the REST protocol, ~105 KB of each caller's bundle (measured
 * on the risk consumer: 271 → 376 KB, past the 300 KB budget); the signer is the one the DynamoDB client
 * already bundles (json-call.ts does the same for Step Functions, SQS and Secrets Manager).
 */
export async function invokeFunction<T = unknown>(
  functionArn: string | undefined,
  payload: unknown,
  options: InvokeOptions = {},
  fetchImpl: typeof fetch = (url, init) => fetch(url, init),
): Promise<T> {
  if (!functionArn) throw new Error('invokeFunction: no function ARN (is its environment variable set?)');
  const region = process.env.AWS_REGION ?? 'us-east-1';
  const base = new URL(
    process.env.AWS_ENDPOINT_URL_LAMBDA ||
      process.env.AWS_ENDPOINT_URL ||
      `https://lambda.${region}.amazonaws.com/`,
  );
  const path = `${base.pathname.replace(/\/+$/, '')}/2015-03-31/functions/${encodeURIComponent(functionArn)}/invocations`;
  const url = new URL(path, base);
  const body = JSON.stringify(payload);
  signer ??= new SignatureV4({ service: 'lambda', region, credentials: defaultProvider(), sha256: Sha256 });
  for (let attempt = 1; ; attempt++) {
    const signed = await signer.sign({
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path,
      query: {},
      headers: {
        host: url.host,
        'content-type': 'application/json',
        'x-amz-invocation-type': options.async ? 'Event' : 'RequestResponse',
      },
      body,
    });
    const { host: _host, ...headers } = signed.headers;
    const response = await fetchImpl(url, { method: 'POST', headers, body });
    const text = await response.text();
    if (response.ok) {
      if (options.async) return undefined as T;
      if (response.headers.get('x-amz-function-error')) {
        const error = parseError(text);
        throw new InvokedFunctionError(functionArn, error.errorType, error.errorMessage);
      }
      return (text === '' ? undefined : JSON.parse(text)) as T;
    }
    const type = response.headers.get('x-amzn-errortype')?.split(':')[0] || errorTypeOf(text);
    if ((response.status >= 500 || response.status === 429) && attempt < MAX_ATTEMPTS) {
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 100 * 2 ** attempt));
      continue;
    }
    throw new InvokeCallError(functionArn, response.status, type, text);
  }
}

/** One signer per container (its region and the role's credentials do not change). */
let signer: SignatureV4 | undefined;

function errorTypeOf(text: string): string {
  try {
    const body = JSON.parse(text) as { __type?: unknown; Type?: unknown };
    const type = body.__type ?? body.Type;
    return typeof type === 'string' ? (type.split('#').pop() ?? type) : 'Error';
  } catch {
    return 'Error';
  }
}

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
