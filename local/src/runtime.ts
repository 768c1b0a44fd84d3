/**
 * The local runtime, programmatically: synthesize, start DynamoDB Local and the tables, the sandbox
 * PSP and the channel simulators, the functions, the HTTP API and the stream pollers, all from the
 * synthesized template.
 * `main.ts` is a thin CLI over `startLocalRuntime`; end-to-end tests call it in-process. This file is
 * the start sequence; the event backbone is in runtime-backbone.ts, the functions' wiring in
 * runtime-functions.ts, the pollers in runtime-pollers.ts and the stop in runtime-stop.ts.
 */
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { banner, busLines, queueLines, readyLine } from './banner.js';
import { startChannelSimulators } from './channels/index.js';
import { fill, loadConfig } from './config.js';
import { openJournal } from './durable-log.js';
import { type DynamoDbLocal, startDynamoDbLocal } from './dynamodb-local.js';
import { type HttpApi, startHttpApi } from './http-api.js';
import { startLambdaEndpoint } from './lambda-api.js';
import type { LambdaFunction } from './lambda-runner.js';
import { createLogger } from './log.js';
import { selectStacks } from './only.js';
import { type SandboxPsp, startPsp } from './psp.js';
import type { ResolveContext } from './resolve.js';
import { type BackboneContext, startQueuesAndBuses, startStateMachines } from './runtime-backbone.js';
import { wireFunctions } from './runtime-functions.js';
import {
  LOCAL_ACCOUNT,
  LOCAL_REGION,
  type LocalRuntime,
  type LocalRuntimeOptions,
} from './runtime-options.js';
import { startPollers } from './runtime-pollers.js';
import { stopSequence } from './runtime-stop.js';
import { startS3Endpoint } from './s3.js';
import { bucketConfigs, bucketResolution } from './s3-buckets.js';
import type { PspJournalEntry } from './sandbox/journal.js';
import { startSecretsManagerEndpoint } from './secretsmanager.js';
import { seedTables, tableNamed } from './seed.js';
import { ASSEMBLY_DIR, assemblyIsFresh, PROJECT_ROOT, synthesize } from './synth.js';
import { createTables } from './tables.js';
import { loadTemplate } from './template.js';

export {
  LOCAL_ACCOUNT,
  LOCAL_REGION,
  type LocalRuntime,
  type LocalRuntimeOptions,
} from './runtime-options.js';

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
  const { cleanups, stop } = stopSequence(log);
  const metering = options.metering;

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
    const selection = selectStacks(loaded, options.only);
    if (loaded.stacks.length > 1) log.info(`stacks: ${loaded.stacks.join(', ')}`);
    if (selection.running.length < loaded.stacks.length)
      log.info(`running the functions of ${selection.running.join(', ')} only (--only)`);

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
    const buckets = bucketConfigs(
      loaded.template,
      baseCtx,
      (id) => loaded.stackNames[loaded.stackOf[id] ?? ''] ?? loaded.stackName,
    );
    const s3Server = await startS3Endpoint({
      buckets,
      log,
      ...(dataDir ? { dir: join(dataDir, 's3') } : {}),
    });
    cleanups.push(() => s3Server.close());
    const bucketRefs = bucketResolution(buckets, LOCAL_REGION);
    Object.assign(attributes, bucketRefs.attributes);
    log.info(`S3 on ${s3Server.url} (buckets: ${buckets.map((b) => b.name).join(', ') || 'none'})`);

    const backbone: BackboneContext = {
      template: loaded.template,
      runs: selection.runs,
      options,
      dataDir,
      log,
      cleanups,
    };
    const refs: Record<string, string> = { ...bucketRefs.refs };
    const { broker, sqsServer, ctx, buses, archives, rules, bridge, eventsServer } =
      await startQueuesAndBuses(backbone, baseCtx, refs);
    const functionsByName = new Map<string, LambdaFunction>();
    const { machines, stepFunctions, sfnServer } = await startStateMachines(
      backbone,
      ctx,
      { refs, attributes },
      { bridge, dynamoClient, functionsByName },
    );

    // The functions read their channels' credentials at run time (GetSecretValue), as in AWS.
    const secretsServer = await startSecretsManagerEndpoint({
      secrets: config.secrets,
      region: LOCAL_REGION,
      accountId: LOCAL_ACCOUNT,
      log,
    });
    cleanups.push(() => secretsServer.close());
    // Functions that ask another service's function to act (Lambda Invoke) reach it here.
    const lambdaServer = await startLambdaEndpoint({ functions: functionsByName, log });
    cleanups.push(() => lambdaServer.close());
    const endpoints = {
      AWS_ENDPOINT_URL_LAMBDA: lambdaServer.url,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsServer.url,
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
    // Stripe, Alipay and WeChat Pay's sides, when the configuration names them (channels/).
    const channels = await startChannelSimulators(config.simulators, {
      callbackUrl: (path) => (apiUrl ? `${apiUrl}${path}` : ''),
      delayMs: options.callbackDelayMs ?? envNumber('SANDBOX_CALLBACK_DELAY_MS') ?? 1000,
      logger: {
        info: (message, extra) => log.info(`${message}${extra ? ` ${JSON.stringify(extra)}` : ''}`),
        warn: (message, extra) => log.error(`${message}${extra ? ` ${JSON.stringify(extra)}` : ''}`),
      },
    });
    cleanups.push(() => channels.close());
    const placeholders: Record<string, string> = {
      ...(psp ? { 'sandboxPsp.url': psp.url } : {}),
      ...Object.fromEntries(Object.entries(channels.urls).map(([name, url]) => [`${name}.url`, url])),
    };
    const overrides = Object.fromEntries(
      Object.entries(config.environment).map(([name, value]) => [name, fill(value, placeholders)]),
    );

    const { apis, mappings, queueMappings, functions, invoke, closeFunctions, logs, gate } =
      await wireFunctions({
        loaded,
        ctx,
        machines,
        runs: selection.runs,
        options,
        config,
        log,
        cleanups,
        dynamoEndpoint: dynamo.endpoint,
        endpoints,
        overrides,
        broker,
      });
    for (const f of functions.values()) functionsByName.set(f.spec.functionName, f);

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

    startPollers({
      mappings,
      queueMappings,
      attributes,
      broker,
      streamsClient,
      dynamoEndpoint: dynamo.endpoint,
      functions,
      invoke,
      log,
      metering,
      dataDir,
      cleanups,
      closeFunctions,
      gate,
    });
    stepFunctions.resume();

    const startupMs = Math.round(performance.now() - started);
    if (!options.quiet) {
      process.stdout.write(
        banner({
          url: http.url,
          dynamoEndpoint: dynamo.endpoint,
          pspUrl: psp?.url,
          channelUrls: channels.urls,
          secretsUrl: secretsServer.url,
          secrets: Object.keys(config.secrets),
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
          stacks: loaded.stacks,
          running: selection.running,
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
      channelUrls: channels.urls,
      sqsEndpoint: sqsServer.url,
      eventBridgeEndpoint: eventsServer.url,
      s3Endpoint: s3Server.url,
      stepFunctionsEndpoint: sfnServer.url,
      stepFunctions,
      buckets,
      startupMs,
      stacks: selection.running,
      flushLogs: () => logs.flush(),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
