/**
 * `npm run bench:flow`: what per-merchant flow control costs, on DynamoDB Local (docs/architecture.md,
 * "Flow control"). For each scenario, `containers` limiters (as many Lambda environments) admit one
 * merchant's requests at a steady total rate for a while; reported:
 * - the latency admit() adds to a request (p50 / p99 / max, ms) and the share of requests that waited
 *   for the store at all;
 * - bucket writes (UpdateItem, refused ones included) and limits reads (GetItem) per 1,000 requests;
 * - admitted against the bucket's bound (burst + rate × elapsed).
 * A bare UpdateItem's latency on the same DynamoDB Local is printed for scale.
 */
import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { FlowLimits } from '../../shared/domain/flow/token-bucket.js';
import { FlowLimiter } from '../../shared/flow/limiter.js';
import { putMerchant } from '../../shared/store/api-keys.js';
import { DynamoFlowStore, LIMITS_CACHE_MS } from '../../shared/store/dynamodb/flow-buckets.js';
import { DynamoFlowLimitsStore } from '../../shared/store/dynamodb/flow-limits.js';
import { startTestTable, type TestTable } from '../support/dynamodb.js';
import { round, summarize } from './stats.js';

interface Scenario {
  readonly name: string;
  readonly limits: FlowLimits;
  readonly containers: number;
  /** Total requests a second, spread evenly over the containers. */
  readonly rate: number;
  readonly seconds: number;
}

const SECONDS = Number(process.env.BENCH_FLOW_SECONDS ?? 10);
const SCENARIOS: Scenario[] = [
  {
    name: '1 container, 50/s of 100/s',
    limits: { requestsPerSecond: 100, burst: 200 },
    containers: 1,
    rate: 50,
    seconds: SECONDS,
  },
  {
    name: '4 containers, 80/s of 100/s',
    limits: { requestsPerSecond: 100, burst: 200 },
    containers: 4,
    rate: 80,
    seconds: SECONDS,
  },
  {
    name: '4 containers, 400/s of 1,000/s',
    limits: { requestsPerSecond: 1_000, burst: 2_000 },
    containers: 4,
    rate: 400,
    seconds: SECONDS,
  },
  {
    name: '4 containers, 20/s of 100/s',
    limits: { requestsPerSecond: 100, burst: 200 },
    containers: 4,
    rate: 20,
    seconds: SECONDS,
  },
  {
    name: '4 containers, 200/s over 100/s',
    limits: { requestsPerSecond: 100, burst: 200 },
    containers: 4,
    rate: 200,
    seconds: SECONDS,
  },
];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function run(table: TestTable, scenario: Scenario, merchantId: string) {
  await putMerchant(table.client, table.tableName, { merchantId });
  await new DynamoFlowLimitsStore(table).put(merchantId, scenario.limits);
  let writes = 0;
  let reads = 0;
  const limiters = Array.from({ length: scenario.containers }, () => {
    const store = new DynamoFlowStore(table);
    const take = store.takeFromShard.bind(store);
    store.takeFromShard = (...args) => {
      writes += 1;
      return take(...args);
    };
    const limitsOf = store.limitsOf.bind(store);
    let cached = 0;
    store.limitsOf = async (id) => {
      // Counts the cache's misses: the reads it makes (it caches for LIMITS_CACHE_MS).
      const now = Date.now();
      if (now - cached >= LIMITS_CACHE_MS) {
        reads += 1;
        cached = now;
      }
      return limitsOf(id);
    };
    return new FlowLimiter(store);
  });
  const latencies: number[] = [];
  let admitted = 0;
  let refused = 0;
  const gapMs = (1000 * scenario.containers) / scenario.rate;
  const started = performance.now();
  await Promise.all(
    limiters.map(async (limiter, c) => {
      // Containers out of phase, each on its own steady schedule.
      let next = started + (gapMs * c) / scenario.containers;
      while (next - started < scenario.seconds * 1000) {
        const wait = next - performance.now();
        if (wait > 0) await sleep(wait);
        const t = performance.now();
        const decision = await limiter.admit(merchantId);
        latencies.push(performance.now() - t);
        if (decision.admitted) admitted += 1;
        else refused += 1;
        next += gapMs;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const requests = admitted + refused;
  const latency = summarize(latencies);
  return {
    scenario: scenario.name,
    requests,
    admitted,
    bound: Math.floor(scenario.limits.burst + scenario.limits.requestsPerSecond * elapsed),
    addedMs: { p50: round(latency.p50), p99: round(latency.p99), max: round(Math.max(...latencies)) },
    waitedShare: round(latencies.filter((ms) => ms >= 1).length / requests, 4),
    writesPer1000: round((writes * 1000) / requests, 1),
    readsPer1000: round((reads * 1000) / requests, 1),
  };
}

async function bareUpdate(table: TestTable) {
  const samples: number[] = [];
  for (let i = 0; i < 300; i++) {
    const t = performance.now();
    await table.client.send(
      new UpdateItemCommand({
        TableName: table.tableName,
        Key: { PK: { S: 'FLOW#bench#0' }, SK: { S: 'FLOW' } },
        UpdateExpression: 'ADD n :one',
        ExpressionAttributeValues: { ':one': { N: '1' } },
      }),
    );
    samples.push(performance.now() - t);
  }
  const s = summarize(samples.slice(50));
  return { p50: round(s.p50), p99: round(s.p99) };
}

const table = await startTestTable('flow-bench');
try {
  console.log(`bare UpdateItem on DynamoDB Local: ${JSON.stringify(await bareUpdate(table))} ms`);
  let i = 0;
  for (const scenario of SCENARIOS) {
    i += 1;
    console.log(JSON.stringify(await run(table, scenario, `m_flow_bench_${i}`)));
  }
} finally {
  await table.stop();
}
