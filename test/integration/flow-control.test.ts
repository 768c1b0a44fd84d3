/**
 * Flow control on DynamoDB Local: the limits store (defaults, replace, unknown merchants), and the bucket
 * under concurrent load from several containers (limiters) at once: together they never admit more than
 * burst + rate × elapsed, use most of it, shard a fast merchant's bucket, and leave other merchants alone.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { DEFAULT_FLOW_LIMITS, type FlowLimits, shardCount } from '../../shared/domain/flow/token-bucket.js';
import { FlowLimiter } from '../../shared/flow/limiter.js';
import { putMerchant } from '../../shared/store/api-keys.js';
import { DynamoFlowStore } from '../../shared/store/dynamodb/flow-buckets.js';
import { DynamoFlowLimitsStore } from '../../shared/store/dynamodb/flow-limits.js';
import { MerchantNotFoundError } from '../../shared/store/dynamodb/risk-profiles.js';
import { keys } from '../../shared/store/keys.js';
import { startTestTable, type TestTable } from '../support/dynamodb.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `containers` limiters, each sending `merchantId`'s requests one after another for `ms`. */
async function load(table: TestTable, merchantId: string, containers: number, ms: number, gapMs = 2) {
  let writes = 0;
  const context = {
    client: table.client,
    tableName: table.tableName,
    onConsumedCapacity: (operation: string) => {
      if (operation === 'flowBucket.update') writes += 1;
    },
  };
  const limiters = Array.from({ length: containers }, () => new FlowLimiter(new DynamoFlowStore(context)));
  let admitted = 0;
  let refused = 0;
  const retryAfters = new Set<number>();
  const started = performance.now();
  await Promise.all(
    limiters.map(async (limiter) => {
      while (performance.now() - started < ms) {
        const decision = await limiter.admit(merchantId);
        if (decision.admitted) {
          assert.equal(decision.failedOpen, undefined, 'the store answered');
          admitted += 1;
        } else {
          refused += 1;
          retryAfters.add(decision.retryAfterSeconds);
        }
        await sleep(gapMs);
      }
    }),
  );
  return { admitted, refused, writes, retryAfters, elapsedMs: performance.now() - started };
}

describe('flow control on DynamoDB Local', () => {
  let table: TestTable;
  let limits: DynamoFlowLimitsStore;

  before(async () => {
    table = await startTestTable();
    limits = new DynamoFlowLimitsStore({ client: table.client, tableName: table.tableName });
    for (const merchantId of ['m_fl_1', 'm_fl_2', 'm_fl_3', 'm_fl_4'])
      await putMerchant(table.client, table.tableName, { merchantId });
  });
  after(async () => table?.stop());

  it('answers the defaults until ops set limits, then what was set; an unknown merchant is not found', async () => {
    assert.deepEqual(await limits.get('m_fl_1'), DEFAULT_FLOW_LIMITS);
    const set: FlowLimits = { requestsPerSecond: 40, burst: 20 };
    assert.deepEqual(await limits.put('m_fl_1', set), set);
    assert.deepEqual(await limits.get('m_fl_1'), set);
    await assert.rejects(limits.get('m_nobody'), MerchantNotFoundError);
    await assert.rejects(limits.put('m_nobody', set), MerchantNotFoundError);
  });

  it('admits no more than burst + rate × elapsed across 6 concurrent containers, and a good part of it', async () => {
    // Prepare
    const set: FlowLimits = { requestsPerSecond: 40, burst: 40 };
    await limits.put('m_fl_2', set);
    // Act
    const run = await load(table, 'm_fl_2', 6, 2_500);
    // Assess
    const bound = set.burst + (set.requestsPerSecond * run.elapsedMs) / 1000;
    assert.ok(run.admitted <= bound, `${run.admitted} admitted > ${bound}`);
    // Not all: leases taken by one container expire unused when others took the rest (and DynamoDB Local
    // on a busy machine answers in tens of ms, which bounds the leases a second on one shard).
    assert.ok(run.admitted >= bound * 0.5, `${run.admitted} admitted of ${bound}: tokens wasted`);
    assert.ok(run.refused > 0);
    assert.ok([...run.retryAfters].every((s) => Number.isInteger(s) && s >= 1));
    assert.ok(run.writes < run.admitted, `${run.writes} writes for ${run.admitted} admissions`);
  });

  it('spreads a fast merchant over shard items, and still holds the bound', async () => {
    // Prepare: 1,200 requests/s → 3 shards of 400; a burst of 60 (20 each)
    const set: FlowLimits = { requestsPerSecond: 1_200, burst: 60 };
    await limits.put('m_fl_3', set);
    // Act
    const run = await load(table, 'm_fl_3', 6, 1_000, 0);
    // Assess
    const bound = set.burst + (set.requestsPerSecond * run.elapsedMs) / 1000;
    assert.ok(run.admitted <= bound, `${run.admitted} admitted > ${bound}`);
    assert.equal(shardCount(set), 3);
    for (let shard = 0; shard < shardCount(set); shard++) {
      const pk = keys.flowBucket('m_fl_3', shard).PK;
      const found = await table.client.send(
        new QueryCommand({
          TableName: table.tableName,
          KeyConditionExpression: 'PK = :pk',
          ExpressionAttributeValues: marshall({ ':pk': pk }),
        }),
      );
      assert.equal(found.Items?.length, 1, `${pk} was leased from`);
    }
  });

  it('never lets one merchant flooding refuse or hold up another on the same containers', async () => {
    // Prepare
    await limits.put('m_fl_1', { requestsPerSecond: 1, burst: 1 });
    await sleep(1_100); // past the limits cache
    // Act: both merchants at once, the second well within its default limits (≤ 40 of 100 a second)
    const [flood, calm] = await Promise.all([
      load(table, 'm_fl_1', 4, 1_500, 0),
      load(table, 'm_fl_4', 2, 1_500, 50),
    ]);
    // Assess
    assert.ok(flood.admitted <= 1 + flood.elapsedMs / 1000, `${flood.admitted} admitted`);
    assert.ok(flood.refused > 100, `${flood.refused} refused`);
    assert.equal(calm.refused, 0);
    assert.ok(calm.admitted >= 20, `${calm.admitted} admitted`);
  });
});
