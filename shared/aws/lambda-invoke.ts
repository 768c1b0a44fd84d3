/**
 * Bundling alias for `@aws-sdk/client-lambda` (infra/constructs/function-bundles.ts): the one operation
 * our functions call, `Invoke` (shared/services/invoke.ts), as a signed fetch with the SDK's own SigV4
 * signer, like json-call.ts does for Step Functions, SQS and Secrets Manager. The SDK client brings the
 * models of every Lambda operation: 69 KB minified of each caller's bundle (measured 2026-12-07 on
 * resolve-discrepancy: 356 KB with it, over the 300 KB budget). Same shapes as the SDK's for what
 * invoke.ts uses: `new LambdaClient(config)`, `send(new InvokeCommand(input))` answering `StatusCode`,
 * `FunctionError`, `Payload`. Tests outside a bundle use the SDK client itself.
 *
 * REST-JSON: `POST /2015-03-31/functions/<name or ARN>/invocations`, `X-Amz-Invocation-Type`; a function
 * error is a 200 with `X-Amz-Function-Error`. Throttling (429) and 5xx are retried as the SDK retries
 * them (maxAttempts, default 3, jittered backoff); any other refusal throws an error named by its type.
 */
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import { defaultProvider } from './env-credentials.js';

/** Accepted for the SDK's shape; a function's environment configures the client (see the class). */
export type LambdaClientConfig = object;

export interface InvokeCommandInput {
  readonly FunctionName: string;
  readonly InvocationType?: 'RequestResponse' | 'Event' | 'DryRun';
  readonly Payload?: Uint8Array;
}

export interface InvokeCommandOutput {
  readonly StatusCode: number;
  readonly FunctionError?: string;
  readonly Payload?: Uint8Array;
}

export class InvokeCommand {
  constructor(readonly input: InvokeCommandInput) {}
}

/**
 * Configured by the function's environment only, as Lambda and the local runtime set it: `AWS_REGION`,
 * `AWS_ENDPOINT_URL_LAMBDA` (the local runtime's endpoint), the role's credentials; 3 attempts.
 */
export class LambdaClient {
  private readonly signer: SignatureV4;
  private readonly base: string;

  constructor(_config?: LambdaClientConfig) {
    const region = process.env.AWS_REGION ?? 'us-east-1';
    this.signer = new SignatureV4({
      service: 'lambda',
      region,
      credentials: defaultProvider(),
      sha256: Sha256,
    });
    this.base = process.env.AWS_ENDPOINT_URL_LAMBDA || `https://lambda.${region}.amazonaws.com`;
  }

  async send(command: InvokeCommand, attempt = 1): Promise<InvokeCommandOutput> {
    const { FunctionName, InvocationType = 'RequestResponse', Payload: body } = command.input;
    const url = new URL(`/2015-03-31/functions/${encodeURIComponent(FunctionName)}/invocations`, this.base);
    // The host header is signed, and fetch sets it itself.
    const { host: _host, ...headers } = (
      await this.signer.sign({
        method: 'POST',
        protocol: url.protocol,
        hostname: url.hostname,
        path: url.pathname,
        headers: { host: url.host, 'x-amz-invocation-type': InvocationType },
        body,
      })
    ).headers;
    const response = await fetch(url, { method: 'POST', headers, body });
    const { status, ok } = response;
    if (ok)
      return {
        StatusCode: status,
        FunctionError: response.headers.get('x-amz-function-error') || undefined,
        Payload: new Uint8Array(await response.arrayBuffer()),
      };
    if ((status === 429 || status >= 500) && attempt < 3) {
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 100 * 2 ** attempt));
      return this.send(command, attempt + 1);
    }
    // A refusal of the Lambda API (not a function error): its type, as the SDK names its error.
    throw new Error(`Lambda Invoke ${status} ${response.headers.get('x-amzn-errortype')}`);
  }
}
