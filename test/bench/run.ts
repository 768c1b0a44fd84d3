/**
 * `npm run bench`: measures, in one run, what DESIGN.md §7 holds us to for the core service and writes
 * `test/bench/results.json` plus a readable table.
 *
 * - create-payment handler latency (the shipped bundle, warm, in process) against one bare conditional
 *   PutItem to the same DynamoDB Local, interleaved so both see the same machine state;
 * - DynamoDB write (and read) units per create + capture lifecycle, metered by a proxy that asks DynamoDB
 *   for ReturnConsumedCapacity on every call the shipped bundles make;
 * - bundle size of every function and its cold import time (fresh Node process each time);
 * - full lifecycles through the local runtime (test/bench/lifecycle.ts), on the sandbox and pinned to
 *   Stripe (BENCH_RUNTIME_CHANNELS=sandbox for the sandbox alone): API requests, Lambda
 *   invocations and durations, EventBridge events, SQS requests and DynamoDB units per lifecycle, the
 *   cost per 1,000,000 lifecycles from docs/prices.json (test/bench/cost.ts) against the $15 goal, with
 *   Lambda duration modelled from CPU time and calls (test/bench/lambda-model.ts), the latency from the
 *   create response to RiskAssessed on the bus, and DynamoDB units per partition key with the
 *   single-merchant and single-channel ceilings (test/bench/hot-keys.ts);
 * - reconciliation of a generated 1,000,000-row statement (test/bench/reconcile.ts): reconcile time
 *   against parse time and peak RSS, each in its own Node process, with the discrepancy counts checked;
 * - the routing decision per payment, in process (test/bench/routing.ts): p50/p99 for 10 rules × 4 channels;
 * - settlement of 100,000 line items for a few merchants through the local runtime's state machine
 *   (test/bench/settle.ts): wall time, state transitions, DynamoDB units, the cost per 1,000,000
 *   settled, the settled figures checked against what was seeded.
 *
 * `--no-synth` reuses cdk.out; `--lifecycle-only` measures only the lifecycles and keeps the other
 * figures of the last results.json; `--recon-only` measures only the reconciliation (no synthesis) and
 * keeps the other figures of the last results.json; `--settle-only` measures only the settlement and
 * keeps the other figures of the last results.json.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { startDynamoDbLocal } from '../../local/src/dynamodb-local.js';
import { startLambdaEndpoint } from '../../local/src/lambda-api.js';
import { createLogger } from '../../local/src/log.js';
import { MAX_BURST, MAX_REQUESTS_PER_SECOND } from '../../shared/domain/flow/token-bucket.js';
import { seedLocalCredentials } from '../../shared/store/api-keys.js';
import { DynamoFlowLimitsStore } from '../../shared/store/dynamodb/flow-limits.js';
import { createPaymentsTable, LOCAL_CREDENTIALS, localClient } from '../support/dynamodb.js';
import {
  costPerMillion,
  idlePollingPerHour,
  loadPrices,
  PRICE_FILE,
  xrayReservoirPer30Days,
} from './cost.js';
import { type LifecycleChannel, measureLifecycles, perLifecycle } from './lifecycle.js';
import { compareChannels, printChannelComparison } from './lifecycle-channels.js';
import { hotKeyFigures, lambdaFigures, printHotKeys, printLambdaModel } from './lifecycle-figures.js';
import { startMeteringProxy } from './metering-proxy.js';
import { benchReconcile } from './reconcile.js';
import { benchRouting } from './routing.js';
import { benchSettlement } from './settle.js';
import { round, summarize } from './stats.js';
import { assemblyResources, type BundledFunction, bundledFunctions } from './template-functions.js';
import { tracesPerLifecycle, xraySamplingOf } from './xray-sampling.js';

const args = new Set(process.argv.slice(2));
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 1500);
const LIFECYCLES = Number(process.env.BENCH_LIFECYCLES ?? 100);
/** Full lifecycles through the local runtime, after a warm-up. */
/** Enough that a sharded key's busiest shard is measured with little noise (hot-keys.ts). */
const RUNTIME_LIFECYCLES = Number(process.env.BENCH_RUNTIME_LIFECYCLES ?? 200);
const RUNTIME_WARMUP = Number(process.env.BENCH_RUNTIME_WARMUP ?? 20);
/** `sandbox,stripe` (default) also measures the lifecycle pinned to Stripe; `sandbox` skips it. */
const RUNTIME_CHANNELS = (process.env.BENCH_RUNTIME_CHANNELS ?? 'sandbox,stripe').split(',');
/**
 * One create every 50 ms (20 lifecycles a second, overlapping): enough that stream and queue batches hold
 * several records, as at any real volume, where one every 500 ms left batches of one or two and billed
 * every consumer per payment. Slower rates give an upper bound on the per-batch costs.
 */
const RUNTIME_INTERVAL_MS = Number(process.env.BENCH_RUNTIME_INTERVAL_MS ?? 50);
const CALLBACK_DELAY_MS = Number(process.env.BENCH_CALLBACK_DELAY_MS ?? 50);
const RESULTS = 'test/bench/results.json';
const GOAL_USD_PER_MILLION = 15;
const TABLE = 'payments-bench';
const WEBHOOK_SECRET = 'whsec_bench';
const MERCHANT = { id: 'm_demo_1', key: 'sk_test_demo_1' };
/** Core's channel outcomes function, by its name in the template. */
const APPLY_OUTCOMES = 'ApplyChannelOutcomesFunction';
/** The gateway's flow-lease function, by its name in the template: create-payment's leases. */
const FLOW_LEASE = 'FlowLeaseFunction';

type Handler = (event: unknown, context: unknown) => Promise<{ statusCode: number; body?: string }>;

function lambdaContext(name: string) {
  return {
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: 'bench',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => 10_000,
    done() {},
    fail() {},
    succeed() {},
  };
}

/** An API Gateway HTTP API (payload 2.0) event. */
function httpEvent(
  method: string,
  path: string,
  routeKey: string,
  body: string,
  headers: Record<string, string>,
) {
  const now = Date.now();
  return {
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json', ...headers },
    requestContext: {
      accountId: '000000000000',
      apiId: 'bench',
      domainName: '127.0.0.1',
      domainPrefix: '127',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'bench' },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: new Date(now).toISOString(),
      timeEpoch: now,
      authorizer: { lambda: { merchantId: MERCHANT.id, role: 'merchant' } },
    },
    body,
    isBase64Encoded: false,
  };
}

function createEvent(amount: number) {
  const body = JSON.stringify({
    amount,
    currency: 'USD',
    description: 'Order 4711',
    customer: { id: 'cus_42', email: 'ada@example.com', ip: '203.0.113.7', country: 'GB' },
    metadata: { order: '4711', sandbox_outcome: 'none' },
  });
  return httpEvent('POST', '/v1/payments', 'POST /v1/payments', body, {
    authorization: `Bearer ${MERCHANT.key}`,
    'idempotency-key': randomUUID(),
  });
}

function callbackEvent(paymentId: string, amount: number) {
  const body = JSON.stringify({
    id: `evt_${randomUUID().replaceAll('-', '')}`,
    type: 'payment.succeeded',
    data: {
      reference: paymentId,
      channelReference: `ch_${paymentId}`,
      amount,
      currency: 'USD',
      occurredAt: new Date().toISOString(),
    },
  });
  const t = Math.floor(Date.now() / 1000);
  const v1 = createHmac('sha256', WEBHOOK_SECRET).update(`${t}.${body}`).digest('hex');
  return {
    ...httpEvent('POST', '/v1/channels/sandbox/callbacks', 'POST /v1/channels/{channel}/callbacks', body, {
      'sandbox-signature': `t=${t},v1=${v1}`,
    }),
    pathParameters: { channel: 'sandbox' },
  };
}

function find(functions: BundledFunction[], name: string): BundledFunction {
  const f = functions.find((x) => x.name === name);
  if (!f)
    throw new Error(`no function ${name} in the template (have: ${functions.map((x) => x.name).join(', ')})`);
  return f;
}

/** A handler served by the local Lambda endpoint in this process (another service's function). */
function served(name: string, handler: Handler) {
  return {
    async invoke(event: unknown, requestId = randomUUID()) {
      const t = performance.now();
      try {
        const payload = await handler(event, lambdaContext(name));
        return { ok: true as const, payload, requestId, durationMs: performance.now() - t };
      } catch (error) {
        const { name: errorType, message } = error as Error;
        const failed = { errorType, errorMessage: message };
        return { ok: false as const, error: failed, requestId, durationMs: performance.now() - t };
      }
    },
  };
}

/** Imports a bundle as a fresh module instance with the given environment (module-scope config reads it). */
async function loadHandler(bundle: string, env: Record<string, string>, instance: string): Promise<Handler> {
  Object.assign(process.env, env);
  const mod = (await import(`${pathToFileURL(resolve(bundle)).href}?${instance}`)) as { handler: Handler };
  return mod.handler;
}

function coldImport(bundle: string, env: Record<string, string>, runs = 5): number {
  const samples: number[] = [];
  const script = `const t=performance.now();await import(${JSON.stringify(pathToFileURL(resolve(bundle)).href)});process.stdout.write(String(performance.now()-t));`;
  for (let i = 0; i < runs; i += 1) {
    const r = spawnSync(process.execPath, ['--enable-source-maps', '--input-type=module', '-e', script], {
      env: { ...process.env, ...env },
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`cold import of ${bundle} failed: ${r.stderr}`);
    samples.push(Number(r.stdout));
  }
  return summarize(samples).p50;
}

async function main() {
  if (args.has('--recon-only')) {
    const last = existsSync(RESULTS) ? (JSON.parse(readFileSync(RESULTS, 'utf8')) as object) : {};
    const reconciliation = await measureReconciliation();
    writeFileSync(RESULTS, `${JSON.stringify({ ...last, reconciliation }, null, 2)}\n`);
    printReconciliation(reconciliation);
    console.log(`\nwritten to ${RESULTS}`);
    return;
  }
  if (!args.has('--no-synth') || !existsSync('cdk.out')) {
    console.log('synthesizing the CDK app…');
    execFileSync('npx', ['cdk', 'synth', '--quiet'], { stdio: 'inherit' });
  }
  if (args.has('--settle-only')) {
    const last = existsSync(RESULTS) ? (JSON.parse(readFileSync(RESULTS, 'utf8')) as object) : {};
    const settlement = await measureSettlement();
    writeFileSync(RESULTS, `${JSON.stringify({ ...last, settlement }, null, 2)}\n`);
    printSettlement(settlement);
    console.log(`\nwritten to ${RESULTS}`);
    return;
  }
  const core = args.has('--lifecycle-only')
    ? (JSON.parse(readFileSync(RESULTS, 'utf8')) as CoreResults)
    : await measureCore();
  const reconciliation = args.has('--lifecycle-only') ? undefined : await measureReconciliation();
  console.log(
    `\nlifecycles through the local runtime: ${RUNTIME_WARMUP} warm-up + ${RUNTIME_LIFECYCLES} measured…`,
  );
  const lifecycle = await measureRuntimeLifecycles();
  // The same lifecycle pinned to Stripe, whose simulator calls back with its own signed events.
  const stripe = RUNTIME_CHANNELS.includes('stripe') ? await measureRuntimeLifecycles('stripe') : undefined;
  const settlement = args.has('--lifecycle-only') ? undefined : await measureSettlement();
  const routing = benchRouting();
  const results = {
    ...core,
    routing,
    measuredAt: new Date().toISOString(),
    node: process.version,
    lifecycles: lifecycle.lifecycles,
    singleMerchantCeiling: singleCeiling([lifecycle, stripe], 'singleMerchantCeiling'),
    singleChannelCeiling: singleCeiling([lifecycle, stripe], 'singleChannelCeiling'),
    costPerMillionLifecycles: lifecycle.cost,
    ...(stripe && {
      stripeLifecycles: stripe.lifecycles,
      stripeCostPerMillionLifecycles: stripe.cost,
      lifecyclesByChannel: compareChannels({ sandbox: lifecycle, stripe }),
    }),
    ...(reconciliation && { reconciliation }),
    ...(settlement && { settlement }),
  };
  writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
  printTable(core);
  if (reconciliation) printReconciliation(reconciliation);
  printLifecycles(lifecycle);
  if (stripe) {
    printLifecycles(stripe);
    printChannelComparison(compareChannels({ sandbox: lifecycle, stripe }));
  }
  if (settlement) printSettlement(settlement);
  printRouting(routing);
  const merchant = results.singleMerchantCeiling;
  console.log(
    `\nsingle-merchant ceiling ${merchant.paymentsPerSecond ?? '∞'} payments/s (${merchant.limitingKey}, ${merchant.channel}); single-channel ${results.singleChannelCeiling.paymentsPerSecond ?? '∞'} (${results.singleChannelCeiling.limitingKey}); $${lifecycle.cost.totalUsd} per 1,000,000 lifecycles`,
  );
  console.log(`\nwritten to ${RESULTS}`);
}

type RuntimeLifecycles = Awaited<ReturnType<typeof measureRuntimeLifecycles>>;

/** The lowest ceiling over the channels measured, with the channel it was measured on. */
function singleCeiling(
  runs: ReadonlyArray<RuntimeLifecycles | undefined>,
  which: 'singleMerchantCeiling' | 'singleChannelCeiling',
) {
  const measured = runs.filter((r): r is RuntimeLifecycles => r !== undefined);
  const rank = (r: RuntimeLifecycles) => r.lifecycles.hotKeys[which].paymentsPerSecond ?? Infinity;
  const lowest = measured.reduce((a, b) => (rank(b) < rank(a) ? b : a));
  const c = lowest.lifecycles.hotKeys[which];
  return {
    paymentsPerSecond: c.paymentsPerSecond,
    limitingKey: c.limitingKey,
    limitedBy: c.limitedBy,
    channel: lowest.lifecycles.channel,
    goal: c.goal,
    goalMet: c.goalMet,
  };
}

function printRouting(r: ReturnType<typeof benchRouting>) {
  const us = r.microseconds;
  console.log(
    `\nrouting decision in process (${r.rules} rules × ${r.channels} channels, ${r.decisions.toLocaleString('en')} decisions)`,
  );
  console.log(
    `  p50 ${us.p50} µs, p99 ${us.p99} µs, p99.9 ${us.p999} µs, max ${us.max} µs  goal p99 ≤ 1,000 µs: ${r.goal.met ? 'ok' : 'OVER'}`,
  );
}

type CoreResults = Awaited<ReturnType<typeof measureCore>>;

/**
 * Reconciliation of a generated statement (test/bench/reconcile.ts, RECON_BENCH_ROWS rows, default
 * 1,000,000). reconcile.ts parses and reconciles in two child processes of its own, so the peak RSS is
 * theirs, not this process's.
 */
async function measureReconciliation() {
  console.log('\nreconciliation of a generated statement: parse, then reconcile, each in its own process…');
  const r = await benchReconcile();
  const countsExact = r.reconcile.correct;
  return {
    measuredAt: new Date().toISOString(),
    node: r.node,
    rows: r.rows,
    statementMb: r.statementMb,
    expectations: r.reconcile.expectations,
    parseMs: r.parse.ms,
    parseRowsPerSec: r.parse.rowsPerSec,
    reconcileMs: r.reconcile.ms,
    ratio: r.ratio,
    goalRatio: r.goals.ratio,
    indexBuildMs: r.reconcile.indexMs,
    indexMb: r.reconcile.indexMb,
    ratioWithIndexBuild: r.ratioWithIndex,
    peakRssMb: r.peakRssMb,
    goalPeakRssMb: r.goals.peakRssMb,
    parsePeakRssMb: r.parse.peakRssMb,
    reconcilePeakRssMb: r.reconcile.peakRssMb,
    counts: r.reconcile.counts,
    expectedCounts: r.expectedCounts,
    countsExact,
    goalMet: r.ratio <= r.goals.ratio && r.peakRssMb <= r.goals.peakRssMb && countsExact,
    measuredAs: r.measuredAs,
  };
}

/** Settlement of a day of line items through the local runtime's state machine (test/bench/settle.ts). */
async function measureSettlement() {
  console.log('\nsettlement through the local runtime: seeding the line items (not counted), then one run…');
  return benchSettlement({ synth: false });
}

function printSettlement(r: Awaited<ReturnType<typeof measureSettlement>>) {
  const mark = (ok: boolean) => (ok ? 'ok' : 'FAILED');
  const t = r.stateTransitions;
  console.log(
    `\nsettlement of ${r.lineItems.toLocaleString('en')} line items (${r.payments.toLocaleString('en')} payments, ${r.refunds.toLocaleString('en')} refunds) of ${r.date}, ${r.merchants.length} merchants with line items (${r.merchantsInRun} in the run)`,
  );
  console.log(
    `seeding (not counted)                      ${r.seeding.ms} ms (${r.seeding.itemsPerSec} items/s, ${r.seeding.how})`,
  );
  console.log(
    `wall time of the run                       ${r.run.wallMs} ms (${r.run.lineItemsPerSec} line items/s)`,
  );
  console.log(`state transitions                          ${t.total} (${t.model})`);
  console.log(
    `  per merchant in the run                  ${t.perMerchantInRun}; warm-up run ${t.warmupRun}, second run ${t.secondRun}`,
  );
  console.log(
    `DynamoDB                                   ${r.dynamodb.readUnits} RRU (${r.dynamodb.readUnitsPerLineItem}/line item), ${r.dynamodb.writeUnits} WRU in ${r.dynamodb.writeCalls} write calls`,
  );
  for (const [fn, u] of Object.entries(r.dynamodb.byFunction))
    console.log(`  ${fn.padEnd(44)} ${u.readUnits} RRU, ${u.writeUnits} WRU  ${JSON.stringify(u.calls)}`);
  console.log(
    `Lambda                                     ${r.lambda.invocations} invocations, ${r.lambda.gbSeconds} GB-s`,
  );
  for (const [fn, l] of Object.entries(r.lambda.byFunction))
    console.log(
      `  ${fn.padEnd(44)} ${String(l.invocations).padStart(3)} × ${String(l.meanMs).padStart(8)} ms`,
    );
  console.log(
    '\ncost per 1,000,000 line items settled (us-east-1, docs/prices.json; * = price not read on an AWS page)',
  );
  for (const line of r.costPerMillionLineItems.linear.lines) {
    console.log(
      `  ${`${line.service}: ${line.item}`.padEnd(48)} ${String(line.quantityPerLineItem).padStart(12)} / line item  $${line.usdPerMillion.toFixed(4).padStart(8)}${line.flagged ? ' *' : ''}`,
    );
  }
  console.log(
    `  total                                            $${r.costPerMillionLineItems.linear.totalUsd.toFixed(4)} (linear: ${r.costPerMillionLineItems.linear.assumption})`,
  );
  console.log(
    `  one run of 1,000,000 for the same merchants      $${r.costPerMillionLineItems.oneRunSameMerchants.totalUsd.toFixed(4)}`,
  );
  console.log(`checks                                     ${mark(r.goalMet)} ${JSON.stringify(r.checks)}`);
}

async function measureRuntimeLifecycles(channel: LifecycleChannel = 'sandbox') {
  const prices = loadPrices();
  const m = await measureLifecycles({
    lifecycles: RUNTIME_LIFECYCLES,
    warmup: RUNTIME_WARMUP,
    intervalMs: RUNTIME_INTERVAL_MS,
    callbackDelayMs: CALLBACK_DELAY_MS,
    channel,
  });
  const per = perLifecycle(m);
  const n = RUNTIME_LIFECYCLES;
  const lambda = lambdaFigures(m, prices);
  const hotKeys = hotKeyFigures(m, prices);
  // Which functions trace, at what rate: from the synthesized template (xray-sampling.ts).
  const xray = xraySamplingOf(assemblyResources(), prices);
  const usage = {
    apiRequests: m.metering.api.requests / n,
    lambdaRequests: Object.values(m.metering.lambda).reduce((s, t) => s + t.invocations, 0) / n,
    // Modelled from CPU time and calls (lambda-model.ts), not the wall time against DynamoDB Local.
    lambdaGbSeconds: lambda.gbSecondsPerLifecycle,
    dynamoWriteUnits: m.dynamo.writeUnits / n,
    dynamoReadUnits: m.dynamo.readUnits / n,
    dynamoRefusedWrites:
      Object.entries(m.dynamo.failures)
        .filter(([k]) => /^(PutItem|UpdateItem|DeleteItem|TransactWriteItems|BatchWriteItem) /.test(k))
        .reduce((s, [, c]) => s + c, 0) / n,
    eventChunks: m.metering.events.chunks / n,
    archivedBytes: m.metering.events.archivedBytes / n,
    sqsRequestChunks: per.sqs.chunks,
    logBytes: per.logs.functionBytes + per.logs.platformBytesEstimate + per.logs.apiAccessBytesEstimate,
    xrayTraces: tracesPerLifecycle(m.metering.lambda, xray, n),
    internetOutBytes: per.internetOutBytes,
  };
  const breakdown = costPerMillion(usage, prices);
  const pollers = prices.assumptions.lambdaSqsPollersPerMapping?.value ?? 5;
  const idle = idlePollingPerHour(m.checks.sqsPollerMappings, pollers, prices);
  const latency = summarize(m.createToRiskAssessedMs);
  const biggest = Object.entries(breakdown.byService)
    .sort(([, a], [, b]) => b - a)
    .map(([service, usd]) => ({ service, usd: round(usd, 3), share: round(usd / breakdown.total, 3) }));
  return {
    lifecycles: {
      channel,
      measured: n,
      warmup: RUNTIME_WARMUP,
      createIntervalMs: RUNTIME_INTERVAL_MS,
      lifecyclesPerSecond: round(1000 / RUNTIME_INTERVAL_MS, 1),
      sandboxCallbackDelayMs: CALLBACK_DELAY_MS,
      note: 'Counted in the local runtime (local/src/metering.ts) and through the DynamoDB capacity proxy. Lambda duration is modelled (lambdaDurationModel): measured CPU time + calls × documented latencies; the wall times against DynamoDB Local (meanMs) are shown, not billed.',
      perLifecycle: per,
      hotKeys,
      lambdaDurationModel: lambda.figures,
      createToRiskAssessedMs: {
        p50: round(latency.p50, 0),
        p90: round(latency.p90, 0),
        p99: round(latency.p99, 0),
        max: round(Math.max(...m.createToRiskAssessedMs), 0),
        measuredAs: 'create response received by the client → RiskAssessed accepted by the local bus',
      },
      checks: m.checks,
    },
    cost: {
      priceFile: PRICE_FILE,
      usage: Object.fromEntries(Object.entries(usage).map(([k, v]) => [k, round(v, 6)])),
      xraySampling: {
        fixedRate: xray.fixedRate,
        reservoirPerSecond: xray.reservoirPerSecond,
        activeFunctions: xray.activeFunctions.length,
        untracedFunctions: xray.untracedFunctions,
        samplingRules: xray.samplingRules,
        source: xray.source,
      },
      lines: breakdown.lines.map((l) => ({
        ...l,
        quantityPerLifecycle: round(l.quantityPerLifecycle, 6),
        usdPerMillion: round(l.usdPerMillion, 3),
      })),
      byService: Object.fromEntries(Object.entries(breakdown.byService).map(([k, v]) => [k, round(v, 3)])),
      biggest,
      totalUsd: round(breakdown.total, 2),
      goalUsd: GOAL_USD_PER_MILLION,
      goalMet: breakdown.total <= GOAL_USD_PER_MILLION,
      flaggedPrices: Object.entries(prices.prices)
        .filter(([, p]) => !p.verified)
        .map(([k]) => k),
      fixedCosts: {
        idleSqsPolling: {
          mappings: m.checks.sqsPollerMappings,
          pollersPerMapping: pollers,
          receivesPerHour: idle.receivesPerHour,
          usdPerHour: round(idle.usdPerHour, 6),
          usdPer30Days: round(idle.usdPer30Days, 2),
          note: 'Empty long polls (20 s) of the Lambda SQS pollers, billed whatever the traffic; not in the per-lifecycle figure.',
        },
        xrayReservoirPer30Days: {
          usd: round(xrayReservoirPer30Days(prices, xray.reservoirPerSecond), 2),
          note: `Lambda's sampling records ${xray.reservoirPerSecond} trace a second (reservoir) whatever the volume, before the ${xray.fixedRate * 100}% rate; not in the per-lifecycle figure.`,
        },
        notPriced:
          'CloudWatch alarms, the dashboard, the KMS key, the Secrets Manager secret, log and archive storage, DynamoDB storage and backups: monthly, not per lifecycle.',
      },
    },
  };
}

async function measureCore() {
  const functions = bundledFunctions();
  const ddb = await startDynamoDbLocal();
  const proxy = await startMeteringProxy(ddb.endpoint);
  const client = localClient(ddb.endpoint);
  try {
    await createPaymentsTable(client, TABLE);
    await seedLocalCredentials(client, TABLE);
    // The latency loop creates payments back to back, faster than the default flow limits: lifted so
    // that it measures what admitting costs, not refusals (flow control's own figures:
    // test/bench/flow-control.ts).
    await new DynamoFlowLimitsStore({ client, tableName: TABLE }).put(MERCHANT.id, {
      requestsPerSecond: MAX_REQUESTS_PER_SECOND,
      burst: MAX_BURST,
    });
    const baseEnv = {
      TABLE_NAME: TABLE,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      SANDBOX_WEBHOOK_SECRETS: WEBHOOK_SECRET,
      SANDBOX_PSP_URL: 'http://127.0.0.1:9',
      POWERTOOLS_LOG_LEVEL: 'ERROR',
      POWERTOOLS_METRICS_DISABLED: 'true',
      // What the event-backbone functions read at import (values only need to be well-formed here).
      EVENT_BUS_NAME: 'payments',
      WEBHOOK_QUEUE_URL: 'http://127.0.0.1:9/000000000000/merchant-webhooks',
      WEBHOOK_MAX_RECEIVE_COUNT: '10',
      CHANNEL_CHECKS_QUEUE_URL: 'http://127.0.0.1:9/000000000000/channel-checks',
      CHANNEL_CHECKS_DEAD_LETTER_QUEUE_URL: 'http://127.0.0.1:9/000000000000/channel-checks-dlq',
      CHANNEL_CHECK_DELAYS: 'sandbox=120,stripe=600,alipay=900,wechatpay=900',
      STATEMENTS_BUCKET: 'statements',
      SETTLEMENT_STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:000000000000:stateMachine:settlement',
      RUNS_MAX_RECEIVE_COUNT: '3',
      // Core's function the channels have apply outcomes (served below for the metered callback).
      APPLY_CHANNEL_OUTCOMES_FUNCTION_ARN: `arn:aws:lambda:us-east-1:000000000000:function:${APPLY_OUTCOMES}:live`,
      // The gateway's function create-payment leases flow-control tokens through (served below), as deployed.
      FLOW_LEASE_FUNCTION_ARN: `arn:aws:lambda:us-east-1:000000000000:function:${FLOW_LEASE}:live`,
      ROUTE_KEYS: JSON.stringify(['GET /health', 'POST /v1/payments']),
      DEAD_LETTER_QUEUES: JSON.stringify({
        risk: {
          url: 'http://127.0.0.1:9/000000000000/risk-dlq',
          arn: 'arn:aws:sqs:us-east-1:000000000000:risk-dlq',
          sources: ['risk'],
        },
      }),
    };

    // 1. Bundle sizes and cold import time.
    const bundles = functions.map((f) => ({
      function: f.name,
      bytes: statSync(f.bundle).size,
      coldImportMs: round(coldImport(f.bundle, { ...baseEnv, AWS_ENDPOINT_URL_DYNAMODB: ddb.endpoint }), 1),
    }));

    // 2. Latency: the create-payment bundle against one bare conditional PutItem, interleaved. Its
    // flow-control leases go through the gateway's function, served in this process (one a lease of up to
    // 50 payments at these limits: the invocation is in the figure, at a local call's cost).
    const latencyLeases = await startLambdaEndpoint({
      log: createLogger({ quiet: true }),
      functions: new Map([
        [
          FLOW_LEASE,
          served(
            FLOW_LEASE,
            await loadHandler(
              find(functions, FLOW_LEASE).bundle,
              { ...baseEnv, AWS_ENDPOINT_URL_DYNAMODB: ddb.endpoint },
              'latency',
            ),
          ),
        ],
      ]),
    });
    const create = await loadHandler(
      find(functions, 'CreatePaymentFunction').bundle,
      { ...baseEnv, AWS_ENDPOINT_URL_DYNAMODB: ddb.endpoint, AWS_ENDPOINT_URL_LAMBDA: latencyLeases.url },
      'latency',
    );
    // The bare write stores an item of the same shape as a payment (index keys included), so the ratio
    // isolates what the handler adds: parsing, validation, auth, fingerprinting, mapping.
    const barePut = () => {
      const id = randomUUID();
      const now = new Date().toISOString();
      return client.send(
        new PutItemCommand({
          TableName: TABLE,
          Item: {
            PK: { S: `OBJ#bench${id}` },
            SK: { S: 'OBJ' },
            GSI1PK: { S: 'MER#m_bench' },
            GSI1SK: { S: `${now}#pay_${id}` },
            GSI4PK: { S: 'PAYMENTS#00' },
            entity: { S: 'payment' },
            id: { S: `pay_${id}` },
            merchantId: { S: 'm_bench' },
            amount: { N: '1050' },
            currency: { S: 'USD' },
            status: { S: 'processing' },
            description: { S: 'Order 4711' },
            customer: {
              M: {
                id: { S: 'cus_42' },
                email: { S: 'ada@example.com' },
                ip: { S: '203.0.113.7' },
                country: { S: 'GB' },
              },
            },
            metadata: { M: { order: { S: '4711' }, sandbox_outcome: { S: 'none' } } },
            createdAt: { S: now },
            updatedAt: { S: now },
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
    };
    const warmup = Math.min(200, ITERATIONS);
    for (let i = 0; i < warmup; i += 1) {
      await barePut();
      const r = await create(createEvent(1050), lambdaContext('create-payment'));
      if (r.statusCode !== 201) throw new Error(`create-payment answered ${r.statusCode}: ${r.body}`);
    }
    const handlerMs: number[] = [];
    const putMs: number[] = [];
    for (let i = 0; i < ITERATIONS; i += 1) {
      let t = performance.now();
      await barePut();
      putMs.push(performance.now() - t);
      const event = createEvent(1050);
      t = performance.now();
      await create(event, lambdaContext('create-payment'));
      handlerMs.push(performance.now() - t);
    }
    await latencyLeases.close();
    const handler = summarize(handlerMs);
    const put = summarize(putMs);

    // 3. Write units per create + capture lifecycle, through the metering proxy.
    // The callback has core's function apply the outcome, and create-payment leases through the gateway's
    // flow-lease: their bundles, served by the local Lambda endpoint in this process, their DynamoDB calls
    // metered with the caller's (a lease's write counts in the create's units, as before it moved).
    const metered = async (name: string) =>
      served(
        name,
        await loadHandler(
          find(functions, name).bundle,
          { ...baseEnv, AWS_ENDPOINT_URL_DYNAMODB: proxy.endpoint },
          'metered',
        ),
      );
    const lambdaEndpoint = await startLambdaEndpoint({
      log: createLogger({ quiet: true }),
      functions: new Map([
        [APPLY_OUTCOMES, await metered(APPLY_OUTCOMES)],
        [FLOW_LEASE, await metered(FLOW_LEASE)],
      ]),
    });
    const meteredEnv = {
      ...baseEnv,
      AWS_ENDPOINT_URL_DYNAMODB: proxy.endpoint,
      AWS_ENDPOINT_URL_LAMBDA: lambdaEndpoint.url,
    };
    const meteredCreate = await loadHandler(
      find(functions, 'CreatePaymentFunction').bundle,
      meteredEnv,
      'metered',
    );
    const meteredCallback = await loadHandler(
      find(functions, 'CallbackFunction').bundle,
      meteredEnv,
      'metered',
    );
    // Warm the API-key cache so the figure is the steady state (a cold container adds one key read).
    await meteredCreate(createEvent(1050), lambdaContext('create-payment'));
    proxy.reset();
    const createTally = { writeUnits: 0, readUnits: 0 };
    const captureTally = { writeUnits: 0, readUnits: 0 };
    for (let i = 0; i < LIFECYCLES; i += 1) {
      proxy.reset();
      const created = await meteredCreate(createEvent(1050), lambdaContext('create-payment'));
      if (created.statusCode !== 201)
        throw new Error(`create answered ${created.statusCode}: ${created.body}`);
      await proxy.settled();
      createTally.writeUnits += proxy.tally.writeUnits;
      createTally.readUnits += proxy.tally.readUnits;
      const id = (JSON.parse(created.body ?? '{}') as { id: string }).id;
      proxy.reset();
      const captured = await meteredCallback(callbackEvent(id, 1050), lambdaContext('callback'));
      if (captured.statusCode >= 300)
        throw new Error(`callback answered ${captured.statusCode}: ${captured.body}`);
      await proxy.settled();
      captureTally.writeUnits += proxy.tally.writeUnits;
      captureTally.readUnits += proxy.tally.readUnits;
    }
    await lambdaEndpoint.close();
    const perLifecycle = {
      createWriteUnits: round(createTally.writeUnits / LIFECYCLES, 2),
      createReadUnits: round(createTally.readUnits / LIFECYCLES, 2),
      captureWriteUnits: round(captureTally.writeUnits / LIFECYCLES, 2),
      captureReadUnits: round(captureTally.readUnits / LIFECYCLES, 2),
      writeUnits: round((createTally.writeUnits + captureTally.writeUnits) / LIFECYCLES, 2),
      readUnits: round((createTally.readUnits + captureTally.readUnits) / LIFECYCLES, 2),
    };

    return {
      measuredAt: new Date().toISOString(),
      node: process.version,
      machine: {
        cpus: (await import('node:os')).cpus().length,
        platform: process.platform,
        arch: process.arch,
      },
      createPaymentLatency: {
        iterations: ITERATIONS,
        handlerMs: { p50: round(handler.p50), p99: round(handler.p99) },
        barePutItemMs: { p50: round(put.p50), p99: round(put.p99) },
        ratioP50: round(handler.p50 / put.p50, 2),
        ratioP99: round(handler.p99 / put.p99, 2),
        goal: 1.3,
      },
      dynamoDbUnitsPerLifecycle: { lifecycles: LIFECYCLES, ...perLifecycle, goalWriteUnits: 3 },
      bundles: bundles.map((b) => ({ ...b, kb: round(b.bytes / 1024, 1), goalKb: 300 })),
    };
  } finally {
    client.destroy();
    await proxy.close();
    await ddb.stop();
  }
}

function printTable(r: {
  createPaymentLatency: {
    handlerMs: { p50: number; p99: number };
    barePutItemMs: { p50: number; p99: number };
    ratioP50: number;
    ratioP99: number;
  };
  dynamoDbUnitsPerLifecycle: {
    createWriteUnits: number;
    captureWriteUnits: number;
    writeUnits: number;
    readUnits: number;
  };
  bundles: Array<{ function: string; kb: number; coldImportMs: number }>;
}) {
  const l = r.createPaymentLatency;
  const u = r.dynamoDbUnitsPerLifecycle;
  const mark = (ok: boolean) => (ok ? 'ok' : 'OVER');
  console.log('\nfigure                                     value          goal');
  console.log(
    `create-payment p50 / bare PutItem p50     ${l.ratioP50.toFixed(2)}× (${l.handlerMs.p50} / ${l.barePutItemMs.p50} ms)  ≤ 1.3× ${mark(l.ratioP50 <= 1.3)}`,
  );
  console.log(
    `create-payment p99 / bare PutItem p99     ${l.ratioP99.toFixed(2)}× (${l.handlerMs.p99} / ${l.barePutItemMs.p99} ms)  ≤ 1.3× ${mark(l.ratioP99 <= 1.3)}`,
  );
  console.log(
    `write units per create + capture          ${u.writeUnits} (create ${u.createWriteUnits}, capture ${u.captureWriteUnits})  ≤ 3 ${mark(u.writeUnits <= 3)}`,
  );
  console.log(`read units per create + capture           ${u.readUnits}`);
  console.log('\nfunction                 bundle KB   cold import ms');
  for (const b of r.bundles) {
    console.log(
      `${b.function.padEnd(24)} ${String(b.kb).padStart(9)}   ${String(b.coldImportMs).padStart(14)}  ${mark(b.kb <= 300)}`,
    );
  }
}

function printReconciliation(r: Awaited<ReturnType<typeof measureReconciliation>>) {
  const mark = (ok: boolean) => (ok ? 'ok' : 'NOT met');
  console.log(
    `\nreconciliation of ${r.rows.toLocaleString('en')} rows (${r.statementMb} MB statement, ${r.expectations.toLocaleString('en')} expectations)`,
  );
  console.log(
    `reconcile / parse                          ${r.ratio.toFixed(2)}× (${r.reconcileMs} / ${r.parseMs} ms)  ≤ ${r.goalRatio}× ${mark(r.ratio <= r.goalRatio)}`,
  );
  console.log(
    `  with the index build                     ${r.ratioWithIndexBuild.toFixed(2)}× (index ${r.indexBuildMs} ms, ${r.indexMb} MB)`,
  );
  console.log(
    `peak RSS                                   ${r.peakRssMb} MB (parse ${r.parsePeakRssMb}, reconcile ${r.reconcilePeakRssMb})  ≤ ${r.goalPeakRssMb} MB ${mark(r.peakRssMb <= r.goalPeakRssMb)}`,
  );
  console.log(
    `discrepancy counts                         ${r.countsExact ? 'exact' : 'WRONG'} ${JSON.stringify(r.counts)}${r.countsExact ? '' : ` (expected ${JSON.stringify(r.expectedCounts)})`}  ${mark(r.countsExact)}`,
  );
}

function printLifecycles(r: Awaited<ReturnType<typeof measureRuntimeLifecycles>>) {
  const p = r.lifecycles.perLifecycle;
  const l = r.lifecycles.createToRiskAssessedMs;
  console.log(
    `\nper lifecycle on ${r.lifecycles.channel} (${r.lifecycles.measured} measured, after ${r.lifecycles.warmup} warm-up)`,
  );
  console.log(`API requests               ${p.apiRequests}  ${JSON.stringify(p.apiRequestsByRoute)}`);
  console.log(`Lambda invocations         ${p.lambdaInvocations}`);
  for (const [fn, t] of Object.entries(p.lambdaByFunction)) {
    console.log(
      `  ${fn.padEnd(44)} ${String(t.invocations).padStart(6)} × ${String(t.meanMs).padStart(7)} ms (cold starts in window: ${t.coldStarts})`,
    );
  }
  console.log(
    `EventBridge entries        ${p.events.entries} in ${p.events.putEventsCalls} PutEvents  ${JSON.stringify(p.events.byDetailType)}`,
  );
  console.log(`SQS requests               ${p.sqs.requests} (${p.sqs.chunks} billed chunks)`);
  for (const [action, count] of Object.entries(p.sqs.byAction))
    console.log(`  ${action.padEnd(44)} ${count}`);
  console.log(
    `DynamoDB                   ${p.dynamodb.writeUnits} WRU, ${p.dynamodb.readUnits} RRU  calls ${JSON.stringify(p.dynamodb.callsByOperation)}`,
  );
  for (const [fn, t] of Object.entries(p.dynamodb.byFunction))
    console.log(`  ${fn.padEnd(44)} ${t.writeUnits} WRU, ${t.readUnits} RRU  ${JSON.stringify(t.calls)}`);
  if (Object.keys(p.dynamodb.refusedCalls).length)
    console.log(`  refused calls              ${JSON.stringify(p.dynamodb.refusedCalls)}`);
  console.log(
    `log bytes                  functions ${p.logs.functionBytes}, platform ≈${p.logs.platformBytesEstimate}, API access ≈${p.logs.apiAccessBytesEstimate}`,
  );
  console.log(`webhook deliveries         ${p.webhookDeliveries}`);
  console.log(`create → RiskAssessed      p50 ${l.p50} ms, p99 ${l.p99} ms (max ${l.max})`);
  console.log(`checks                     ${JSON.stringify(r.lifecycles.checks)}`);
  printHotKeys(r.lifecycles.hotKeys);
  printLambdaModel(r.lifecycles.lambdaDurationModel);
  console.log(
    '\ncost per 1,000,000 lifecycles (us-east-1, docs/prices.json; * = price not read on an AWS page)',
  );
  for (const line of r.cost.lines) {
    console.log(
      `  ${`${line.service}: ${line.item}`.padEnd(48)} ${String(line.quantityPerLifecycle).padStart(12)} / lifecycle  $${line.usdPerMillion.toFixed(2).padStart(7)}${line.flagged ? ' *' : ''}`,
    );
  }
  console.log('  by service:');
  for (const b of r.cost.biggest)
    console.log(
      `    ${b.service.padEnd(20)} $${b.usd.toFixed(2).padStart(7)}  ${(b.share * 100).toFixed(1)}%`,
    );
  console.log(
    `  total                                            $${r.cost.totalUsd.toFixed(2)}  goal ≤ $${r.cost.goalUsd}: ${r.cost.goalMet ? 'met' : 'NOT met'}`,
  );
  const idle = r.cost.fixedCosts.idleSqsPolling;
  console.log(
    `  fixed: idle SQS polling ${idle.receivesPerHour} receives/h = $${idle.usdPerHour}/h ($${idle.usdPer30Days}/30 days); X-Ray reservoir ≈ $${r.cost.fixedCosts.xrayReservoirPer30Days.usd}/30 days (${r.cost.xraySampling.activeFunctions} functions traced at ${r.cost.xraySampling.fixedRate * 100}% + ${r.cost.xraySampling.reservoirPerSecond}/s)`,
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
