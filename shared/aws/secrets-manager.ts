/**
 * The Secrets Manager client, created once per execution environment (module scope) and reused across
 * invocations (the channels' credentials, channels/credentials.ts).
 *
 * The endpoint is never configured here: SDK v3 reads `AWS_ENDPOINT_URL_SECRETS_MANAGER` itself, which is
 * how the local runtime points the same code at its GetSecretValue endpoint.
 */
import { SecretsManagerClient, type SecretsManagerClientConfig } from '@aws-sdk/client-secrets-manager';

/** As for DynamoDB (see dynamodb.ts); not imported from there, so as not to bundle that client. */
const DEFAULT_MAX_ATTEMPTS = 3;

let shared: SecretsManagerClient | undefined;

/** Builds a new client; `AWS_REGION` is set by Lambda, the local runtime and the tests. */
export function createSecretsManagerClient(config: SecretsManagerClientConfig = {}): SecretsManagerClient {
  return new SecretsManagerClient({
    region: process.env.AWS_REGION ?? 'us-east-1',
    maxAttempts: DEFAULT_MAX_ATTEMPTS,
    ...config,
  });
}

/** The process-wide client, created on first use. */
export function secretsManagerClient(): SecretsManagerClient {
  shared ??= createSecretsManagerClient();
  return shared;
}

/** Replaces the process-wide client (tests inject a mock or a client bound to a local endpoint). */
export function setSecretsManagerClient(client: SecretsManagerClient | undefined): void {
  shared = client;
}
