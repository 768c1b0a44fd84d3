/**
 * The event backbone of the local system: the SQS queues first (queue URLs carry the endpoint's port,
 * and the buses' rules target queues), then the event buses with their rules and archives; and the
 * state machines, whose tasks reach the functions, the bus and DynamoDB.
 */
import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { openJournal } from './durable-log.js';
import { eventArchives, eventBuses, eventRules, queueConfigs } from './event-wiring.js';
import { EventBridge, startEventBridgeEndpoint } from './eventbridge.js';
import type { LambdaFunction } from './lambda-runner.js';
import type { Logger } from './log.js';
import type { ResolveContext } from './resolve.js';
import { LOCAL_ACCOUNT, LOCAL_REGION, type LocalRuntimeOptions } from './runtime-options.js';
import type { Cleanup } from './runtime-stop.js';
import { SqsBroker } from './sqs.js';
import { startSqsEndpoint } from './sqs-api.js';
import { FileQueueStore } from './sqs-store.js';
import { StepFunctionsExecutor } from './stepfunctions.js';
import { startStepFunctionsEndpoint } from './stepfunctions-api.js';
import type { ExecutionJournalEntry } from './stepfunctions-journal.js';
import { stateMachineConfigs, stateMachineResolution } from './stepfunctions-machines.js';
import type { CfnTemplate } from './template.js';

/** What the backbone starts from, and where it registers how to stop what it started. */
export interface BackboneContext {
  readonly template: CfnTemplate;
  /** Whether a resource's stack runs (`--only`): the others' state machines are not started. */
  readonly runs: (logicalId: string) => boolean;
  readonly options: LocalRuntimeOptions;
  /** Where `--persist` keeps the data; undefined keeps everything in memory. */
  readonly dataDir: string | undefined;
  readonly log: Logger;
  readonly cleanups: Cleanup[];
}

/**
 * Starts SQS and EventBridge. Each queue's URL goes into `refs` (a queue's Ref), and the context the
 * rest of the template resolves in is returned with them.
 */
export async function startQueuesAndBuses(
  { template, options, dataDir, log, cleanups }: BackboneContext,
  baseCtx: ResolveContext,
  refs: Record<string, string>,
) {
  const queueStore = dataDir ? new FileQueueStore(join(dataDir, 'sqs.jsonl')) : undefined;
  if (queueStore?.damaged)
    log.error(`sqs.jsonl: ${queueStore.damaged} unreadable line(s) dropped (torn write)`);
  const broker = new SqsBroker({
    ...(queueStore ? { store: queueStore } : {}),
    region: LOCAL_REGION,
    accountId: LOCAL_ACCOUNT,
    queues: queueConfigs(template, baseCtx).map((q) =>
      options.maxVisibilityTimeoutSeconds === undefined
        ? q
        : { ...q, visibilityTimeout: Math.min(q.visibilityTimeout, options.maxVisibilityTimeoutSeconds) },
    ),
    onDeadLetter: (from, to, m) =>
      log.error(
        `message ${m.messageId} moved from ${from.config.name} to dead-letter queue ${to.config.name} ` +
          `after ${from.config.redrivePolicy?.maxReceiveCount} receives`,
      ),
  });
  const metering = options.metering;
  const sqsServer = await startSqsEndpoint(broker, log, undefined, metering);
  cleanups.push(async () => {
    broker.stop();
    await sqsServer.close();
  });
  for (const q of broker.queues) refs[q.config.logicalId] = q.url;
  const ctx: ResolveContext = { ...baseCtx, refs };
  const buses = eventBuses(template, ctx);
  const archives = eventArchives(template, ctx, buses).map((a) =>
    dataDir ? { ...a, file: join(dataDir, 'events-archive', `${a.name}.jsonl`) } : a,
  );
  const rules = eventRules(template, ctx, buses, broker, log);
  const bridge = new EventBridge({
    region: LOCAL_REGION,
    accountId: LOCAL_ACCOUNT,
    buses,
    rules,
    archives,
    broker,
    log,
    ...(metering ? { metering } : {}),
  });
  const eventsServer = await startEventBridgeEndpoint(bridge, log);
  cleanups.push(() => eventsServer.close());
  return { broker, sqsServer, ctx, buses, archives, rules, bridge, eventsServer };
}

/**
 * Starts the Step Functions executor and endpoint. The machines' ARNs (Ref, Arn, Name) go into `refs`
 * and `attributes` before any function environment is built; their tasks reach the functions through
 * `functionsByName`, filled once the functions exist (looked up when a task runs).
 */
export async function startStateMachines(
  { template, runs, options, dataDir, log, cleanups }: BackboneContext,
  ctx: ResolveContext,
  resolved: { refs: Record<string, string>; attributes: Record<string, string> },
  reach: {
    bridge: EventBridge;
    dynamoClient: DynamoDBClient;
    functionsByName: ReadonlyMap<string, LambdaFunction>;
  },
) {
  // Every machine's ARN resolves (a running function may name one); only the running stacks' run.
  const all = stateMachineConfigs(template, ctx);
  const machineRefs = stateMachineResolution(all);
  const machines = all.filter((m) => runs(m.logicalId));
  Object.assign(resolved.refs, machineRefs.refs);
  Object.assign(resolved.attributes, machineRefs.attributes);
  const executionJournal = dataDir
    ? openJournal<ExecutionJournalEntry>(join(dataDir, 'stepfunctions.jsonl'))
    : undefined;
  const stepFunctions = new StepFunctionsExecutor({
    ...(executionJournal ? { journal: executionJournal } : {}),
    ...(options.stepFunctionsTimeScale !== undefined ? { timeScale: options.stepFunctionsTimeScale } : {}),
    machines,
    log,
    integrations: {
      invoke: async (functionName, payload) => reach.functionsByName.get(functionName)?.invoke(payload),
      putEvents: (entries) => reach.bridge.putEvents({ Entries: entries }),
      dynamodb: reach.dynamoClient,
    },
  });
  const sfnServer = await startStepFunctionsEndpoint({ executor: stepFunctions, log });
  cleanups.push(async () => {
    stepFunctions.close();
    executionJournal?.close();
    await sfnServer.close();
  });
  if (machines.length > 0)
    log.info(`Step Functions on ${sfnServer.url} (${machines.map((m) => m.name).join(', ')})`);
  return { machines, stepFunctions, sfnServer };
}
