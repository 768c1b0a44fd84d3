/**
 * One end-to-end set-up for every file in test/e2e: registers `before` (start the local runtime on a
 * random port) and `after` (stop it, and any client made for it), and hands out what the tests use,
 * made once the runtime is up: the runtime, an API client per local key, an SQS client on the local
 * endpoint. Read them inside tests and hooks, never at module level (the runtime is not up yet).
 */
import { after, before } from 'node:test';
import { SQSClient } from '@aws-sdk/client-sqs';
import { Api, MERCHANT_1, MERCHANT_2 } from './http.js';
import { type LocalRuntime, type StartRuntimeOptions, startRuntime } from './runtime.js';

/** The contract's local ops key. */
export const OPS_KEY = 'sk_test_ops';

export interface E2e {
  readonly runtime: LocalRuntime;
  /** Merchant 1's client (`sk_test_demo_1`); a request may pass another key. */
  readonly api: Api;
  /** Merchant 2's client (`sk_test_demo_2`). */
  readonly api2: Api;
  /** The ops key's client. */
  readonly ops: Api;
  /** An SQS client on the runtime's SQS endpoint, made on first use. */
  readonly sqs: SQSClient;
}

/**
 * Starts the runtime for the calling test file. Default options: the sandbox PSP calls back after
 * 200 ms; `options` override them.
 */
export function useLocalRuntime(options: StartRuntimeOptions = {}): E2e {
  let runtime: LocalRuntime | undefined;
  let sqs: SQSClient | undefined;
  const clients = new Map<string, Api>();
  const up = (): LocalRuntime => {
    if (!runtime) throw new Error('the local runtime is not started: use it inside tests and hooks');
    return runtime;
  };
  const client = (key: string): Api => {
    let api = clients.get(key);
    if (!api) {
      api = new Api(up().url, key);
      clients.set(key, api);
    }
    return api;
  };

  before(async () => {
    runtime = await startRuntime({ callbackDelayMs: 200, ...options });
  });
  after(async () => {
    sqs?.destroy();
    await runtime?.stop();
  });

  return {
    get runtime() {
      return up();
    },
    get api() {
      return client(MERCHANT_1.key);
    },
    get api2() {
      return client(MERCHANT_2.key);
    },
    get ops() {
      return client(OPS_KEY);
    },
    get sqs() {
      sqs ??= new SQSClient({
        endpoint: up().sqsEndpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      });
      return sqs;
    },
  };
}
