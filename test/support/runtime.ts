/**
 * The local runtime for end-to-end tests, in the test's own process: a free port, in-memory DynamoDB
 * Local, errors printed (set `LOCAL_RUNTIME_LOGS=1` for the request and function logs too).
 *
 * `cdk synth` runs only when the sources differ from those `cdk.out` was built from (by content), so with
 * several e2e files (two at a time) the first to start synthesizes, one that found it stale at the same
 * moment waits for that synthesis and reuses it (local/src/synth.ts), and the later ones reuse it too.
 * Call `stop()` in `after()`: it stops the workers, pollers, PSP and the DynamoDB Local process group.
 */
import type { Logger } from '../../local/src/log.js';
import { type LocalRuntime, startLocalRuntime } from '../../local/src/runtime.js';

export type { LocalRuntime } from '../../local/src/runtime.js';

export interface StartRuntimeOptions {
  /** Delay before the sandbox PSP calls back; short values keep tests fast. */
  readonly callbackDelayMs?: number;
  /** Caps every queue's visibility timeout, so a failing message is dead-lettered within seconds. */
  readonly maxVisibilityTimeoutSeconds?: number;
  /** Caps every SQS mapping's batching window, for tests that count receives against a clock. */
  readonly maxBatchingWindowSeconds?: number;
  /** Scales state machines' retry intervals (0.01: a 2 s backoff waits 20 ms). */
  readonly stepFunctionsTimeScale?: number;
  /** Variables added to every function's environment (e.g. shorter channel check bounds). */
  readonly functionEnvironment?: Readonly<Record<string, string>>;
  /** Log subscription delivery (batch window, double delivery), for the usage metering tests. */
  readonly logSubscriptions?: { batchWindowMs?: number; retryDelayMs?: number; deliverTwice?: boolean };
  /** Receives the runtime's lines, the functions' included (tests that read what was logged). */
  readonly log?: Logger;
  /** Application log level of every function (default: the template's). */
  readonly logLevel?: string;
}

/** Starts the whole local system on a random port. */
export function startRuntime(options: StartRuntimeOptions = {}): Promise<LocalRuntime> {
  return startLocalRuntime({
    port: 0,
    quiet: process.env.LOCAL_RUNTIME_LOGS !== '1',
    ...(options.callbackDelayMs !== undefined ? { callbackDelayMs: options.callbackDelayMs } : {}),
    ...(options.maxVisibilityTimeoutSeconds !== undefined
      ? { maxVisibilityTimeoutSeconds: options.maxVisibilityTimeoutSeconds }
      : {}),
    ...(options.stepFunctionsTimeScale !== undefined
      ? { stepFunctionsTimeScale: options.stepFunctionsTimeScale }
      : {}),
    ...(options.functionEnvironment ? { functionEnvironment: options.functionEnvironment } : {}),
    ...(options.logSubscriptions ? { logSubscriptions: options.logSubscriptions } : {}),
    ...(options.log ? { log: options.log } : {}),
    ...(options.logLevel ? { logLevel: options.logLevel } : {}),
    ...(options.maxBatchingWindowSeconds !== undefined
      ? { maxBatchingWindowSeconds: options.maxBatchingWindowSeconds }
      : {}),
  });
}
