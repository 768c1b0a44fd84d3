/**
 * One signed AWS JSON protocol call with fetch and the SDK's own SigV4 signer: what Step Functions
 * (sfn.ts), SQS sends (sqs-send.ts) and Secrets Manager reads (secrets-manager.ts) use instead of their
 * SDK clients. Each client is 13–24 KB of a bundle that the DynamoDB client, middy and zod already bring
 * near the 300 KB budget (measured 2026-12-06; the figures are in each caller's comment). The endpoint is
 * the SDK's `AWS_ENDPOINT_URL_<SERVICE>` when set (the local runtime's emulation), else the regional one.
 * Throttling and 5xx are retried as the SDK clients retry them (3 attempts, jittered backoff).
 */
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import { defaultProvider } from './env-credentials.js';

/** As the SDK clients' (see dynamodb.ts). */
const MAX_ATTEMPTS = 3;

export interface AwsJsonService {
  /** SigV4 signing name, e.g. `states`. */
  readonly signingName: string;
  /** The regional host's first label, e.g. `states` for `states.<region>.amazonaws.com`. */
  readonly hostPrefix: string;
  /** The SDK's endpoint variable, e.g. `AWS_ENDPOINT_URL_SFN`. */
  readonly endpointVariable: string;
  /** `X-Amz-Target` before the operation, e.g. `AWSStepFunctions`. */
  readonly targetPrefix: string;
  readonly jsonVersion: '1.0' | '1.1';
}

/** The service refused the call (after the retries): its error type (`ThrottlingException`…) and message. */
export class AwsJsonCallError extends Error {
  override readonly name = 'AwsJsonCallError';
  constructor(
    readonly type: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** `operation` with `input`; the answer's JSON. @throws AwsJsonCallError */
export async function awsJsonCall(
  service: AwsJsonService,
  operation: string,
  input: object,
  fetchImpl: typeof fetch = (url, init) => fetch(url, init),
): Promise<Record<string, unknown>> {
  const region = process.env.AWS_REGION ?? 'us-east-1';
  const url = new URL(
    process.env[service.endpointVariable] ||
      process.env.AWS_ENDPOINT_URL ||
      `https://${service.hostPrefix}.${region}.amazonaws.com/`,
  );
  const signer = new SignatureV4({
    service: service.signingName,
    region,
    credentials: defaultProvider(),
    sha256: Sha256,
  });
  const body = JSON.stringify(input);
  for (let attempt = 1; ; attempt++) {
    const signed = await signer.sign({
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path: url.pathname,
      query: {},
      headers: {
        host: url.host,
        'content-type': `application/x-amz-json-${service.jsonVersion}`,
        'x-amz-target': `${service.targetPrefix}.${operation}`,
      },
      body,
    });
    const { host: _host, ...headers } = signed.headers;
    const response = await fetchImpl(url, { method: 'POST', headers, body });
    const answer = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (response.ok) return answer;
    const type =
      String(answer.__type ?? `Http${response.status}`)
        .split('#')
        .pop() || 'Error';
    const throttled = response.status >= 500 || /Throttl/.test(type);
    if (throttled && attempt < MAX_ATTEMPTS) {
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 100 * 2 ** attempt));
      continue;
    }
    const message = answer.message ?? answer.Message;
    throw new AwsJsonCallError(
      type,
      response.status,
      typeof message === 'string' ? message : `${operation} answered ${response.status}`,
    );
  }
}
