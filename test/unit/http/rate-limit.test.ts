/**
 * The rateLimit middleware inside apiHandler, on the DynamoDB adapter with a mocked client: 429
 * problem+json with Retry-After past the limits, the exact conditional write of a lease, merchant keys
 * only, and fail open (a warning, the FlowStoreErrors metric) when the store cannot be reached.
 */
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import {
  DynamoDBClient,
  GetItemCommand,
  UpdateItemCommand,
  type UpdateItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { FlowLimiter } from '../../../shared/flow/limiter.js';
import { apiHandler } from '../../../shared/http/api-handler.js';
import { logger } from '../../../shared/http/logger.js';
import { reportFlowStoreError, setFlowLimiter } from '../../../shared/http/rate-limit.js';
import { json } from '../../../shared/http/responses.js';
import { DynamoFlowStore } from '../../../shared/store/dynamodb/flow-buckets.js';
import { apiEvent, context, problemOf } from '../functions/fixtures.js';

process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
const ddb = mockClient(DynamoDBClient);
const TABLE = 'payments-unit';

const merchantRoute = apiHandler({ role: 'merchant' }, async () => json(200, { ok: true }));
const opsRoute = apiHandler({ role: 'ops' }, async () => json(200, { ok: true }));
const call = (handler: typeof merchantRoute, role = 'merchant', merchantId = 'm_1') =>
  handler(apiEvent({ method: 'GET', path: '/v1/x', auth: { merchantId, role } }), context);

function useDynamoLimiter(timeoutMs?: number) {
  setFlowLimiter(
    new FlowLimiter(new DynamoFlowStore({ client: new DynamoDBClient({}), tableName: TABLE }, timeoutMs), {
      onStoreError: reportFlowStoreError,
    }),
  );
}

/** What DynamoDB answers a lease that succeeds: the new `fullAt` (UPDATED_NEW). */
function leaseGranted(input: UpdateItemCommandInput) {
  const values = input.ExpressionAttributeValues ?? {};
  const fullAt = Number(values[':now']?.N) + Number(values[':increment']?.N);
  return { Attributes: marshall({ fullAt }) };
}

describe('rateLimit middleware', () => {
  beforeEach(() => {
    ddb.reset();
    useDynamoLimiter();
  });

  it('answers 429 rate-limited with Retry-After once the merchant used its burst', async () => {
    // Prepare: limits of 1 request a second, burst 1
    ddb.on(GetItemCommand).resolves({ Item: marshall({ requestsPerSecond: 1, burst: 1 }) });
    ddb.on(UpdateItemCommand).callsFake(leaseGranted);
    // Act
    const first = await call(merchantRoute);
    const second = await call(merchantRoute);
    // Assess
    assert.equal(first.statusCode, 200);
    assert.equal(second.statusCode, 429);
    const problem = problemOf(second);
    assert.match(problem.type, /\/rate-limited$/);
    assert.equal(problem.status, 429);
    assert.equal(second.headers?.['Retry-After'], '1');
    assert.equal(ddb.commandCalls(UpdateItemCommand).length, 1, 'the refusal was decided without a write');
  });

  it('leases with one UpdateItem: a restart of an idle shard, then a guarded increment', async () => {
    // Prepare
    ddb.on(GetItemCommand).resolves({});
    ddb.on(UpdateItemCommand).callsFake(leaseGranted);
    // Act: the first lease holds 1 token, so the second request leases again
    await call(merchantRoute, 'merchant', 'm_7');
    await call(merchantRoute, 'merchant', 'm_7');
    // Assess
    const [restart, increment] = ddb.commandCalls(UpdateItemCommand).map((c) => c.args[0].input);
    assert.equal(restart?.TableName, TABLE);
    assert.deepEqual(restart?.Key, marshall({ PK: 'FLOW#m_7#0', SK: 'FLOW' }));
    assert.equal(restart?.ConditionExpression, 'attribute_not_exists(fullAt) OR fullAt < :now');
    assert.match(restart?.UpdateExpression ?? '', /^SET fullAt = :now \+ :increment, /);
    // 100 requests/s: one token is 10,000 µs
    assert.equal(restart?.ExpressionAttributeValues?.[':increment']?.N, '10000');
    assert.equal(restart?.ReturnValues, 'UPDATED_NEW');
    assert.equal(restart?.ReturnValuesOnConditionCheckFailure, 'ALL_OLD');
    assert.equal(increment?.ConditionExpression, 'fullAt BETWEEN :now AND :latest');
    assert.match(increment?.UpdateExpression ?? '', /^SET fullAt = fullAt \+ :increment, /);
    assert.equal(increment?.ExpressionAttributeValues?.[':increment']?.N, '20000', 'a lease of 2 tokens');
  });

  it('limits merchant keys only: an ops key is never counted', async () => {
    ddb.on(GetItemCommand).resolves({ Item: marshall({ requestsPerSecond: 1, burst: 1 }) });
    for (let i = 0; i < 5; i++) assert.equal((await call(opsRoute, 'ops', 'ops')).statusCode, 200);
    assert.equal(ddb.calls().length, 0);
  });

  it('fails open when DynamoDB cannot be reached: admits, warns and counts FlowStoreErrors', async (t) => {
    // Prepare
    const warn = t.mock.method(logger, 'warn', () => undefined);
    ddb
      .on(GetItemCommand)
      .rejects(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8000'), { name: 'Error' }));
    ddb.on(UpdateItemCommand).rejects(Object.assign(new Error('socket hang up'), { name: 'TimeoutError' }));
    // Act
    const answers = await Promise.all([1, 2, 3].map(() => call(merchantRoute)));
    const later = await call(merchantRoute);
    // Assess
    assert.deepEqual(
      [...answers, later].map((a) => a.statusCode),
      [200, 200, 200, 200],
    );
    assert.equal(warn.mock.callCount(), 1, 'told once, then the store is left alone a while');
    const [message, fields] = warn.mock.calls[0]?.arguments ?? [];
    assert.match(String(message), /failing open/);
    assert.equal((fields as Record<string, unknown>).FlowStoreErrors, 1);
    assert.equal(ddb.commandCalls(GetItemCommand).length, 1);
  });

  it('fails open on a store that does not answer within its deadline', async (t) => {
    // Prepare: a deadline of 50 ms, a store that never answers
    const warn = t.mock.method(logger, 'warn', () => undefined);
    useDynamoLimiter(50);
    ddb.on(GetItemCommand).callsFake(() => new Promise(() => undefined));
    // Act
    const started = performance.now();
    const answer = await call(merchantRoute);
    // Assess
    assert.equal(answer.statusCode, 200);
    assert.ok(performance.now() - started < 1_000);
    assert.equal((warn.mock.calls[0]?.arguments[1] as { error?: Error })?.error?.name, 'TimeoutError');
  });
});
