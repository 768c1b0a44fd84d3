/**
 * Sends SQS messages (the channel checks) with one signed AWS JSON 1.0 call, fetch and the SDK's own
 * SigV4 signer, as shared/aws/sfn.ts does and for the same reason: `@aws-sdk/client-sqs` adds ~24 KB
 * to the dispatcher, whose bundle the DynamoDB client and the channel adapters already bring near the
 * 300 KB budget (measured 2026-12-06: 312 KB with the client, 286 KB with this). The endpoint is
 * the SDK's `AWS_ENDPOINT_URL_SQS` when set (the local runtime's emulation), else the regional one.
 */
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import { defaultProvider } from './env-credentials.js';

export interface SqsEntry {
  readonly Id: string;
  readonly MessageBody: string;
  readonly DelaySeconds?: number;
}

const MAX_ATTEMPTS = 3;

/** One SQS JSON call (`SendMessage`, `SendMessageBatch`). @throws Error naming the service's error. */
export async function sqsCall(
  action: 'SendMessage' | 'SendMessageBatch',
  input: Record<string, unknown>,
  fetchImpl: typeof fetch = (url, init) => fetch(url, init),
): Promise<Record<string, unknown>> {
  const region = process.env.AWS_REGION ?? 'us-east-1';
  const url = new URL(
    process.env.AWS_ENDPOINT_URL_SQS ||
      process.env.AWS_ENDPOINT_URL ||
      `https://sqs.${region}.amazonaws.com/`,
  );
  const signer = new SignatureV4({ service: 'sqs', region, credentials: defaultProvider(), sha256: Sha256 });
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
        'x-amz-target': `AmazonSQS.${action}`,
      },
      body,
    });
    const { host: _host, ...headers } = signed.headers;
    const response = await fetchImpl(url, { method: 'POST', headers, body });
    const answer = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (response.ok) return answer;
    const type = String(answer.__type ?? `Http${response.status}`)
      .split('#')
      .pop();
    const throttled = response.status >= 500 || /Throttl|RequestThrottled/.test(String(type));
    if (throttled && attempt < MAX_ATTEMPTS) {
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 100 * 2 ** attempt));
      continue;
    }
    throw new Error(`SQS ${action} failed: ${type}${answer.message ? ` (${String(answer.message)})` : ''}`);
  }
}

/** Sends up to 10 entries. @throws Error when SQS refused the call or any entry. */
export async function sendMessageBatch(queueUrl: string, entries: readonly SqsEntry[]): Promise<void> {
  const out = await sqsCall('SendMessageBatch', { QueueUrl: queueUrl, Entries: entries });
  const failed = (out.Failed as { Code?: string }[] | undefined) ?? [];
  if (failed.length > 0) throw new Error(`SQS refused messages: ${failed.map((f) => f.Code).join(', ')}`);
}

export async function sendMessage(queueUrl: string, body: string): Promise<void> {
  await sqsCall('SendMessage', { QueueUrl: queueUrl, MessageBody: body });
}
