/**
 * `npm run bench:load`: the local runtime under load, as a load-testing user meets it. Starts `npm start`
 * (a free port, 127.0.0.1), onboards two merchants through the ops routes with their flow limits raised
 * to the maximum (the limiter stays on: it admits every request, its leases are part of what is timed),
 * then, at concurrency 1, 8, 32 and 64:
 * - DynamoDB Local's own conditional PutItem (`attribute_not_exists(PK)`) of a copy of a created
 *   payment's item (same size, same index keys) into a table of the same shape (keys, indexes, stream);
 * - creates through the local API (POST /v1/payments with an Idempotency-Key);
 * each for BENCH_LOAD_SECONDS after a one-second warm-up, waiting between phases until the runtime is idle
 * (the payments of the last phase processed). Then a burst of 2,000 payments at concurrency 32, and its
 * checks: every payment final with `risk`, no dead letters, one payment per key (a sample retried, the
 * list read whole), the runtime's memory before the first request and after the burst.
 * Writes test/bench/load.json.
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { burstChecks, onboardMerchant } from './load-checks.js';
import { cpuTreeOf, httpClient, quiesce, rssOf, spawnRuntime } from './load-runtime.js';
import { round, summarize } from './stats.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Another checkout's runtime to measure (its `local/`, sharing this one's cdk.out): a before/after figure. */
const RUNTIME_ROOT = process.env.BENCH_LOAD_RUNTIME_ROOT ?? ROOT;
const SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 6);
const LEVELS = (process.env.BENCH_LOAD_LEVELS ?? '1,8,32,64').split(',').map(Number);
const BURST = Number(process.env.BENCH_LOAD_BURST ?? 2000);
const BURST_CONCURRENCY = 32;

interface Phase {
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly n: number;
  readonly errors: number;
  /**
   * CPU milliseconds per operation over the timed seconds: the runtime's process (main thread and
   * workers), DynamoDB Local's JVM, and this bench's own client. What bounds the rate on two cores.
   */
  readonly cpuMsPerOp: { readonly runtime: number; readonly dynamoDbLocal: number; readonly client: number };
}

/**
 * `concurrency` loops calling `op` for a warm-up second, then for SECONDS timed; `pid` is the runtime's,
 * whose CPU (and its children's) is read around the timed part.
 */
async function drive(concurrency: number, pid: number, op: (n: number) => Promise<boolean>): Promise<Phase> {
  let n = 0;
  let errors = 0;
  const latencies: number[] = [];
  const warmEnd = Date.now() + 1000;
  let started = 0;
  let end = Number.POSITIVE_INFINITY;
  let cpuAtStart = { runtime: 0, children: 0 };
  let clientAtStart = process.cpuUsage();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (;;) {
        const now = Date.now();
        if (now >= end) return;
        if (now >= warmEnd && started === 0) {
          started = performance.now();
          end = now + SECONDS * 1000;
          cpuAtStart = cpuTreeOf(pid);
          clientAtStart = process.cpuUsage();
        }
        const timed = started > 0;
        const t = performance.now();
        const ok = await op(n++);
        if (!timed) continue;
        if (!ok) errors += 1;
        latencies.push(performance.now() - t);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const cpu = cpuTreeOf(pid);
  const client = process.cpuUsage(clientAtStart);
  const s = summarize(latencies);
  const perOp = (seconds: number) => round((seconds * 1000) / Math.max(1, s.n), 2);
  return {
    perSecond: round(s.n / elapsed, 1),
    p50Ms: round(s.p50, 2),
    p99Ms: round(s.p99, 2),
    n: s.n,
    errors,
    cpuMsPerOp: {
      runtime: perOp(cpu.runtime - cpuAtStart.runtime),
      dynamoDbLocal: perOp(cpu.children - cpuAtStart.children),
      client: perOp((client.user + client.system) / 1e6),
    },
  };
}

function paymentBody(n: number, runId: string) {
  return {
    amount: 2_500,
    currency: 'USD',
    description: `Order ${n}`,
    customer: {
      id: `cus_${runId}_${n}`,
      email: `buyer${n}.${runId}@example.com`,
      ip: `203.0.113.${(n % 250) + 1}`,
      country: 'GB',
    },
    metadata: { order: String(n) },
  };
}

async function main() {
  const runId = randomUUID().slice(0, 8);
  const runtime = await spawnRuntime(RUNTIME_ROOT);
  const samples: number[] = [];
  const sampler = setInterval(() => samples.push(rssOf(runtime.pid).runtimeMb), 250);
  try {
    await quiesce(runtime.pid, 20_000);
    const rssBefore = rssOf(runtime.pid);
    const api = httpClient(runtime.url, 128);
    const table = await onboardMerchant(api, `load-table-${runId}`);
    const burstMerchant = await onboardMerchant(api, `load-burst-${runId}`);

    const db = new DynamoDBClient({
      endpoint: runtime.dynamoEndpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      requestHandler: { httpAgent: new http.Agent({ keepAlive: true, maxSockets: 128 }) },
    });
    // The PutItem reference: a created payment's own item, under fresh keys, into a table of the same shape.
    const first = await api.call('POST', '/v1/payments', table.headers(randomUUID()), paymentBody(0, runId));
    if (first.status !== 201) throw new Error(`create answered ${first.status}: ${first.body}`);
    const slot = (JSON.parse(first.body) as { id: string }).id.slice('pay_'.length);
    const item = (
      await db.send(
        new GetItemCommand({
          TableName: runtime.tableName,
          Key: { PK: { S: `OBJ#${slot}` }, SK: { S: 'OBJ' } },
        }),
      )
    ).Item;
    if (!item) throw new Error(`payment item OBJ#${slot} not found`);
    const template = JSON.stringify(item);
    const shape = (await db.send(new DescribeTableCommand({ TableName: runtime.tableName }))).Table;
    const refTable = `LoadBenchPutItem-${runId}`;
    await db.send(
      new CreateTableCommand({
        TableName: refTable,
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: shape?.KeySchema,
        AttributeDefinitions: shape?.AttributeDefinitions,
        GlobalSecondaryIndexes: shape?.GlobalSecondaryIndexes?.map((g) => ({
          IndexName: g.IndexName,
          KeySchema: g.KeySchema,
          Projection: g.Projection,
        })),
        StreamSpecification: shape?.StreamSpecification,
      }),
    );
    const fresh = (n: number) => `${runId}${String(n).padStart(slot.length - runId.length, '0')}`;

    const levels = [];
    let apiCount = 1;
    for (const concurrency of LEVELS) {
      await quiesce(runtime.pid);
      const putItem = await drive(concurrency, runtime.pid, async (n) => {
        const copy = JSON.parse(template.replaceAll(slot, fresh(n + concurrency * 1_000_000)));
        await db.send(
          new PutItemCommand({
            TableName: refTable,
            Item: copy,
            ConditionExpression: 'attribute_not_exists(PK)',
          }),
        );
        return true;
      });
      await quiesce(runtime.pid);
      const create = await drive(concurrency, runtime.pid, async () => {
        const n = apiCount++;
        const r = await api.call(
          'POST',
          '/v1/payments',
          table.headers(`${runId}-${n}`),
          paymentBody(n, runId),
        );
        return r.status === 201;
      });
      const ratio = round(create.perSecond / putItem.perSecond, 3);
      // The ratio the CPU allows when both sides are bound by the same two cores: a PutItem's CPU (DynamoDB
      // Local and client) over a create's (runtime, DynamoDB Local and client), each measured in its phase.
      const cpuOf = (c: Phase['cpuMsPerOp']) => c.runtime + c.dynamoDbLocal + c.client;
      const cpuBoundRatio = round(cpuOf(putItem.cpuMsPerOp) / Math.max(0.01, cpuOf(create.cpuMsPerOp)), 3);
      levels.push({ concurrency, api: create, putItem, ratio, cpuBoundRatio });
      process.stdout.write(
        `concurrency ${String(concurrency).padStart(2)}: API ${create.perSecond}/s (p50 ${create.p50Ms} ms, ` +
          `p99 ${create.p99Ms} ms, ${create.errors} errors)  PutItem ${putItem.perSecond}/s (p50 ` +
          `${putItem.p50Ms} ms, p99 ${putItem.p99Ms} ms)  ratio ${ratio}\n` +
          `  CPU ms per create: runtime ${create.cpuMsPerOp.runtime}, DynamoDB Local ` +
          `${create.cpuMsPerOp.dynamoDbLocal}, client ${create.cpuMsPerOp.client}; per PutItem: DynamoDB ` +
          `Local ${putItem.cpuMsPerOp.dynamoDbLocal}, client ${putItem.cpuMsPerOp.client}; CPU-bound ratio ` +
          `${cpuBoundRatio}\n`,
      );
    }

    await quiesce(runtime.pid);
    const burst = await burstChecks({
      api,
      merchant: burstMerchant,
      count: BURST,
      concurrency: BURST_CONCURRENCY,
      body: (n) => paymentBody(n, `${runId}b`),
      sqsEndpoint: runtime.sqsEndpoint,
      rss: () => rssOf(runtime.pid),
    });
    db.destroy();
    api.close();
    const at32 = levels.find((l) => l.concurrency === 32);
    const result = {
      measuredAt: new Date().toISOString(),
      conditions: {
        node: process.version,
        cores: availableParallelism(),
        secondsPerPhase: SECONDS,
        flowControl: 'on, limits raised to 10,000 requests/s and bursts of 100,000 (nothing throttled)',
        note: 'one machine shared with other work: compare the ratio measured in the same run, not absolute rates',
      },
      apiToPutItemRatio: at32?.ratio ?? null,
      levels,
      burst,
      rss: {
        beforeFirstRequest: rssBefore,
        peakRuntimeMb: Math.max(...samples),
      },
    };
    const out = RUNTIME_ROOT === ROOT ? './load.json' : './load-before.json';
    writeFileSync(new URL(out, import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
    process.stdout.write(
      `burst: ${burst.count} creates at ${burst.createsPerSecond}/s, all final with risk after ` +
        `${burst.allFinalAfterMs} ms: ${burst.allFinalWithRisk}; dead letters ${burst.deadLetters}; ` +
        `one payment per key: ${burst.onePaymentPerKey}\n` +
        `RSS before ${rssBefore.runtimeMb} MB (+${rssBefore.childrenMb} MB DynamoDB Local), after the burst ` +
        `${burst.rssAfter.runtimeMb} MB (${burst.rssAfter.threads} threads), peak ${result.rss.peakRuntimeMb} MB\n` +
        `apiToPutItemRatio (concurrency 32): ${result.apiToPutItemRatio}\n`,
    );
  } finally {
    clearInterval(sampler);
    await runtime.stop();
  }
}

await main();
