/**
 * Reads a secret (the channels' credentials, channels/credentials.ts) with one signed AWS JSON 1.1 call
 * (json-call.ts), as sfn.ts and sqs-send.ts do and for the same reason:
 * `@aws-sdk/client-secrets-manager` is ~13 KB of the callback's, the dispatcher's, the checks' and the
 * reconciliation runs' bundles, which the DynamoDB client and the channels' code already bring near the
 * 300 KB budget (measured 2026-12-06: reconciliation runs 321 KB with the client, 308 KB without).
 * The Parameters and Secrets Lambda extension would save the same bytes, but adds a layer to four
 * functions, its own cache beside ours, and an endpoint the local runtime would have to serve.
 *
 * The endpoint is the SDK's `AWS_ENDPOINT_URL_SECRETS_MANAGER` when set (the local runtime's emulation),
 * else the regional one.
 */
import { AwsJsonCallError, type AwsJsonService, awsJsonCall } from './json-call.js';

/** What GetSecretValue answers that we read. */
export interface SecretValue {
  readonly SecretString?: string | undefined;
  readonly VersionId?: string | undefined;
}

/** Reads the secret `secretId` (ARN or name). @throws Error named as the service's error */
export type SecretReader = (secretId: string) => Promise<SecretValue>;

const SECRETS_MANAGER: AwsJsonService = {
  signingName: 'secretsmanager',
  hostPrefix: 'secretsmanager',
  endpointVariable: 'AWS_ENDPOINT_URL_SECRETS_MANAGER',
  targetPrefix: 'secretsmanager',
  jsonVersion: '1.1',
};

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
export async function getSecretValue(secretId: string, fetchImpl?: typeof fetch): Promise<SecretValue> {
  let answer: Record<string, unknown>;
  try {
    answer = await awsJsonCall(SECRETS_MANAGER, 'GetSecretValue', { SecretId: secretId }, fetchImpl);
  } catch (error) {
    if (error instanceof AwsJsonCallError) throw new SecretsManagerError(error.type, error.message);
    throw error;
  }
  return {
    ...(typeof answer.SecretString === 'string' ? { SecretString: answer.SecretString } : {}),
    ...(typeof answer.VersionId === 'string' ? { VersionId: answer.VersionId } : {}),
  };
}

let shared: SecretReader = (secretId) => getSecretValue(secretId);

/** The process-wide reader: GetSecretValue, unless a test replaced it. */
export const readSecret: SecretReader = (secretId) => shared(secretId);

/** Replaces the process-wide reader (tests read through a mock); undefined restores GetSecretValue. */
export function setSecretReader(reader: SecretReader | undefined): void {
  shared = reader ?? ((secretId) => getSecretValue(secretId));
}
