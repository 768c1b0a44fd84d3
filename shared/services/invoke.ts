/**
 * How one service asks another to do what only the owner may do (DESIGN.md 7: "cross-service writes go
 * through events or the owning service's route"): a Lambda Invoke of a function the owner publishes
 * (`/payments/<stage>/<service>/functions/<name>/arn`, its `live` alias), granted to the caller by IAM.
 * Payload and answer are plain JSON; each pair is described by a zod schema in shared/ that both sides import.
 *
 * The endpoint is never configured here: SDK v3 reads `AWS_ENDPOINT_URL_LAMBDA`, which the local runtime
 * sets to its own Lambda Invoke endpoint.
 */
import { InvokeCommand, LambdaClient, type LambdaClientConfig } from '@aws-sdk/client-lambda';

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

let shared: LambdaClient | undefined;

/** The process-wide client, created on first use and kept warm across invocations. */
export function lambdaClient(config: LambdaClientConfig = {}): LambdaClient {
  shared ??= new LambdaClient({ region: process.env.AWS_REGION ?? 'us-east-1', maxAttempts: 3, ...config });
  return shared;
}

/** Replaces the process-wide client (tests bind one to a local endpoint or a mock). */
export function setLambdaClient(client: LambdaClient | undefined): void {
  shared = client;
}

export interface InvokeOptions {
  /**
   * Queue the invocation (`InvocationType: Event`) and return once Lambda accepted it: Lambda retries a
   * failed run twice. For work the caller need not wait for; the answer is not seen.
   */
  readonly async?: boolean;
}

/**
 * Invokes `functionArn` with `payload`. Synchronously (the default) it resolves with the function's
 * answer parsed as JSON; a function error rejects with {@link InvokedFunctionError}, and a failed call
 * (throttled, not found, not allowed) rejects with the SDK's error.
 */
export async function invokeFunction<T = unknown>(
  functionArn: string | undefined,
  payload: unknown,
  options: InvokeOptions = {},
): Promise<T> {
  if (!functionArn) throw new Error('invokeFunction: no function ARN (is its environment variable set?)');
  const out = await lambdaClient().send(
    new InvokeCommand({
      FunctionName: functionArn,
      InvocationType: options.async ? 'Event' : 'RequestResponse',
      Payload: new TextEncoder().encode(JSON.stringify(payload)),
    }),
  );
  if (options.async) return undefined as T;
  const text = out.Payload ? new TextDecoder().decode(out.Payload) : '';
  if (out.FunctionError) {
    const error = parseError(text);
    throw new InvokedFunctionError(functionArn, error.errorType, error.errorMessage);
  }
  return (text === '' ? undefined : JSON.parse(text)) as T;
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
