/**
 * Starts Step Functions executions (the settlement route): one signed AWS JSON 1.0 call with fetch and
 * the SDK's own SigV4 signer, hand-written because `@aws-sdk/client-sfn` adds ~23 KB to a route bundle
 * that already carries the DynamoDB client, middy and zod, which put it over 300 KB. The endpoint is the
 * SDK's `AWS_ENDPOINT_URL_SFN` when set (the local runtime's emulation), else the regional one.
 */

import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import { CodedError } from '../domain/errors.js';
import { defaultProvider } from './env-credentials.js';

/** Step Functions refused a second execution of that name (it exists, or existed). */
export class ExecutionAlreadyExistsError extends CodedError<'execution_already_exists'> {
  override readonly name = 'ExecutionAlreadyExistsError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('execution_already_exists', message, options);
  }
}

export interface StartExecution {
  readonly stateMachineArn: string;
  readonly name: string;
  readonly input: string;
}

const MAX_ATTEMPTS = 3;

/** StartExecution. @throws ExecutionAlreadyExistsError; an Error naming the service's error otherwise. */
export async function startExecution(
  input: StartExecution,
  fetchImpl: typeof fetch = fetch,
): Promise<{ executionArn: string }> {
  const region = process.env.AWS_REGION ?? 'us-east-1';
  const url = new URL(
    process.env.AWS_ENDPOINT_URL_SFN ||
      process.env.AWS_ENDPOINT_URL ||
      `https://states.${region}.amazonaws.com/`,
  );
  const signer = new SignatureV4({
    service: 'states',
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
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'AWSStepFunctions.StartExecution',
      },
      body,
    });
    const { host: _host, ...headers } = signed.headers;
    const response = await fetchImpl(url, { method: 'POST', headers, body });
    const answer = (await response.json().catch(() => ({}))) as {
      executionArn?: string;
      __type?: string;
      message?: string;
    };
    if (response.ok && answer.executionArn) return { executionArn: answer.executionArn };
    const type = answer.__type?.split('#').pop() ?? `Http${response.status}`;
    if (type === 'ExecutionAlreadyExists') throw new ExecutionAlreadyExistsError(answer.message ?? type);
    if ((response.status >= 500 || type === 'ThrottlingException') && attempt < MAX_ATTEMPTS) {
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 100 * 2 ** attempt));
      continue;
    }
    throw new Error(`StartExecution failed: ${type}${answer.message ? ` (${answer.message})` : ''}`);
  }
}
