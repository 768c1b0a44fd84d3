/**
 * Another service's function as a test sees it: `handle` served at `arn` by the local runtime's Lambda
 * endpoint, which `invokeFunction` reaches through `AWS_ENDPOINT_URL_LAMBDA` (set here, with the dummy
 * credentials the signer needs, and restored by `close`). A thrown error is the function's error.
 */
import { type LambdaEndpoint, startLambdaEndpoint } from '../../local/src/lambda-api.js';
import { createLogger } from '../../local/src/log.js';

export interface FunctionStub {
  readonly arn: string;
  /** The payloads it was invoked with, in order. */
  readonly received: unknown[];
  close(): Promise<void>;
}

export async function startFunctionStub(
  name: string,
  handle: (event: unknown) => unknown,
): Promise<FunctionStub> {
  const received: unknown[] = [];
  const endpoint: LambdaEndpoint = await startLambdaEndpoint({
    log: createLogger({ quiet: true }),
    asyncRetryDelaysMs: [],
    functions: new Map([
      [
        name,
        {
          async invoke(event: unknown, requestId = 'r') {
            received.push(event);
            try {
              return { ok: true as const, requestId, durationMs: 1, payload: await handle(event) };
            } catch (error) {
              const { name: errorType, message } = error as Error;
              return {
                ok: false as const,
                requestId,
                durationMs: 1,
                error: { errorType, errorMessage: message },
              };
            }
          },
        },
      ],
    ]),
  });
  const saved = {
    AWS_ENDPOINT_URL_LAMBDA: process.env.AWS_ENDPOINT_URL_LAMBDA,
    AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY,
  };
  process.env.AWS_ENDPOINT_URL_LAMBDA = endpoint.url;
  process.env.AWS_ACCESS_KEY_ID ??= 'local';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
  return {
    arn: `arn:aws:lambda:us-east-1:000000000000:function:${name}:live`,
    received,
    async close() {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
      await endpoint.close();
    },
  };
}
