/**
 * One signed POST to an AWS API with fetch and the SDK's own SigV4 signer, retried as the SDK clients
 * retry (3 attempts, jittered backoff): what the calls that skip their SDK client share (json-call.ts for
 * the AWS JSON protocols; services/invoke.ts for Lambda's REST Invoke). The endpoint is the SDK's
 * `AWS_ENDPOINT_URL_<SERVICE>` when set (the local runtime's emulation), else the regional one.
 */
import { InvokeStore } from '@aws/lambda-invoke-store';
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import { defaultProvider } from './env-credentials.js';

/** As the SDK clients' (see dynamodb.ts). */
const MAX_ATTEMPTS = 3;

export interface SignedEndpoint {
  /** SigV4 signing name, e.g. `states`. */
  readonly signingName: string;
  /** The regional host's first label, e.g. `states` for `states.<region>.amazonaws.com`. */
  readonly hostPrefix: string;
  /** The SDK's endpoint variable, e.g. `AWS_ENDPOINT_URL_SFN`. */
  readonly endpointVariable: string;
}

export interface SignedPost {
  /** Appended to the endpoint's path (`''` for the JSON protocols' `/`). */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** Whether an answer that is not ok is worth another attempt (throttling, 5xx). */
  readonly retryable: (response: Response, text: string) => boolean;
  /** Whether a connection dropped before an answer is tried again (@default false: it is thrown). */
  readonly retryDropped?: boolean;
  /** Aborts the call: the attempt in flight is cancelled and no other is made (a caller's deadline). */
  readonly signal?: AbortSignal | undefined;
  readonly fetchImpl?: typeof fetch;
}

// One signer per service and region in a container, like one client: credentials are read per request.
const signers = new Map<string, SignatureV4>();

/** The final answer (ok, or not ok after the retries) and its body's text. */
export async function signedPost(
  endpoint: SignedEndpoint,
  request: SignedPost,
): Promise<{ response: Response; text: string }> {
  const region = process.env.AWS_REGION ?? 'us-east-1';
  const base = new URL(
    process.env[endpoint.endpointVariable] ||
      process.env.AWS_ENDPOINT_URL ||
      `https://${endpoint.hostPrefix}.${region}.amazonaws.com/`,
  );
  const path = request.path === '' ? base.pathname : `${base.pathname.replace(/\/+$/, '')}${request.path}`;
  const key = `${endpoint.signingName} ${region}`;
  let signer = signers.get(key);
  if (!signer) {
    signer = new SignatureV4({
      service: endpoint.signingName,
      region,
      credentials: defaultProvider(),
      sha256: Sha256,
    });
    signers.set(key, signer);
  }
  const fetchImpl = request.fetchImpl ?? ((url, init) => fetch(url, init));
  const trace = await traceHeader(request.headers);
  const { signal } = request;
  for (let attempt = 1; ; attempt++) {
    const signed = await signer.sign({
      method: 'POST',
      protocol: base.protocol,
      hostname: base.hostname,
      ...(base.port ? { port: Number(base.port) } : {}),
      path,
      query: {},
      headers: { host: base.host, ...trace, ...request.headers },
      body: request.body,
    });
    const { host: _host, ...headers } = signed.headers;
    let response: Response;
    try {
      // An aborted signal rejects the fetch, before or during the attempt.
      response = await fetchImpl(new URL(path, base), {
        method: 'POST',
        headers,
        body: request.body,
        signal: signal ?? null,
      });
    } catch (error) {
      if (request.retryDropped && attempt < MAX_ATTEMPTS && !signal?.aborted) {
        await backoff(attempt);
        continue;
      }
      throw error;
    }
    const text = await response.text();
    if (response.ok || attempt >= MAX_ATTEMPTS || signal?.aborted || !request.retryable(response, text))
      return { response, text };
    await backoff(attempt);
  }
}

/**
 * The invocation's X-Ray trace header, as the SDK clients' recursion-detection middleware sends it
 * (@aws-sdk/core, `recursionDetectionMiddleware`): in a Lambda function, the trace id of the invocation
 * (Lambda's InvokeStore, else `_X_AMZN_TRACE_ID`) goes out as `X-Amzn-Trace-Id` unless the caller set
 * one. An invoked function with active tracing then follows the caller's sampling decision and records
 * into the caller's trace instead of starting one of its own (and SQS keeps it as `AWSTraceHeader`).
 */
async function traceHeader(headers: Readonly<Record<string, string>>): Promise<Record<string, string>> {
  if (!process.env.AWS_LAMBDA_FUNCTION_NAME) return {};
  if (Object.keys(headers).some((h) => h.toLowerCase() === 'x-amzn-trace-id')) return {};
  const store = await InvokeStore.getInstanceAsync();
  const traceId = store?.getXRayTraceId() ?? process.env._X_AMZN_TRACE_ID;
  return traceId ? { 'x-amzn-trace-id': traceId } : {};
}

const backoff = (attempt: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * 100 * 2 ** attempt));
