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

export interface LambdaClientConfig {
  readonly region?: string;
  readonly endpoint?: string;
  readonly maxAttempts?: number;
  readonly credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

export interface InvokeCommandInput {
  readonly FunctionName: string;
  readonly InvocationType?: 'RequestResponse' | 'Event' | 'DryRun';
  readonly Payload?: Uint8Array;
}

export interface InvokeCommandOutput {
  readonly StatusCode: number;
  readonly FunctionError?: string;
  readonly ExecutedVersion?: string;
  readonly Payload?: Uint8Array;
}

export class InvokeCommand {
  constructor(readonly input: InvokeCommandInput) {}
}

/** A refusal of the Lambda API (not a function error): named by its type, as the SDK names them. */
export class LambdaServiceError extends Error {
  constructor(
    type: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = type;
  }
}

export class LambdaClient {
  private readonly region: string;
  private readonly signer: SignatureV4;

  constructor(private readonly config: LambdaClientConfig = {}) {
    this.region = config.region ?? process.env.AWS_REGION ?? 'us-east-1';
    const fixed = config.credentials;
    this.signer = new SignatureV4({
      service: 'lambda',
      region: this.region,
      credentials: fixed ? async () => fixed : defaultProvider(),
      sha256: Sha256,
    });
  }

  async send(command: InvokeCommand): Promise<InvokeCommandOutput> {
    const { FunctionName, InvocationType = 'RequestResponse', Payload } = command.input;
    const base = new URL(
      this.config.endpoint ||
        process.env.AWS_ENDPOINT_URL_LAMBDA ||
        process.env.AWS_ENDPOINT_URL ||
        `https://lambda.${this.region}.amazonaws.com/`,
    );
    const url = new URL(`/2015-03-31/functions/${encodeURIComponent(FunctionName)}/invocations`, base);
    const body = Payload ?? new Uint8Array();
    const attempts = this.config.maxAttempts ?? 3;
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
      const response = await fetch(url, { method: 'POST', headers, body });
      const bytes = new Uint8Array(await response.arrayBuffer());
      if (response.ok) {
        const functionError = response.headers.get('x-amz-function-error');
        const version = response.headers.get('x-amz-executed-version');
        return {
          StatusCode: response.status,
          ...(functionError ? { FunctionError: functionError } : {}),
          ...(version ? { ExecutedVersion: version } : {}),
          ...(bytes.length > 0 ? { Payload: bytes } : {}),
        };
      }
      const type = (response.headers.get('x-amzn-errortype') ?? `Http${response.status}`).split(':')[0] ?? '';
      if ((response.status === 429 || response.status >= 500) && attempt < attempts) {
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 100 * 2 ** attempt));
        continue;
      }
      throw new LambdaServiceError(type || 'Error', response.status, messageOf(bytes, response.status));
    }
  }

  destroy(): void {}
}

function messageOf(bytes: Uint8Array, status: number): string {
  try {
    const body = JSON.parse(new TextDecoder().decode(bytes)) as { message?: unknown; Message?: unknown };
    const message = body.message ?? body.Message;
    if (typeof message === 'string') return message;
  } catch {
    // Not JSON: the status says enough.
  }
  return `Lambda Invoke answered ${status}`;
}
