/**
 * The gateway's `flow-lease` function (functions/internal/flow-lease.ts) on a mocked DynamoDB client:
 * the caller's plan applied to its shard in one conditional UpdateItem, the ShardWrite answered (taken,
 * refused with the shard's `fullAt`), and a payload outside the contract refused before any write.
 */
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { ConditionalCheckFailedException, DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { MAX_SHARDS, planLease } from '../../../shared/domain/flow/token-bucket.js';

process.env.TABLE_NAME = 'payments-unit';
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
const ddb = mockClient(DynamoDBClient);
const { handler } = await import('../../../functions/internal/flow-lease.js');

const NOW = 1_800_000_000_000_000;
/** A lease of 2 tokens from an idle shard of 100 requests a second, burst 200: as the limiter plans it. */
const plan = planLease(undefined, { rate: 100, burst: 200 }, 2, NOW);

describe("the gateway's flow-lease function", () => {
  beforeEach(() => ddb.reset());

  it("applies the plan to the merchant's shard in one conditional write, and answers the new fullAt", async () => {
    ddb.on(UpdateItemCommand).resolves({ Attributes: marshall({ fullAt: plan.next }) });
    const answer = await handler({ merchantId: 'm_1', shard: 3, plan });
    assert.deepEqual(answer, { ok: true, fullAt: plan.next });
    const [update] = ddb.commandCalls(UpdateItemCommand).map((c) => c.args[0].input);
    assert.equal(update?.TableName, 'payments-unit');
    assert.deepEqual(update?.Key, marshall({ PK: 'FLOW#m_1#3', SK: 'FLOW' }));
    assert.equal(update?.ConditionExpression, 'attribute_not_exists(fullAt) OR fullAt < :now');
    assert.equal(update?.ExpressionAttributeValues?.[':increment']?.N, String(plan.increment));
  });

  it("answers a refused take with the shard's fullAt as it is", async () => {
    ddb.on(UpdateItemCommand).rejects(
      new ConditionalCheckFailedException({
        message: 'The conditional request failed',
        $metadata: {},
        Item: marshall({ fullAt: NOW + 5_000 }),
      }),
    );
    assert.deepEqual(await handler({ merchantId: 'm_1', shard: 0, plan }), {
      ok: false,
      fullAt: NOW + 5_000,
    });
  });

  it('refuses a payload outside its contract, writing nothing', async () => {
    const refused = [
      {},
      { merchantId: 'm 1', shard: 0, plan },
      { merchantId: 'm'.repeat(65), shard: 0, plan },
      { merchantId: 'm_1', shard: -1, plan },
      { merchantId: 'm_1', shard: MAX_SHARDS, plan },
      { merchantId: 'm_1', shard: 0.5, plan },
      { merchantId: 'm_1', shard: 0, plan: { ...plan, granted: 0 } },
      { merchantId: 'm_1', shard: 0, plan: { ...plan, increment: -1 } },
      { merchantId: 'm_1', shard: 0, plan: { ...plan, idle: 'yes' } },
      { merchantId: 'm_1', shard: 0, plan: { granted: 1, idle: true, now: NOW } },
      { merchantId: 'm_1', shard: 0, plan, extra: true },
    ];
    for (const payload of refused)
      await assert.rejects(handler(payload), { name: 'InvalidPayloadError' }, JSON.stringify(payload));
    assert.equal(ddb.commandCalls(UpdateItemCommand).length, 0);
  });
});
