/**
 * Bundling alias for `@aws-sdk/client-lambda` (infra/constructs/function-bundles.ts): the one operation
 * our functions call, Invoke (shared/services/invoke.ts), as one signed REST call with fetch and the SDK's
 * own SigV4 signer, as json-call.ts does for Step Functions, SQS and Secrets Manager. The SDK client is
 * ~85 KB of a bundle (its operations' schemas and error classes alone 63 KB, not tree-shaken; measured
 * 2026-12-07: get-settlement 268 KB → 357 KB with it, 273 KB with this), which would put every caller over
 * the 300 KB budget. Same surface as the SDK's for what invoke.ts uses; tests run the sources and the SDK.
 * The endpoint is `AWS_ENDPOINT_URL_LAMBDA` when set (the local runtime), else the regional one. Throttling,
 * 5xx and dropped connections are retried as the SDK retries them (3 attempts, jittered backoff).
 */
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import { defaultProvider } from './env-credentials.js';

export interface LambdaClientConfig {
  readonly region?: string;
  readonly maxAttempts?: number;
}

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

/** Lambda refused the call (after the retries): its error type (`ResourceNotFoundException`…) as the name. */
export class LambdaServiceError extends Error {
  readonly $metadata: { readonly httpStatusCode: number };
  constructor(name: string, status: number, message: string) {
    super(message);
    this.name = name;
    this.$metadata = { httpStatusCode: status };
  }
}

export class LambdaClient {
  private readonly region: string;
  private readonly maxAttempts: number;
  private readonly signer: SignatureV4;

  constructor(config: LambdaClientConfig = {}) {
    this.region = config.region ?? process.env.AWS_REGION ?? 'us-east-1';
    this.maxAttempts = config.maxAttempts ?? 3;
    this.signer = new SignatureV4({
      service: 'lambda',
      region: this.region,
      credentials: defaultProvider(),
      sha256: Sha256,
    });
  }

  async send(command: InvokeCommand): Promise<InvokeCommandOutput> {
    const { FunctionName, InvocationType = 'RequestResponse', Payload } = command.input;
    const base =
      process.env.AWS_ENDPOINT_URL_LAMBDA ||
      process.env.AWS_ENDPOINT_URL ||
      `https://lambda.${this.region}.amazonaws.com`;
    const url = new URL(`/2015-03-31/functions/${encodeURIComponent(FunctionName)}/invocations`, base);
    const body = Payload ?? new Uint8Array();
    for (let attempt = 1; ; attempt++) {
      const signed = await this.signer.sign({
        method: 'POST',
        protocol: url.protocol,
        hostname: url.hostname,
        ...(url.port ? { port: Number(url.port) } : {}),
        path: url.pathname,
        query: {},
        headers: {
          host: url.host,
          'content-type': 'application/json',
          'x-amz-invocation-type': InvocationType,
        },
        body,
      });
      const { host: _host, ...headers } = signed.headers;
      let response: Response;
      try {
        response = await fetch(url, { method: 'POST', headers, body });
      } catch (error) {
        if (attempt < this.maxAttempts) {
          await backoff(attempt);
          continue;
        }
        throw error;
      }
      const bytes = new Uint8Array(await response.arrayBuffer());
      if (response.ok) {
        const functionError = response.headers.get('x-amz-function-error');
        return {
          StatusCode: response.status,
          ...(functionError ? { FunctionError: functionError } : {}),
          ...(bytes.length > 0 ? { Payload: bytes } : {}),
        };
      }
      const error = serviceError(response, bytes);
      const retryable = response.status === 429 || response.status >= 500 || /Throttl/.test(error.name);
      if (retryable && attempt < this.maxAttempts) {
        await backoff(attempt);
        continue;
      }
      throw error;
    }
  }

  destroy(): void {}
}

function backoff(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.random() * 100 * 2 ** attempt));
}

function serviceError(response: Response, bytes: Uint8Array): LambdaServiceError {
  let answer: Record<string, unknown> = {};
  try {
    answer = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
  } catch {}
  const type =
    response.headers.get('x-amzn-errortype')?.split(':')[0] ||
    String(answer.Type ?? answer.__type ?? `Http${response.status}`)
      .split('#')
      .pop() ||
    'Error';
  const message = answer.message ?? answer.Message;
  return new LambdaServiceError(
    type,
    response.status,
    typeof message === 'string' ? message : `Invoke answered ${response.status}`,
  );
}
