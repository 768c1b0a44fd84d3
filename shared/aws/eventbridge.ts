/**
 * The EventBridge client, created once per execution environment (module scope) and reused across
 * invocations.
 *
 * The endpoint is never configured here: SDK v3 reads `AWS_ENDPOINT_URL_EVENTBRIDGE` itself, which is how
 * the local runtime points the same code at its emulated bus.
 */
import { EventBridgeClient, type EventBridgeClientConfig } from '@aws-sdk/client-eventbridge';

/** As for DynamoDB (see dynamodb.ts); not imported from there, so as not to bundle that client. */
const DEFAULT_MAX_ATTEMPTS = 3;

let shared: EventBridgeClient | undefined;

/** Builds a new client; `AWS_REGION` is set by Lambda, the local runtime and the tests. */
export function createEventBridgeClient(config: EventBridgeClientConfig = {}): EventBridgeClient {
  return new EventBridgeClient({
    region: process.env.AWS_REGION ?? 'us-east-1',
    maxAttempts: DEFAULT_MAX_ATTEMPTS,
    ...config,
  });
}

/** The process-wide client, created on first use. */
export function eventBridgeClient(): EventBridgeClient {
  shared ??= createEventBridgeClient();
  return shared;
}

/** Replaces the process-wide client (tests inject a mock or a client bound to a local endpoint). */
export function setEventBridgeClient(client: EventBridgeClient | undefined): void {
  shared = client;
}
