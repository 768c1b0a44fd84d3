/**
 * Other services' functions run in the test's own process, for tests of their callers: one local Lambda
 * endpoint (local/src/lambda-api.ts) serving each function by name, whose handler runs against the same
 * (mocked or local) DynamoDB client, answering as Lambda does, a thrown error included. Each function's
 * ARN goes to its caller's environment variable; the endpoint and credentials to sign with are set too.
 * Call before importing the callers: they read their environment once, when loaded.
 */
import { randomUUID } from 'node:crypto';
import { after } from 'node:test';
import { startLambdaEndpoint } from '../../local/src/lambda-api.js';
import { createLogger } from '../../local/src/log.js';

export interface InProcessFunction {
  /** The function's name in its ARN. */
  readonly name: string;
  /** The caller's environment variable that holds its ARN. */
  readonly envVar: string;
  /** Its handler (a module's import is deferred to the first call, when the test's environment is set). */
  readonly handle: (event: unknown) => Promise<unknown> | unknown;
}

export const inProcessArn = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:${name}:live`;

const handlerOf =
  (load: () => Promise<{ handler: (event: unknown) => Promise<unknown> }>) => async (event: unknown) =>
    (await load()).handler(event);

/**
 * What create-payment reads of other services' items, through their owners' functions: risk's merchant
 * risk profile, the channels' routing configuration and channel facts.
 */
export const CREATE_PAYMENT_READS: readonly InProcessFunction[] = [
  {
    name: 'merchant-risk-profile',
    envVar: 'MERCHANT_RISK_PROFILE_FUNCTION_ARN',
    handle: handlerOf(() => import('../../functions/internal/merchant-risk-profile.js')),
  },
  {
    name: 'routing-config',
    envVar: 'ROUTING_CONFIG_FUNCTION_ARN',
    handle: handlerOf(() => import('../../functions/internal/routing-config.js')),
  },
  {
    name: 'channel-facts',
    envVar: 'CHANNEL_FACTS_FUNCTION_ARN',
    handle: handlerOf(() => import('../../functions/internal/channel-facts.js')),
  },
];

export interface InProcessEndpoint {
  readonly url: string;
  /** Payloads received, by function name, in order. */
  readonly received: ReadonlyMap<string, unknown[]>;
}

/** Serves `functions` until the test file ends (see the file comment). */
export async function serveInProcess(functions: readonly InProcessFunction[]): Promise<InProcessEndpoint> {
  const received = new Map<string, unknown[]>(functions.map((f) => [f.name, []]));
  const endpoint = await startLambdaEndpoint({
    log: createLogger({ quiet: true }),
    functions: new Map(
      functions.map((f) => [
        f.name,
        {
          async invoke(event: unknown, requestId = randomUUID()) {
            received.get(f.name)?.push(event);
            const t = performance.now();
            try {
              const payload = await f.handle(event);
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
  for (const f of functions) process.env[f.envVar] = inProcessArn(f.name);
  process.env.AWS_ENDPOINT_URL_LAMBDA = endpoint.url;
  process.env.AWS_ACCESS_KEY_ID ??= 'test';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
  return { url: endpoint.url, received };
}
