/**
 * One Lambda execution environment: a worker thread with its own `process.env` (the function's
 * environment) that imports the bundle once (the cold start) and runs one invocation at a time, as
 * Lambda does. The runner terminates the thread on timeout, which is what Lambda does to a sandbox.
 */

import { setPriority } from 'node:os';
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
// This file never runs as TypeScript: the runner bundles it into plain JavaScript once (lambda-runner.ts).
import type { InvokeMessage, LambdaError, WorkerData, WorkerMessage } from './lambda-protocol.js';

type UsageMeter = ReturnType<typeof import('./invocation-usage.js')['invocationUsageMeter']>;

type Handler = (
  event: unknown,
  context: unknown,
  callback?: (error: unknown, result?: unknown) => void,
) => unknown;

const data = workerData as WorkerData;
const port = parentPort;
if (!port) throw new Error('lambda-worker must run in a worker thread');

/** Lambda's error shape for anything thrown. */
function toLambdaError(error: unknown, fallbackType = 'Error'): LambdaError {
  if (error instanceof Error) {
    return {
      errorType: error.name || fallbackType,
      errorMessage: error.message,
      stackTrace: (error.stack ?? '')
        .split('\n')
        .slice(1)
        .map((l) => l.trim()),
    };
  }
  return { errorType: fallbackType, errorMessage: typeof error === 'string' ? error : JSON.stringify(error) };
}

function post(message: WorkerMessage): void {
  port?.postMessage(message);
}

async function init(): Promise<Handler | undefined> {
  // On Linux a nice value belongs to a thread, and pid 0 names the calling one: only this environment's
  // thread is lowered. Elsewhere it would lower the whole runtime, so it is left alone.
  if (data.background > 0 && process.platform === 'linux') {
    try {
      setPriority(0, data.background);
    } catch {
      // Not allowed here: the environment runs at the runtime's priority.
    }
  }
  // NODE_OPTIONS in a worker's env is not applied; honour the one flag CDK bundles rely on.
  if (process.env.NODE_OPTIONS?.includes('--enable-source-maps')) process.setSourceMapsEnabled(true);
  const started = performance.now();
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(data.file).href)) as Record<string, unknown>;
  } catch (error) {
    post({ type: 'init-error', error: { ...toLambdaError(error), errorType: 'Runtime.ImportModuleError' } });
    return undefined;
  }
  const handler = module[data.exportName];
  if (typeof handler !== 'function') {
    const error: LambdaError = {
      errorType: 'Runtime.HandlerNotFound',
      errorMessage: `${data.file}.${data.exportName} is undefined or not exported`,
    };
    post({ type: 'init-error', error });
    return undefined;
  }
  post({ type: 'ready', initMs: Math.round(performance.now() - started) });
  return handler as Handler;
}

function context(message: InvokeMessage) {
  return {
    awsRequestId: message.requestId,
    functionName: data.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: data.invokedFunctionArn,
    memoryLimitInMB: String(data.memorySize),
    logGroupName: `/aws/lambda/${data.functionName}`,
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, message.deadline - Date.now()),
  };
}

function run(handler: Handler, message: InvokeMessage): Promise<unknown> {
  const event = JSON.parse(message.event) as unknown;
  // As Lambda's Node.js runtime does for each invocation: the SDK clients (and signed-post.ts) send it on.
  process.env._X_AMZN_TRACE_ID = message.traceId;
  // Callback-style handlers (three parameters) are still supported by the nodejs runtimes.
  if (handler.length >= 3) {
    return new Promise((resolve, reject) => {
      handler(event, context(message), (error, result) => (error ? reject(error) : resolve(result)));
    });
  }
  return Promise.resolve(handler(event, context(message)));
}

/**
 * The bench's per-invocation CPU and call meter (invocation-usage.ts), initialised only when the runtime is
 * metered. Bundled into this entry by the runner (lambda-runner.ts), so it is not a file loaded here.
 */
async function usageMeter(): Promise<UsageMeter | undefined> {
  if (!data.measureUsage) return undefined;
  const meter = await import('./invocation-usage.js');
  return meter.invocationUsageMeter();
}

const handler = await init();
const meter = await usageMeter();
if (handler) {
  port.on('message', async (message: InvokeMessage) => {
    meter?.begin();
    try {
      const result = await run(handler, message);
      // Lambda serializes the result to JSON; `undefined` becomes `null`.
      const payload = JSON.stringify(result ?? null);
      post({ type: 'result', id: message.id, payload, ...(meter && { usage: meter.end() }) });
    } catch (error) {
      post({
        type: 'error',
        id: message.id,
        error: toLambdaError(error),
        ...(meter && { usage: meter.end() }),
      });
    }
  });
}
