/**
 * Core's channel outcomes function (and its object-states read) run in the test's own process, for tests
 * of its callers (the callback, the dispatcher, the checks): a local Lambda endpoint (local/src/lambda-api.ts) whose function is its
 * handler, against the same (mocked or local) DynamoDB client, answering as Lambda does, a thrown error
 * included. The callers' tests keep asserting the writes the outcome makes, wherever it is made.
 */
import { randomUUID } from 'node:crypto';
import { after } from 'node:test';
import { startLambdaEndpoint } from '../../local/src/lambda-api.js';
import { createLogger } from '../../local/src/log.js';

export const CORE_OUTCOMES_FUNCTION = 'apply-channel-outcomes';
export const CORE_OUTCOMES_ARN = `arn:aws:lambda:us-east-1:000000000000:function:${CORE_OUTCOMES_FUNCTION}:live`;
/** Core's read for the same callers (where their payments and refunds stand), served beside it. */
export const OBJECT_STATES_FUNCTION = 'object-states';
export const OBJECT_STATES_ARN = `arn:aws:lambda:us-east-1:000000000000:function:${OBJECT_STATES_FUNCTION}:live`;

type Handler = (event: unknown) => Promise<unknown>;
const HANDLERS: Record<string, () => Promise<Handler>> = {
  [CORE_OUTCOMES_FUNCTION]: async () =>
    (await import('../../functions/internal/apply-channel-outcomes.js')).handler as Handler,
  [OBJECT_STATES_FUNCTION]: async () =>
    (await import('../../functions/internal/object-states.js')).handler as Handler,
};

/**
 * Sets the callers' environment (the function's ARN, the endpoint, credentials to sign with) and serves
 * their invocations in-process until the test file ends. Call before importing them.
 */
export async function invokeCoreOutcomesInProcess(): Promise<{ readonly url: string }> {
  const endpoint = await startLambdaEndpoint({
    log: createLogger({ quiet: true }),
    functions: new Map(
      Object.entries(HANDLERS).map(([name, load]) => [
        name,
        {
          async invoke(event: unknown, requestId = randomUUID()) {
            const handler = await load();
            const t = performance.now();
            try {
              const payload = await handler(event);
              return { ok: true as const, payload, requestId, durationMs: performance.now() - t };
            } catch (e) {
              const error = { errorType: (e as Error).name, errorMessage: (e as Error).message };
              return { ok: false as const, error, requestId, durationMs: performance.now() - t };
            }
          },
        },
      ]),
    ),
  });
  after(() => endpoint.close());
  process.env.APPLY_CHANNEL_OUTCOMES_FUNCTION_ARN = CORE_OUTCOMES_ARN;
  process.env.OBJECT_STATES_FUNCTION_ARN = OBJECT_STATES_ARN;
  process.env.AWS_ENDPOINT_URL_LAMBDA = endpoint.url;
  process.env.AWS_ACCESS_KEY_ID ??= 'test';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
  return endpoint;
}
