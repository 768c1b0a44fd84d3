/**
 * Bundling alias for `@aws-sdk/client-lambda` (infra/constructs/function-bundles.ts): the `Invoke`
 * operation only — `LambdaClient#send(new InvokeCommand(...))`, as shared/services/invoke.ts calls it —
 * as one SigV4-signed REST-JSON request with fetch and the SDK's own signer, like json-call.ts does for
 * the JSON protocol services. Tests and scripts run the real client; bundles get this.
 *
 * Why: the SDK client registers the schemas and error classes of every Lambda operation when it is
 * imported (schemas_0.js 44.8 KB, errors.js 16.8 KB: 69 KB minified in all), which took the channel
 * callback from under the 300 KB budget to 358.8 KB, the dispatcher to 354.1 KB, the checks to 342.0 KB
 * and the reconciliation runs to 370.4 KB (measured 2026-12-07). The endpoint is the SDK's
 * `AWS_ENDPOINT_URL_LAMBDA` when set (the local runtime's Lambda endpoint), else the regional one.
 * Throttling and 5xx are retried as the SDK client retries them (3 attempts, jittered backoff).
 */
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import { defaultProvider } from './env-credentials.js';

/** The part of the SDK's configuration this honours. */
export interface LambdaClientConfig {
  readonly region?: string;
  readonly endpoint?: string;
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
  readonly ExecutedVersion?: string;
  readonly Payload?: Uint8Array;
}

export class InvokeCommand {
  constructor(readonly input: InvokeCommandInput) {}
}

/** Lambda refused the call (after the retries): its error type (`TooManyRequestsException`…) and message. */
export class LambdaServiceException extends Error {
  constructor(
    override readonly name: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export class LambdaClient {
  private readonly region: string;
  private readonly endpoint: string;
  private readonly maxAttempts: number;
  private readonly signer: SignatureV4;

  constructor(config: LambdaClientConfig = {}) {
    this.region = config.region ?? process.env.AWS_REGION ?? 'us-east-1';
    this.endpoint =
      config.endpoint ??
      (process.env.AWS_ENDPOINT_URL_LAMBDA ||
        process.env.AWS_ENDPOINT_URL ||
        `https://lambda.${this.region}.amazonaws.com`);
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
    const base = new URL(this.endpoint);
    const path = `${base.pathname.replace(/\/$/, '')}/2015-03-31/functions/${encodeURIComponent(FunctionName)}/invocations`;
    const body = Payload ?? new Uint8Array();
    for (let attempt = 1; ; attempt++) {
      const signed = await this.signer.sign({
        method: 'POST',
        protocol: base.protocol,
        hostname: base.hostname,
        ...(base.port ? { port: Number(base.port) } : {}),
        path,
        query: {},
        headers: {
          host: base.host,
          'content-type': 'application/octet-stream',
          'x-amz-invocation-type': InvocationType,
        },
        body,
      });
      const { host: _host, ...headers } = signed.headers;
      const response = await fetch(new URL(path, base), { method: 'POST', headers, body });
      const bytes = new Uint8Array(await response.arrayBuffer());
      if (response.ok) {
        const functionError = response.headers.get('x-amz-function-error');
        const version = response.headers.get('x-amz-executed-version');
        return {
          StatusCode: response.status,
          ...(functionError ? { FunctionError: functionError } : {}),
          ...(version ? { ExecutedVersion: version } : {}),
          Payload: bytes,
        };
      }
      const type = (response.headers.get('x-amzn-errortype') ?? `Http${response.status}`).split(':')[0];
      const retry = response.status >= 500 || response.status === 429;
      if (retry && attempt < this.maxAttempts) {
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 100 * 2 ** attempt));
        continue;
      }
      const text = new TextDecoder().decode(bytes);
      let message = `Invoke answered ${response.status}`;
      try {
        const parsed = JSON.parse(text) as { message?: unknown; Message?: unknown };
        const m = parsed.message ?? parsed.Message;
        if (typeof m === 'string') message = m;
      } catch {
        // Not JSON: the status says enough.
      }
      throw new LambdaServiceException(type || 'Error', response.status, message);
    }
  }
}
