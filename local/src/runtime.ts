/**
 * The local runtime, programmatically: synthesize, start DynamoDB Local and the tables, the sandbox
 * PSP, the functions, the HTTP API and the stream pollers, all from the synthesized template.
 * `main.ts` is a thin CLI over `startLocalRuntime`; end-to-end tests call it in-process.
 */
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { httpApiWiring } from './api-routes.js';
import { banner, busLines, queueLines, readyLine } from './banner.js';
import { fileCheckpoints, memoryCheckpoints } from './checkpoints.js';
import { fill, loadConfig } from './config.js';
import { openJournal } from './durable-log.js';
import { type DynamoDbLocal, startDynamoDbLocal } from './dynamodb-local.js';
import { eventArchives, eventBuses, eventRules, queueConfigs, sqsMappings } from './event-wiring.js';
import { EventBridge, startEventBridgeEndpoint } from './eventbridge.js';
import { functionSpec } from './functions.js';
import { type HttpApi, startHttpApi } from './http-api.js';
import { type InvokeResult, LambdaFunction } from './lambda-runner.js';
import { createLogger } from './log.js';
import { type SandboxPsp, startPsp } from './psp.js';
import type { ResolveContext } from './resolve.js';
import type { LocalRuntime, LocalRuntimeOptions } from './runtime-options.js';
import { startS3Endpoint } from './s3.js';
import { bucketConfigs, bucketResolution } from './s3-buckets.js';
import type { PspJournalEntry } from './sandbox/journal.js';
import { seedTables, tableNamed } from './seed.js';
import { SqsBroker } from './sqs.js';
import { startSqsEndpoint } from './sqs-api.js';
import { SqsPoller } from './sqs-poller.js';
import { FileQueueStore } from './sqs-store.js';
import { StepFunctionsExecutor } from './stepfunctions.js';
import { startStepFunctionsEndpoint } from './stepfunctions-api.js';
import type { ExecutionJournalEntry } from './stepfunctions-journal.js';
import { stateMachineConfigs, stateMachineResolution } from './stepfunctions-machines.js';
import { streamMappings } from './stream-mappings.js';
import { StreamPoller } from './streams.js';
import { ASSEMBLY_DIR, assemblyIsFresh, PROJECT_ROOT, synthesize } from './synth.js';
import { createTables } from './tables.js';
import { loadTemplate } from './template.js';

export type { LocalRuntime, LocalRuntimeOptions } from './runtime-options.js';

export const LOCAL_REGION = 'us-east-1';
export const LOCAL_ACCOUNT = '000000000000';
/** Where the system's configuration is read from unless an option says otherwise. */
export const DEFAULT_CONFIG_FILE = join(PROJECT_ROOT, 'local.config.json');

function envNumber(name: string): number | undefined {
  const raw = process.env[name];
  return raw === undefined || raw === '' ? undefined : Number(raw);
}

/** Starts the whole local system; on any start-up failure, stops what was started and rethrows. */
export async function startLocalRuntime(options: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
  const started = performance.now();
  const log = options.log ?? createLogger({ quiet: options.quiet });
  const cleanups: Array<() => Promise<void>> = [];
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      for (const cleanup of cleanups.reverse()) {
        try {
          await cleanup();
        } catch (error) {
          log.error(`while stopping: ${(error as Error).message}`);
        }
      }
    })();
    return stopping;
  };

  try {
    // DynamoDB Local (a JVM) starts while the app synthesizes: neither needs the other.
    const dataDir = options.persist ? (options.dataDir ?? join(PROJECT_ROOT, '.local')) : undefined;
    const dbPath = dataDir ? join(dataDir, 'dynamodb') : undefined;
    if (dbPath) mkdirSync(dbPath, { recursive: true });
    const dynamoStarting = startDynamoDbLocal(dbPath ? { dbPath } : {});
    // Its failure (no Java) is reported where it is awaited, not as an unhandled rejection meanwhile.
    dynamoStarting.catch(() => {});
    cleanups.push(async () => (await dynamoStarting.catch(() => undefined))?.stop());

    const custom = options.assemblyDir !== undefined && options.assemblyDir !== ASSEMBLY_DIR;
    if (options.synth === true || (options.synth === undefined && !custom && !assemblyIsFresh())) {
      log.info('synthesizing the CDK app (cdk synth)…');
      await synthesize({ quiet: options.quiet });
    } else if (options.synth === undefined && !custom) {
      log.info('cdk.out is current (same sources): not synthesizing');
    }
    const config = options.config ?? loadConfig(options.configFile ?? DEFAULT_CONFIG_FILE);
    const loaded = loadTemplate(options.assemblyDir ?? ASSEMBLY_DIR, options.stackName);

    const dynamo: DynamoDbLocal = await dynamoStarting;
    log.info(`DynamoDB Local on ${dynamo.endpoint}`);
    const clientConfig = {
      endpoint: dynamo.endpoint,
      region: LOCAL_REGION,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    };
    const dynamoClient = new DynamoDBClient(clientConfig);
    const streamsClient = new DynamoDBStreamsClient(clientConfig);
    cleanups.push(async () => {
      dynamoClient.destroy();
      streamsClient.destroy();
    });

    const tables = await createTables(dynamoClient, loaded.template, log);
    const attributes: Record<string, string> = {};
    for (const t of tables) if (t.streamArn) attributes[`${t.logicalId}.StreamArn`] = t.streamArn;
    const baseCtx: ResolveContext = {
      template: loaded.template,
      region: LOCAL_REGION,
      accountId: LOCAL_ACCOUNT,
      stackName: loaded.stackName,
      secrets: config.secrets,
      attributes,
    };

    // Buckets (statements): their names resolve before any function environment is built.
    const buckets = bucketConfigs(loaded.template, baseCtx);
    const s3Server = await startS3Endpoint({
      buckets,
      log,
      ...(dataDir ? { dir: join(dataDir, 's3') } : {}),
    });
    cleanups.push(() => s3Server.close());
    const bucketRefs = bucketResolution(buckets, LOCAL_REGION);
    Object.assign(attributes, bucketRefs.attributes);
    log.info(`S3 on ${s3Server.url} (buckets: ${buckets.map((b) => b.name).join(', ') || 'none'})`);

    // The event backbone: SQS queues first (queue URLs carry the endpoint's port), then the buses.
    const queueStore = dataDir ? new FileQueueStore(join(dataDir, 'sqs.jsonl')) : undefined;
    if (queueStore?.damaged)
      log.error(`sqs.jsonl: ${queueStore.damaged} unreadable line(s) dropped (torn write)`);
    const broker = new SqsBroker({
      ...(queueStore ? { store: queueStore } : {}),
      region: LOCAL_REGION,
      accountId: LOCAL_ACCOUNT,
      queues: queueConfigs(loaded.template, baseCtx).map((q) =>
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
    const refs: Record<string, string> = { ...bucketRefs.refs };
    for (const q of broker.queues) refs[q.config.logicalId] = q.url;
    const ctx: ResolveContext = { ...baseCtx, refs };
    const buses = eventBuses(loaded.template, ctx);
    const archives = eventArchives(loaded.template, ctx, buses).map((a) =>
      dataDir ? { ...a, file: join(dataDir, 'events-archive', `${a.name}.jsonl`) } : a,
    );
    const rules = eventRules(loaded.template, ctx, buses, broker, log);
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

    // State machines: their ARNs resolve (Ref, Arn, Name) before any function environment is built; their
    // tasks reach the functions (created below, looked up by name when a task runs), the bus and DynamoDB.
    const machines = stateMachineConfigs(loaded.template, ctx);
    const machineRefs = stateMachineResolution(machines);
    Object.assign(refs, machineRefs.refs);
    Object.assign(attributes, machineRefs.attributes);
    const functionsByName = new Map<string, LambdaFunction>();
    const executionJournal = dataDir
      ? openJournal<ExecutionJournalEntry>(join(dataDir, 'stepfunctions.jsonl'))
      : undefined;
    const stepFunctions = new StepFunctionsExecutor({
      ...(executionJournal ? { journal: executionJournal } : {}),
      ...(options.stepFunctionsTimeScale !== undefined ? { timeScale: options.stepFunctionsTimeScale } : {}),
      machines,
      log,
      integrations: {
        invoke: async (functionName, payload) => functionsByName.get(functionName)?.invoke(payload),
        putEvents: (entries) => bridge.putEvents({ Entries: entries }),
        dynamodb: dynamoClient,
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

    const endpoints = {
      AWS_ENDPOINT_URL_EVENTBRIDGE: eventsServer.url,
      AWS_ENDPOINT_URL_SQS: sqsServer.url,
      AWS_ENDPOINT_URL_S3: s3Server.url,
      AWS_ENDPOINT_URL_SFN: sfnServer.url,
    };

    let apiUrl = '';
    const pspConfig = config.simulators.sandboxPsp;
    const pspJournal =
      pspConfig && dataDir ? openJournal<PspJournalEntry>(join(dataDir, 'sandbox-psp.jsonl')) : undefined;
    if (pspJournal?.damaged)
      log.error(`sandbox-psp.jsonl: ${pspJournal.damaged} unreadable line(s) dropped (torn write)`);
    const psp: SandboxPsp | undefined = pspConfig
      ? await startPsp({
          // Empty until the API listens: callbacks owed from before a restart wait for it.
          callbackUrl: () => (apiUrl ? `${apiUrl}${pspConfig.callbackPath}` : ''),
          secret: pspConfig.secret,
          delayMs: options.callbackDelayMs ?? envNumber('SANDBOX_CALLBACK_DELAY_MS') ?? 1000,
          ...(pspJournal ? { journal: pspJournal } : {}),
        })
      : undefined;
    if (psp) cleanups.push(() => psp.close());
    const placeholders: Record<string, string> = psp ? { 'sandboxPsp.url': psp.url } : {};
    const overrides = Object.fromEntries(
      Object.entries(config.environment).map(([name, value]) => [name, fill(value, placeholders)]),
    );

    const apis = httpApiWiring(loaded.template);
    const mappings = streamMappings(loaded.template, ctx);
    const queueMappings = sqsMappings(loaded.template).map((m) =>
      options.maxBatchingWindowSeconds === undefined
        ? m
        : {
            ...m,
            maximumBatchingWindowInSeconds: Math.min(
              m.maximumBatchingWindowInSeconds,
              options.maxBatchingWindowSeconds,
            ),
          },
    );
    const wired = new Set<string>();
    for (const api of apis) {
      for (const route of api.routes) wired.add(route.target.functionLogicalId);
    }
    for (const m of mappings) wired.add(m.functionLogicalId);
    for (const m of queueMappings) wired.add(m.functionLogicalId);
    for (const m of machines) for (const id of m.functionLogicalIds) wired.add(id);

    const functions = new Map<string, LambdaFunction>();
    for (const logicalId of wired) {
      const spec = functionSpec(loaded, ctx, logicalId, {
        dynamoEndpoint: options.functionsDynamoEndpoint
          ? await options.functionsDynamoEndpoint(dynamo.endpoint, logicalId)
          : dynamo.endpoint,
        endpoints,
        overrides,
        ...(options.logLevel ? { logLevel: options.logLevel } : {}),
        extraEnvironment: { ...config.functionEnvironment, ...options.functionEnvironment },
      });
      functions.set(
        logicalId,
        new LambdaFunction(spec, {
          log,
          invokedFunctionArn: `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${spec.functionName}`,
          ...(metering ? { metering } : {}),
        }),
      );
    }
    for (const f of functions.values()) functionsByName.set(f.spec.functionName, f);
    const closeFunctions = async () => {
      await Promise.all([...functions.values()].map((f) => f.close()));
    };
    cleanups.push(closeFunctions);
    const invoke = (logicalId: string, event: unknown): Promise<InvokeResult> => {
      const fn = functions.get(logicalId);
      if (!fn) throw new Error(`function ${logicalId} is not wired`);
      return fn.invoke(event);
    };

    // The table the banner and `.local/runtime.json` name: the first one seeded, else the only one.
    const table = tableNamed(tables, config.seed[0]?.table);
    const seeded = await seedTables(dynamoClient, tables, config.seed);
    if (seeded > 0) log.info(`seeded ${seeded} items`);

    const routes = apis.flatMap((a) => a.routes);
    if (apis.length > 1)
      log.info(`${apis.length} HTTP APIs in the template: serving all their routes on one port`);
    const apiLogicalId = apis[0]?.apiLogicalId ?? 'HttpApi';
    const http: HttpApi = await startHttpApi({
      routes,
      invoke,
      log,
      port: options.port ?? envNumber('PORT') ?? 3000,
      apiId: createHash('sha256').update(apiLogicalId).digest('hex').slice(0, 10),
      accountId: LOCAL_ACCOUNT,
      region: LOCAL_REGION,
      ...(metering ? { metering } : {}),
    });
    apiUrl = http.url;
    cleanups.push(() => http.close());

    const checkpoints = dataDir
      ? fileCheckpoints(join(dataDir, 'stream-checkpoints.json'))
      : memoryCheckpoints();
    const pollers = mappings.map((mapping) => {
      const streamArn = attributes[`${mapping.tableLogicalId}.StreamArn`];
      if (!streamArn)
        throw new Error(
          `event source mapping ${mapping.logicalId}: table ${mapping.tableLogicalId} has no stream`,
        );
      // Lambda sends an SQS OnFailure destination a record of the discarded batch (not the records).
      const onFailureQueue = mapping.onFailure ? broker.queueByArn(mapping.onFailure) : undefined;
      return new StreamPoller({
        client: streamsClient,
        streamArn,
        mapping,
        region: LOCAL_REGION,
        invoke: (event) => invoke(mapping.functionLogicalId, event),
        log,
        checkpoints,
        ...(onFailureQueue
          ? {
              onFailure: (record) =>
                broker.send(onFailureQueue, {
                  body: JSON.stringify({
                    ...record,
                    requestContext: {
                      ...record.requestContext,
                      functionArn: `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${functions.get(mapping.functionLogicalId)?.spec.functionName}`,
                    },
                  }),
                }),
            }
          : {}),
      });
    });
    const queuePollers = queueMappings.map((mapping) => {
      const queue = broker.queueByName(
        broker.queues.find((q) => q.config.logicalId === mapping.queueLogicalId)?.config.name ?? '',
      );
      if (!queue)
        throw new Error(`event source mapping ${mapping.logicalId}: queue ${mapping.queueLogicalId} missing`);
      return new SqsPoller({
        broker,
        queue,
        mapping,
        region: LOCAL_REGION,
        invoke: (event) => invoke(mapping.functionLogicalId, event),
        log,
        ...(metering ? { metering } : {}),
      });
    });
    for (const p of pollers) p.start();
    for (const p of queuePollers) p.start();
    stepFunctions.resume();
    // Shutdown order: pollers are told to stop first, then the server and the functions go (which ends
    // any invocation a poller still waits on), and only then are the pollers awaited.
    let pollersStopped: Promise<unknown> = Promise.resolve();
    cleanups.splice(cleanups.indexOf(closeFunctions), 0, () => pollersStopped.then(() => undefined));
    cleanups.push(async () => {
      pollersStopped = Promise.all([...pollers, ...queuePollers].map((p) => p.stop()));
    });

    const startupMs = Math.round(performance.now() - started);
    if (!options.quiet) {
      process.stdout.write(
        banner({
          url: http.url,
          dynamoEndpoint: dynamo.endpoint,
          pspUrl: psp?.url,
          name: config.name,
          lines: config.banner,
          tableName: table?.tableName ?? '',
          routes: routes.map((r) => r.routeKey),
          eventBridgeUrl: eventsServer.url,
          buses: busLines(buses, rules, archives),
          sqsUrl: sqsServer.url,
          s3Url: s3Server.url,
          buckets: buckets.map((b) => b.name),
          stepFunctionsUrl: sfnServer.url,
          stateMachines: machines.map((m) => m.name),
          queues: queueLines(broker, queueMappings),
          persist: options.persist === true,
          startupMs,
        }),
      );
      process.stdout.write(`${readyLine(config.name, http.url)}\n`);
    }
    return {
      url: http.url,
      dynamoEndpoint: dynamo.endpoint,
      tableName: table?.tableName ?? '',
      name: config.name,
      pspUrl: psp?.url ?? '',
      sqsEndpoint: sqsServer.url,
      eventBridgeEndpoint: eventsServer.url,
      s3Endpoint: s3Server.url,
      stepFunctionsEndpoint: sfnServer.url,
      stepFunctions,
      buckets,
      startupMs,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
