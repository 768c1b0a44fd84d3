/**
 * The DynamoDB client, created once per execution environment (module scope) and reused across
 * invocations so connections and credentials are kept warm.
 *
 * The endpoint is never configured here: SDK v3 reads `AWS_ENDPOINT_URL_DYNAMODB` itself, which is how
 * the local runtime and the integration tests point the same code at DynamoDB Local.
 */
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';

/**
 * Three attempts: enough to ride out a throttle or a dropped connection inside an API request's
 * latency budget, without multiplying the load on a table that is already throttling.
 */
export const DEFAULT_MAX_ATTEMPTS = 3;

let shared: DynamoDBClient | undefined;

/** Builds a new client; `AWS_REGION` is set by Lambda, the local runtime and the tests. */
export function createDynamoDbClient(config: DynamoDBClientConfig = {}): DynamoDBClient {
  return new DynamoDBClient({
    region: process.env.AWS_REGION ?? 'us-east-1',
    maxAttempts: DEFAULT_MAX_ATTEMPTS,
    ...config,
  });
}

/** The process-wide client, created on first use. */
export function dynamoDbClient(): DynamoDBClient {
  shared ??= createDynamoDbClient();
  return shared;
}

/** Replaces the process-wide client (tests inject a client bound to DynamoDB Local or a mock). */
export function setDynamoDbClient(client: DynamoDBClient | undefined): void {
  shared = client;
}
