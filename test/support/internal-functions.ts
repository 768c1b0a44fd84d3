/**
 * Internal functions served in-process behind the local Lambda endpoint (local/src/lambda-api.ts), so a
 * caller's client (shared/services/invoke.ts, the real SDK) reaches the real handler: sync and Event
 * invocations, errors as Lambda reports them. Every payload a function receives is kept for assertions.
 */
import { type LambdaEndpoint, startLambdaEndpoint } from '../../local/src/lambda-api.js';
import { createLogger } from '../../local/src/log.js';

export type InternalHandler = (event: any) => Promise<unknown>;

export interface ServedFunctions {
  /** `arn:aws:lambda:…:function:<name>:live` of a served function. */
  arn(name: string): string;
  /** Payloads received, per function name, in order. */
  readonly received: Map<string, unknown[]>;
  /** Resolves once every queued (Event) invocation ran. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

/** Serves `handlers` (by function name) and points the process's Lambda calls at them (as the runtime does). */
export async function serveFunctions(
  handlers: Record<string, () => InternalHandler>,
  options: { asyncRetryDelaysMs?: number[] } = {},
): Promise<ServedFunctions> {
  const received = new Map<string, unknown[]>();
  const functions = new Map(
    Object.entries(handlers).map(([name, handler]) => [
      name,
      {
        async invoke(event: unknown, requestId = 'r') {
          received.set(name, [...(received.get(name) ?? []), event]);
          try {
            return { ok: true as const, requestId, durationMs: 1, payload: await handler()(event) };
          } catch (error) {
            const { name: errorType, message: errorMessage } = error as Error;
            return { ok: false as const, requestId, durationMs: 1, error: { errorType, errorMessage } };
          }
        },
      },
    ]),
  );
  const endpoint: LambdaEndpoint = await startLambdaEndpoint({
    log: createLogger({ quiet: true }),
    asyncRetryDelaysMs: options.asyncRetryDelaysMs ?? [10, 20],
    functions,
  });
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_LAMBDA: endpoint.url,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
  });
  return {
    arn: (name) => `arn:aws:lambda:us-east-1:000000000000:function:${name}:live`,
    received,
    settled: () => endpoint.settled(),
    async close() {
      delete process.env.AWS_ENDPOINT_URL_LAMBDA;
      await endpoint.close();
    },
  };
}
