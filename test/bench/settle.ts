/**
 * Settling a day of 100,000 line items (payments and refunds) for a few merchants through the real
 * local runtime: the ops route starts a run, the synthesized state machine runs it (aws-local-stepfunctions),
 * the shipped bundles settle each merchant and pay it out through the sandbox bank.
 *
 * - Seeding (not counted): the line items are written straight into DynamoDB Local as the callback's
 *   transition leaves succeeded payments and refunds (GSI2PK from create, GSI2SK = commit time, GSI3 keys;
 *   `entity` is a bench one so the local stream publisher does not announce them), BatchWriteItem, 8 in
 *   flight, occurredAt spread over yesterday (UTC), committed one second later; the merchants are
 *   registered as onboarding does (putMerchant). A warm-up run settles the day before yesterday (nothing
 *   in it): every function but PayOut gets an environment, and each merchant has a settlement state, as
 *   after any earlier day.
 * - Measured: one run for yesterday, started by POST /v1/ops/settlements/runs (ops key, Idempotency-Key)
 *   and followed to its end on the executor (no polling requests): wall time, the execution's state
 *   transitions (ExecutionRecord.stateTransitions: states entered, Map iterations' included, plus
 *   retries), the functions' DynamoDB units (the capacity-metering proxy, reset just before), Lambda
 *   invocations and durations (LocalMetering), events put on the bus.
 * - Checked afterwards (outside the counts): every merchant-currency's settlement equals what was seeded
 *   (gross, refunded, fees, net, counts) and was paid out once for its net; writes and transitions follow
 *   merchants and settlements, not line items; a second run of the same day settles nothing.
 *
 * `npm run bench:settle` runs it alone and prints the JSON; `npm run bench` includes it (`--settle-only`).
 * `SETTLE_BENCH_LINE_ITEMS` changes the size (default 100,000).
 */
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { BatchWriteItemCommand, type DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { LocalMetering, type MeteringSnapshot } from '../../local/src/metering.js';
import { type LocalRuntime, startLocalRuntime } from '../../local/src/runtime.js';
import type { ExecutionRecord } from '../../local/src/stepfunctions.js';
import type { CurrencyCode } from '../../shared/domain/money.js';
import { DEFAULT_PRICING, feeOf } from '../../shared/domain/settlement/pricing.js';
import { putMerchant } from '../../shared/store/api-keys.js';
import {
  DynamoSettlementRunStore,
  type SettlementItem,
  type SettlementRunItem,
} from '../../shared/store/dynamodb/settlements.js';
import { backOfficeKeys, keys } from '../../shared/store/keys.js';
import { localClient } from '../support/dynamodb.js';
import { gbSeconds, loadPrices, PRICE_FILE, type SettlementUsage, settlementCostPerMillion } from './cost.js';
import { type MeteringProxy, startMeteringProxy, type Tally } from './metering-proxy.js';
import { round } from './stats.js';

const OPS_KEY = 'sk_test_ops';
const CHANNEL = 'sandbox';
const DAY_MS = 86_400_000;
const BATCH = 25;
const IN_FLIGHT = 8;
const MILLION = 1_000_000;

/** The merchants and their shares of the line items; the first takes two currencies. */
const MERCHANTS = [
  { id: 'm_settle_bench_1', share: 0.4, currencies: ['USD', 'EUR'] as CurrencyCode[] },
  { id: 'm_settle_bench_2', share: 0.3, currencies: ['USD'] as CurrencyCode[] },
  { id: 'm_settle_bench_3', share: 0.2, currencies: ['USD'] as CurrencyCode[] },
  { id: 'm_settle_bench_4', share: 0.1, currencies: ['USD'] as CurrencyCode[] },
] as const;

export interface SettlementBenchOptions {
  /** Line items seeded for yesterday. Default `SETTLE_BENCH_LINE_ITEMS` or 100,000. */
  readonly lineItems?: number;
  /** Run `cdk synth` first (default false: `npm run bench` synthesizes). */
  readonly synth?: boolean;
}

interface Expected {
  merchantId: string;
  currency: CurrencyCode;
  grossAmount: number;
  refundedAmount: number;
  feeAmount: number;
  paymentCount: number;
  refundCount: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A small deterministic PRNG (mulberry32): the same amounts every run. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * The seeded line items (as the callback leaves succeeded payments and refunds) and what each merchant-currency's
 * settlement must show. Every tenth item of a merchant is a refund, smaller than the payments around it.
 */
function lineItemsFor(total: number, date: string) {
  const dayStart = Date.parse(`${date}T00:00:00.000Z`);
  const random = prng(20261126);
  const items: Record<string, unknown>[] = [];
  const expected = new Map<string, Expected>();
  let allocated = 0;
  MERCHANTS.forEach((merchant, m) => {
    const count = m === MERCHANTS.length - 1 ? total - allocated : Math.round(total * merchant.share);
    allocated += count;
    for (let i = 0; i < count; i += 1) {
      const type = i % 10 === 9 ? 'refund' : 'payment';
      // Two currencies for the first merchant: 70% USD, 30% EUR (blocks of ten, refunds in both).
      const currency = merchant.currencies[
        merchant.currencies.length > 1 && Math.floor(i / 10) % 10 >= 7 ? 1 : 0
      ] as CurrencyCode;
      const amount =
        type === 'payment' ? 100 + Math.floor(random() * 49_900) : 50 + Math.floor(random() * 4_950);
      const n = `${m + 1}x${String(i).padStart(7, '0')}`;
      const reference = type === 'payment' ? `pay_stlbench${n}` : `re_stlbench${n}`;
      const occurred = dayStart + Math.floor(((i + 0.5) * DAY_MS) / count);
      const occurredAt = new Date(occurred).toISOString();
      const committedAt = new Date(occurred + 1_000).toISOString();
      items.push({
        PK: `OBJ#bench_${reference}`,
        SK: type === 'payment' ? 'OBJ' : `REF#${reference}`,
        entity: `bench_${type}`,
        id: reference,
        channel: CHANNEL,
        channelReference: `ch_${reference}`,
        merchantId: merchant.id,
        amount,
        currency,
        status: 'succeeded',
        outcomeAt: occurredAt,
        lastChannelEventId: `evt_stlbench${n}`,
        updatedAt: committedAt,
        GSI2PK: keys.settlementLines(merchant.id, reference),
        GSI2SK: backOfficeKeys.settlementLineSort(committedAt, type, reference),
        ...keys.outcome(CHANNEL, date, type, reference),
      });
      const key = `${merchant.id}/${currency}`;
      const e = expected.get(key) ?? {
        merchantId: merchant.id,
        currency,
        grossAmount: 0,
        refundedAmount: 0,
        feeAmount: 0,
        paymentCount: 0,
        refundCount: 0,
      };
      if (type === 'payment') {
        e.grossAmount += amount;
        e.feeAmount += feeOf(DEFAULT_PRICING, amount, currency);
        e.paymentCount += 1;
      } else {
        e.refundedAmount += amount;
        e.refundCount += 1;
      }
      expected.set(key, e);
    }
  });
  return { items, expected };
}

/** BatchWriteItem of 25, `IN_FLIGHT` at once, unprocessed items retried. */
async function batchWrite(client: DynamoDBClient, tableName: string, items: readonly object[]) {
  let next = 0;
  const worker = async () => {
    for (;;) {
      const start = next;
      next += BATCH;
      if (start >= items.length) return;
      let requests = items
        .slice(start, start + BATCH)
        .map((item) => ({ PutRequest: { Item: marshall(item) } }));
      for (let attempt = 0; requests.length > 0; attempt += 1) {
        if (attempt > 10) throw new Error('seeding: BatchWriteItem keeps leaving items unprocessed');
        const out = await client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: requests } }));
        requests = (out.UnprocessedItems?.[tableName] ?? []) as typeof requests;
        if (requests.length > 0) await sleep(20 * 2 ** attempt);
      }
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
}

/** A merchant's settlements, straight from DynamoDB Local (not counted). */
async function settlementsOf(client: DynamoDBClient, tableName: string, merchantId: string) {
  const out: SettlementItem[] = [];
  let startKey: Record<string, never> | undefined;
  do {
    const page = await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :stl)',
        ExpressionAttributeValues: marshall({
          ':pk': backOfficeKeys.settlementsOf(merchantId),
          ':stl': 'STL#',
        }),
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    out.push(...(page.Items ?? []).map((i) => unmarshall(i) as SettlementItem));
    startKey = page.LastEvaluatedKey as typeof startKey;
  } while (startKey);
  return out;
}

/** Starts a run for `date` through the ops route and waits for its execution to close. */
async function runSettlement(runtime: LocalRuntime, machineArn: string, date: string) {
  const response = await fetch(`${runtime.url}/v1/ops/settlements/runs`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${OPS_KEY}`,
      'content-type': 'application/json',
      'idempotency-key': randomUUID(),
    },
    body: JSON.stringify({ date }),
  });
  const text = await response.text();
  if (response.status !== 202)
    throw new Error(`POST /v1/ops/settlements/runs answered ${response.status}: ${text}`);
  const runId = String((JSON.parse(text) as { id: string }).id);
  const execution = runtime.stepFunctions.listExecutions(machineArn).find((e) => e.name === runId);
  if (!execution) throw new Error(`no execution named ${runId}`);
  const closed: ExecutionRecord = await execution.done;
  if (closed.status !== 'SUCCEEDED')
    throw new Error(`settlement run ${runId} ${closed.status}: ${closed.error ?? ''} ${closed.cause ?? ''}`);
  return { runId, execution: closed };
}

const sum = (xs: Iterable<number>) => {
  let s = 0;
  for (const x of xs) s += x;
  return s;
};

/** Seeds, warms up, measures one run of yesterday, checks it; see the module comment. */
export async function benchSettlement(options: SettlementBenchOptions = {}) {
  const lineItems = options.lineItems ?? Number(process.env.SETTLE_BENCH_LINE_ITEMS ?? 100_000);
  const prices = loadPrices();
  const metering = new LocalMetering();
  let proxy: MeteringProxy | undefined;
  const runtime = await startLocalRuntime({
    port: 0,
    synth: options.synth ?? false,
    quiet: true,
    metering,
    stepFunctionsTimeScale: 0.01,
    functionsDynamoEndpoint: async (endpoint, logicalId) => {
      proxy ??= await startMeteringProxy(endpoint);
      return proxy.endpointFor(logicalId);
    },
    log: {
      info: () => {},
      error: (message) => process.stderr.write(`[local] ERROR ${message}\n`),
      fn: () => {},
    },
  });
  const client = localClient(runtime.dynamoEndpoint);
  try {
    const machine = runtime.stepFunctions.machines.find((m) => m.logicalId.startsWith('Settlement'));
    if (!machine) throw new Error('no settlement state machine in the template');
    const now = Date.now();
    const date = new Date(now - DAY_MS).toISOString().slice(0, 10);
    const dayBefore = new Date(now - 2 * DAY_MS).toISOString().slice(0, 10);

    // Seed (not counted).
    const seedStarted = performance.now();
    const { items, expected } = lineItemsFor(lineItems, date);
    for (const m of MERCHANTS) await putMerchant(client, runtime.tableName, { merchantId: m.id });
    await batchWrite(client, runtime.tableName, items);
    const seedMs = performance.now() - seedStarted;
    const payments = items.filter((i) => i.entity === 'bench_payment').length;
    items.length = 0;

    // Warm-up: the day before yesterday (nothing to settle).
    const warmup = await runSettlement(runtime, machine.arn, dayBefore);

    // Measured: yesterday.
    await proxy?.settled();
    metering.reset();
    proxy?.reset();
    const started = performance.now();
    const measured = await runSettlement(runtime, machine.arn, date);
    const wallMs = performance.now() - started;
    while (metering.invocationsInFlight > 0) await sleep(10);
    await proxy?.settled();
    const snapshot: MeteringSnapshot = metering.snapshot();
    const dynamo = structuredClone(proxy?.tally) as Tally;

    // Checks (not counted).
    const runs = new DynamoSettlementRunStore({ client, tableName: runtime.tableName });
    const run: SettlementRunItem = await runs.get(measured.runId);
    const settled = (
      await Promise.all(MERCHANTS.map((m) => settlementsOf(client, runtime.tableName, m.id)))
    ).flat();
    const figures = [...expected.values()].map((e) => {
      const s = settled.find((x) => x.merchantId === e.merchantId && x.currency === e.currency);
      const want = { ...e, netAmount: e.grossAmount - e.refundedAmount - e.feeAmount };
      const got = s && {
        merchantId: s.merchantId,
        currency: s.currency,
        grossAmount: s.grossAmount,
        refundedAmount: s.refundedAmount,
        feeAmount: s.feeAmount,
        paymentCount: s.paymentCount,
        refundCount: s.refundCount,
        netAmount: s.netAmount,
      };
      return {
        merchantCurrency: `${e.merchantId} ${e.currency}`,
        expected: want,
        settled: got ?? null,
        status: s?.status ?? null,
        exact: JSON.stringify(got) === JSON.stringify(want),
      };
    });
    const bank = (await (await fetch(`${runtime.pspUrl}/payouts`)).json()) as {
      data: { id: string; merchantId: string; amount: number; currency: string }[];
    };
    const ours = new Set<string>(MERCHANTS.map((m) => m.id));
    const payouts = bank.data.filter((p) => ours.has(p.merchantId));
    const paidOnceForNet =
      payouts.length === settled.length &&
      settled.every(
        (s) => s.status === 'paid' && payouts.some((p) => p.id === s.id && p.amount === s.netAmount),
      );

    const second = await runSettlement(runtime, machine.arn, date);
    const secondRun = await runs.get(second.runId);
    const settledAfter = (
      await Promise.all(MERCHANTS.map((m) => settlementsOf(client, runtime.tableName, m.id)))
    ).flat();

    // Figures.
    const merchantsInRun = (await registeredMerchants(client, runtime.tableName)).length;
    const transitions = measured.execution.stateTransitions;
    // StartRun, EachMerchant, FinishRun; per merchant SettleMerchant and EachSettlement; per settlement
    // PayOut and PublishSettlementCompleted (no retries).
    const modelTransitions = 3 + 2 * merchantsInRun + 2 * run.settlements;
    const lambda = Object.values(snapshot.lambda);
    const invocations = sum(lambda.map((t) => t.invocations));
    const gbs = gbSeconds(lambda);
    const writeCalls = sum(
      Object.entries(dynamo.calls)
        .filter(([op]) => /^(PutItem|UpdateItem|DeleteItem|TransactWriteItems|BatchWriteItem)$/.test(op))
        .map(([, c]) => c),
    );
    const settleId = Object.keys(snapshot.lambda).find((id) => id.includes('SettleMerchant')) ?? '';
    const perItem = (x: number) => x / lineItems;
    const usage: SettlementUsage = {
      stateTransitions: perItem(transitions),
      apiRequests: perItem(snapshot.api.requests),
      lambdaRequests: perItem(invocations),
      lambdaGbSeconds: perItem(gbs),
      dynamoWriteUnits: perItem(dynamo.writeUnits),
      dynamoReadUnits: perItem(dynamo.readUnits),
      eventChunks: perItem(snapshot.events.chunks),
    };
    // The same merchants with ten times the line items in one run: only the settle function's reads and
    // duration grow with line items; transitions, invocations, writes and events stay what they were.
    const scale = MILLION / lineItems;
    const settleReads = dynamo.byCaller[settleId]?.readUnits ?? 0;
    const settleGbs = gbSeconds(snapshot.lambda[settleId] ? [snapshot.lambda[settleId]] : []);
    const oneRunUsage: SettlementUsage = {
      stateTransitions: transitions / MILLION,
      apiRequests: snapshot.api.requests / MILLION,
      lambdaRequests: invocations / MILLION,
      lambdaGbSeconds: (gbs - settleGbs + settleGbs * scale) / MILLION,
      dynamoWriteUnits: dynamo.writeUnits / MILLION,
      dynamoReadUnits: (dynamo.readUnits - settleReads + settleReads * scale) / MILLION,
      eventChunks: snapshot.events.chunks / MILLION,
    };
    const costOf = (u: SettlementUsage) => {
      const b = settlementCostPerMillion(u, prices);
      return {
        lines: b.lines.map((l) => ({
          service: l.service,
          item: l.item,
          quantityPerLineItem: round(l.quantityPerLifecycle, 9),
          priceKey: l.priceKey,
          usdPerMillion: round(l.usdPerMillion, 4),
          flagged: l.flagged,
        })),
        byService: Object.fromEntries(Object.entries(b.byService).map(([k, v]) => [k, round(v, 4)])),
        totalUsd: round(b.total, 4),
      };
    };

    const checks = {
      runSucceeded: run.status === 'succeeded',
      settlements: run.settlements,
      expectedSettlements: expected.size,
      figuresExact: figures.every((f) => f.exact) && run.settlements === expected.size,
      paidOnceForNet,
      secondRunSettlesNothing:
        secondRun.status === 'succeeded' &&
        secondRun.settlements === 0 &&
        settledAfter.length === settled.length,
      transitionsFollowMerchants: transitions === modelTransitions,
      noPerPaymentWrite: writeCalls < 10 * merchantsInRun,
    };
    return {
      measuredAt: new Date().toISOString(),
      node: process.version,
      date,
      lineItems,
      payments,
      refunds: lineItems - payments,
      merchants: MERCHANTS.map((m) => ({
        id: m.id,
        lineItems: figures
          .filter((f) => f.expected.merchantId === m.id)
          .reduce((n, f) => n + f.expected.paymentCount + f.expected.refundCount, 0),
        currencies: m.currencies,
      })),
      merchantsInRun,
      seeding: {
        ms: Math.round(seedMs),
        itemsPerSec: Math.round(lineItems / (seedMs / 1000)),
        how: `BatchWriteItem of ${BATCH}, ${IN_FLIGHT} in flight, straight into DynamoDB Local (not counted)`,
      },
      run: {
        wallMs: Math.round(wallMs),
        executionMs: (measured.execution.stopDate?.getTime() ?? 0) - measured.execution.startDate.getTime(),
        measuredAs:
          'POST /v1/ops/settlements/runs sent → the execution closed (the run item ended by FinishRun)',
        lineItemsPerSec: Math.round(lineItems / (wallMs / 1000)),
      },
      stateTransitions: {
        total: transitions,
        perMerchantInRun: round((transitions - 3) / merchantsInRun, 2),
        model: `3 per run + 2 per merchant + 2 per settlement (merchant-currency) = 3 + 2×${merchantsInRun} + 2×${run.settlements} = ${modelTransitions}`,
        perMillionLineItems: round(transitions * scale, 0),
        warmupRun: warmup.execution.stateTransitions,
        secondRun: second.execution.stateTransitions,
        note: `${merchantsInRun} merchants in the registry: the ${MERCHANTS.length} seeded here and the runtime's demo merchants (no line items). The warm-up and the second run settle nothing: 3 + 2 per merchant.`,
      },
      lambda: {
        invocations,
        gbSeconds: round(gbs, 3),
        byFunction: Object.fromEntries(
          Object.entries(snapshot.lambda)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([fn, t]) => [
              fn,
              {
                invocations: t.invocations,
                meanMs: round(t.durationMs / Math.max(1, t.invocations), 1),
                billedMs: round(t.billedMs, 0),
                memoryMb: t.memoryMb,
                errors: t.errors,
                coldStarts: t.coldStarts,
              },
            ]),
        ),
        note: 'Durations measured against DynamoDB Local in worker threads: indicative only (DynamoDB Local is not AWS).',
      },
      dynamodb: {
        readUnits: round(dynamo.readUnits, 1),
        writeUnits: round(dynamo.writeUnits, 1),
        readUnitsPerLineItem: round(perItem(dynamo.readUnits), 5),
        writeUnitsPerLineItem: round(perItem(dynamo.writeUnits), 6),
        writeCalls,
        calls: dynamo.calls,
        unitsByOperation: Object.fromEntries(
          Object.entries(dynamo.unitsByOperation).map(([op, u]) => [op, round(u, 1)]),
        ),
        refusedCalls: dynamo.failures,
        byFunction: Object.fromEntries(
          Object.entries(dynamo.byCaller)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([fn, t]) => [
              fn,
              { readUnits: round(t.readUnits, 1), writeUnits: round(t.writeUnits, 1), calls: t.calls },
            ]),
        ),
      },
      events: { entries: snapshot.events.entries, byDetailType: snapshot.events.byDetailType },
      apiRequests: snapshot.api.requests,
      costPerMillionLineItems: {
        priceFile: PRICE_FILE,
        linear: {
          ...costOf(usage),
          assumption: `Every count of this run × ${scale} (as many runs of ${lineItems.toLocaleString('en')} line items over ${MERCHANTS.length} merchants): an upper bound, transitions and invocations grow with merchant-days, not line items.`,
        },
        oneRunSameMerchants: {
          ...costOf(oneRunUsage),
          assumption: `The same merchants with ${MILLION.toLocaleString('en')} line items in one run: SettleMerchant's read units and GB-s × ${scale}, everything else as counted.`,
        },
        flaggedPrices: Object.entries(prices.prices)
          .filter(([, p]) => !p.verified)
          .map(([k]) => k),
        notPriced:
          "Function and state machine logs (the state machine logs ALL with execution data: a few KB per transition, per run), X-Ray traces, the sandbox bank's payouts.",
      },
      settlements: figures,
      checks,
      goalMet:
        checks.runSucceeded &&
        checks.figuresExact &&
        checks.paidOnceForNet &&
        checks.secondRunSettlesNothing &&
        checks.transitionsFollowMerchants &&
        checks.noPerPaymentWrite,
    };
  } finally {
    client.destroy();
    await runtime.stop();
    await proxy?.close();
  }
}

/** The merchants a run lists (the registry the StartRun task reads), not counted. */
async function registeredMerchants(client: DynamoDBClient, tableName: string): Promise<string[]> {
  const out = await client.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: marshall({ ':pk': keys.merchantRegistry('').PK }),
    }),
  );
  return (out.Items ?? []).map((i) => String(unmarshall(i).SK));
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) {
  const result = await benchSettlement({ synth: !process.argv.includes('--no-synth') });
  console.log(JSON.stringify(result, null, 2));
  if (!result.goalMet) process.exitCode = 1;
}
