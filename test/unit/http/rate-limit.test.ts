/**
 * The rateLimit middleware inside apiHandler, on the DynamoDB adapter with a mocked client: 429
 * problem+json with Retry-After past the limits, the exact conditional write of a lease, merchant keys
 * only, and fail open (a warning, the FlowStoreErrors metric) when the store cannot be reached.
 */
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
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

describe('rateLimit middleware', () => {
  beforeEach(() => {
    ddb.reset();
    useDynamoLimiter();
  });

  it('answers 429 rate-limited with Retry-After once the merchant used its burst', async () => {
    // Prepare: limits of 1 request a second, burst 1
    ddb.on(GetItemCommand).resolves({ Item: marshall({ requestsPerSecond: 1, burst: 1 }) });
    ddb.on(PutItemCommand).resolves({});
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
    assert.equal(ddb.commandCalls(PutItemCommand).length, 1, 'the refusal was decided without a write');
  });

  it('leases with one PutItem on the bucket shard, new: attribute_not_exists; known: the version it saw', async () => {
    ddb.on(GetItemCommand).resolves({});
    ddb.on(PutItemCommand).resolves({});
    await call(merchantRoute, 'merchant', 'm_7');
    await call(merchantRoute, 'merchant', 'm_7'); // the first lease held 1 token: a second write
    const [create, update] = ddb.commandCalls(PutItemCommand).map((c) => c.args[0].input);
    assert.equal(create?.TableName, TABLE);
    assert.equal(create?.Item?.PK?.S, 'FLOW#m_7#0');
    assert.equal(create?.Item?.SK?.S, 'FLOW');
    assert.equal(create?.ConditionExpression, 'attribute_not_exists(PK)');
    assert.equal(create?.ReturnValuesOnConditionCheckFailure, 'ALL_OLD');
    assert.equal(create?.Item?.milliTokens?.N, String(199_000));
    assert.equal(update?.ConditionExpression, '#version = :expected');
    assert.equal(update?.ExpressionAttributeValues?.[':expected']?.N, '1');
    assert.equal(update?.Item?.version?.N, '2');
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
    ddb.on(PutItemCommand).rejects(Object.assign(new Error('socket hang up'), { name: 'TimeoutError' }));
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
