/**
 * The functions' wiring: which of the template's functions run locally (those an HTTP route, a stream
 * or queue mapping, a state machine or another function's granted Lambda Invoke calls: the others are
 * never invoked), each in its own worker with its resolved environment, and the one way the API and the
 * pollers invoke them.
 */
import { httpApiWiring } from './api-routes.js';
import type { LocalConfig } from './config.js';
import { sqsMappings } from './event-wiring.js';
import { functionSpec } from './functions.js';
import { invokedFunctionIds } from './lambda-api.js';
import { DEFAULT_LAMBDA_CONCURRENCY, type InvokeResult, LambdaFunction } from './lambda-runner.js';
import type { Logger } from './log.js';
import { LogDelivery, logSubscriptions } from './log-subscriptions.js';
import { requestGate } from './request-gate.js';
import { type ResolveContext, resolveValue } from './resolve.js';
import { LOCAL_ACCOUNT, LOCAL_REGION, type LocalRuntimeOptions } from './runtime-options.js';
import type { Cleanup } from './runtime-stop.js';
import type { SqsBroker } from './sqs.js';
import type { StateMachineConfig } from './stepfunctions-machines.js';
import { streamMappings } from './stream-mappings.js';
import type { LoadedTemplate } from './template.js';

export interface FunctionWiringInput {
  readonly loaded: LoadedTemplate;
  readonly ctx: ResolveContext;
  readonly machines: readonly StateMachineConfig[];
  /** Whether a function's stack runs (`--only`): what invokes the others' functions is left out. */
  readonly runs?: (logicalId: string) => boolean;
  readonly options: LocalRuntimeOptions;
  readonly config: LocalConfig;
  readonly log: Logger;
  readonly cleanups: Cleanup[];
  /** DynamoDB Local's endpoint, as the runtime's own clients reach it. */
  readonly dynamoEndpoint: string;
  /** `AWS_ENDPOINT_URL_<SERVICE>` of the emulated services. */
  readonly endpoints: Readonly<Record<string, string>>;
  /** The configuration's values for variables the template declares. */
  readonly overrides: Readonly<Record<string, string>>;
  /** The emulated queues: a log subscription's undeliverable batch goes to its destination's DLQ. */
  readonly broker?: SqsBroker;
}

/** Environments of a function only events invoke, unless `LOCAL_LAMBDA_BACKGROUND_CONCURRENCY` says more. */
export const DEFAULT_BACKGROUND_CONCURRENCY = 1;

/** Starts a worker per wired function; their close is registered in `cleanups` and returned. */
export async function wireFunctions({
  loaded,
  ctx,
  machines,
  runs = () => true,
  options,
  config,
  log,
  cleanups,
  dynamoEndpoint,
  endpoints,
  overrides,
  broker,
}: FunctionWiringInput) {
  const metering = options.metering;
  const apis = httpApiWiring(loaded.template).map((api) => ({
    ...api,
    routes: api.routes.filter((r) => runs(r.target.functionLogicalId)),
  }));
  const mappings = streamMappings(loaded.template, ctx).filter((m) => runs(m.functionLogicalId));
  const fromEnv = Number(process.env.LOCAL_LAMBDA_CONCURRENCY);
  const maxConcurrency = options.lambdaConcurrency ?? (fromEnv > 0 ? fromEnv : DEFAULT_LAMBDA_CONCURRENCY);
  // Functions only events invoke get one environment each unless told otherwise: their pollers wait for
  // the requests (request-gate.ts), so a second environment would mostly sit idle, holding 30-40 MB.
  const backgroundFromEnv = Number(process.env.LOCAL_LAMBDA_BACKGROUND_CONCURRENCY);
  const backgroundConcurrency =
    options.lambdaConcurrency ??
    (backgroundFromEnv > 0 ? backgroundFromEnv : Math.min(maxConcurrency, DEFAULT_BACKGROUND_CONCURRENCY));
  const servingIds = new Set(apis.flatMap((api) => api.routes.map((r) => r.target.functionLogicalId)));
  // Functions other functions invoke (lambda-api.ts): a request may be waiting on them, so they get the
  // API's environments and priority, without counting as requests themselves.
  const invokedIds = new Set([...invokedFunctionIds(ctx)].filter((id) => runs(id)));
  const concurrencyOf = (logicalId: string) =>
    servingIds.has(logicalId) || invokedIds.has(logicalId) ? maxConcurrency : backgroundConcurrency;
  const queueMappings = sqsMappings(loaded.template)
    .filter((m) => runs(m.functionLogicalId))
    .map((m) => ({
      ...m,
      // No more concurrent batches than environments: a batch received with no environment to run it
      // would sit out its visibility timeout in flight, as a throttled invocation does in AWS.
      maximumConcurrency: Math.min(m.maximumConcurrency, concurrencyOf(m.functionLogicalId)),
      ...(options.maxBatchingWindowSeconds === undefined
        ? {}
        : {
            maximumBatchingWindowInSeconds: Math.min(
              m.maximumBatchingWindowInSeconds,
              options.maxBatchingWindowSeconds,
            ),
          }),
    }));
  // What a request waits on; everything else is invoked by events (streams, queues, logs, state machines).
  const serving = servingIds;
  const wired = new Set<string>(serving);
  for (const m of mappings) wired.add(m.functionLogicalId);
  for (const m of queueMappings) wired.add(m.functionLogicalId);
  for (const id of invokedIds) wired.add(id);
  for (const m of machines) for (const id of m.functionLogicalIds) if (runs(id)) wired.add(id);
  // Log subscriptions run their destination when a function that runs logs to their log group.
  const subscriptions = logSubscriptions(loaded.template).filter(
    (s) => runs(s.destinationFunctionId) && s.sourceFunctionIds.some((id) => wired.has(id)),
  );
  for (const s of subscriptions) wired.add(s.destinationFunctionId);
  let delivery: LogDelivery | undefined;

  const functions = new Map<string, LambdaFunction>();
  for (const logicalId of wired) {
    const spec = functionSpec(loaded, ctx, logicalId, {
      dynamoEndpoint: options.functionsDynamoEndpoint
        ? await options.functionsDynamoEndpoint(dynamoEndpoint, logicalId)
        : dynamoEndpoint,
      endpoints,
      overrides,
      ...(options.logLevel ? { logLevel: options.logLevel } : {}),
      extraEnvironment: { ...config.functionEnvironment, ...options.functionEnvironment },
    });
    functions.set(
      logicalId,
      new LambdaFunction(spec, {
        log,
        maxConcurrency: concurrencyOf(logicalId),
        background: !serving.has(logicalId) && !invokedIds.has(logicalId),
        invokedFunctionArn: `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${spec.functionName}`,
        ...(metering ? { metering } : {}),
        onLine: (line) => delivery?.line(logicalId, line),
      }),
    );
  }
  // Requests first (request-gate.ts): the pollers wait for a moment without a request in flight.
  const gate = requestGate(options.backgroundDeferMs);
  const invoke = (logicalId: string, event: unknown): Promise<InvokeResult> => {
    const fn = functions.get(logicalId);
    if (!fn) throw new Error(`function ${logicalId} is not wired`);
    return serving.has(logicalId) ? gate.serve(() => fn.invoke(event)) : fn.invoke(event);
  };
  delivery = new LogDelivery({
    subscriptions,
    // A log batch is background work like a poller's: it waits for a quiet moment too (bounded).
    invoke: async (logicalId, event) => {
      await gate.quiet();
      return invoke(logicalId, event);
    },
    log,
    accountId: LOCAL_ACCOUNT,
    levelOf: (id) => functions.get(id)?.spec.environment.AWS_LAMBDA_LOG_LEVEL,
    ...options.logSubscriptions,
    deadLetter: (subscription, event) => {
      const arn = resolveValue(ctx, subscription.deadLetterTarget as never);
      const queue = typeof arn === 'string' ? broker?.queueByArn(arn) : undefined;
      if (queue && broker) broker.send(queue, { body: JSON.stringify(event) });
      else log.error(`${subscription.logicalId}: an undeliverable batch has no dead-letter queue to go to`);
    },
  });
  const logs = delivery;
  // Pending batches are delivered before the functions stop (cleanups run last-registered first).
  const closeFunctions = async () => {
    await Promise.all([...functions.values()].map((f) => f.close()));
  };
  cleanups.push(closeFunctions);
  cleanups.push(() => logs.close());
  return { apis, mappings, queueMappings, functions, invoke, closeFunctions, logs, gate };
}
