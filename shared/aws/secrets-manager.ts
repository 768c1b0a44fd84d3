/**
 * Reads a secret (the channels' credentials, channels/credentials.ts) with one signed AWS JSON 1.1 call,
 * fetch and the SDK's own SigV4 signer, as sfn.ts and sqs-send.ts do and for the same reason:
 * `@aws-sdk/client-secrets-manager` is ~13 KB of the callback's, the dispatcher's, the checks' and the
 * reconciliation runs' bundles, which the DynamoDB client and the channels' code already bring near the
 * 300 KB budget (measured 2026-12-06: reconciliation runs 321 KB with the client, 308 KB without).
 * The Parameters and Secrets Lambda extension would save the same bytes, but adds a layer to four
 * functions, its own cache beside ours, and an endpoint the local runtime would have to serve.
 *
 * The endpoint is the SDK's `AWS_ENDPOINT_URL_SECRETS_MANAGER` when set (the local runtime's emulation),
 * else the regional one.
 */
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import { defaultProvider } from './env-credentials.js';

/** What GetSecretValue answers that we read. */
export interface SecretValue {
  readonly SecretString?: string | undefined;
  readonly VersionId?: string | undefined;
}

/** Reads the secret `secretId` (ARN or name). @throws Error named as the service's error */
export type SecretReader = (secretId: string) => Promise<SecretValue>;

/** As the SDK clients' (see dynamodb.ts). */
const MAX_ATTEMPTS = 3;

/** A service error, named as Secrets Manager names it (`ResourceNotFoundException`…). */
export class SecretsManagerError extends Error {
  constructor(
    override readonly name: string,
    message: string,
  ) {
    super(message);
  }
}

/** GetSecretValue. @throws SecretsManagerError; throttling and 5xx are retried first. */
export async function getSecretValue(
  secretId: string,
  fetchImpl: typeof fetch = (url, init) => fetch(url, init),
): Promise<SecretValue> {
  const region = process.env.AWS_REGION ?? 'us-east-1';
  const url = new URL(
    process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER ||
      process.env.AWS_ENDPOINT_URL ||
      `https://secretsmanager.${region}.amazonaws.com/`,
  );
  const signer = new SignatureV4({
    service: 'secretsmanager',
    region,
    credentials: defaultProvider(),
    sha256: Sha256,
  });
  const body = JSON.stringify({ SecretId: secretId });
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
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'secretsmanager.GetSecretValue',
      },
      body,
    });
    const { host: _host, ...headers } = signed.headers;
    const response = await fetchImpl(url, { method: 'POST', headers, body });
    const answer = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (response.ok)
      return {
        ...(typeof answer.SecretString === 'string' ? { SecretString: answer.SecretString } : {}),
        ...(typeof answer.VersionId === 'string' ? { VersionId: answer.VersionId } : {}),
      };
    const type =
      String(answer.__type ?? `Http${response.status}`)
        .split('#')
        .pop() ?? 'Error';
    const message = String(answer.message ?? answer.Message ?? `GetSecretValue answered ${response.status}`);
    const throttled = response.status >= 500 || /Throttl/.test(type);
    if (throttled && attempt < MAX_ATTEMPTS) {
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 100 * 2 ** attempt));
      continue;
    }
    throw new SecretsManagerError(type, message);
  }
}

let shared: SecretReader = (secretId) => getSecretValue(secretId);

/** The process-wide reader: GetSecretValue, unless a test replaced it. */
export const readSecret: SecretReader = (secretId) => shared(secretId);

/** Replaces the process-wide reader (tests read through a mock); undefined restores GetSecretValue. */
export function setSecretReader(reader: SecretReader | undefined): void {
  shared = reader ?? ((secretId) => getSecretValue(secretId));
}
