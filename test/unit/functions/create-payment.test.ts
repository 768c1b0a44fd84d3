import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import {
  BatchGetItemCommand,
  ConditionalCheckFailedException,
  DynamoDBClient,
  GetItemCommand,
  ProvisionedThroughputExceededException,
  PutItemCommand,
  QueryCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { DEFAULT_RISK_PROFILE } from '../../../shared/schemas/risk-profile.js';
import { requestFingerprint } from '../../../shared/store/idempotency.js';
import { CREATE_PAYMENT_READS, serveInProcess } from '../../support/in-process-functions.js';
import { apiEvent, context, jsonHeaders, problemOf } from './fixtures.js';

process.env.TABLE_NAME = 'payments-unit';
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
// Every create reads the profile (the mock's), instead of the per-container cache.
process.env.RISK_PROFILE_TTL_MS = '0';
process.env.ROUTING_CONFIG_TTL_MS = '0';
const ddb = mockClient(DynamoDBClient);
// The risk profile and routing reads are the owners' functions', run here on the mocked client.
const functions = await serveInProcess(CREATE_PAYMENT_READS);
const { handler } = await import('../../../functions/api/create-payment.js');

const body = { amount: 1050, currency: 'USD' };
const create = (o: Parameters<typeof apiEvent>[0] = {}) =>
  handler(
    apiEvent({ headers: jsonHeaders({ 'idempotency-key': 'k1' }), body: JSON.stringify(body), ...o }),
    context,
  );

describe('POST /v1/payments handler', () => {
  beforeEach(() => {
    ddb.reset();
    // No stored risk profile: the defaults, which refuse nothing and count nothing.
    ddb.on(QueryCommand).resolves({ Items: [] });
    // No stored routing configuration: priority over sandbox, no quota read.
    ddb.on(GetItemCommand).resolves({});
  });

  it('creates the payment with one PutItem guarded by attribute_not_exists(PK)', async () => {
    // Prepare
    ddb.on(PutItemCommand).resolves({});
    // Act
    const result = await create();
    // Assess
    assert.equal(result.statusCode, 201);
    assert.equal(result.headers?.['Content-Type'], 'application/json');
    const input = ddb.commandCalls(PutItemCommand)[0]?.args[0].input;
    assert.equal(input?.TableName, 'payments-unit');
    assert.equal(input?.ConditionExpression, 'attribute_not_exists(PK)');
    assert.equal(input?.ReturnValuesOnConditionCheckFailure, 'ALL_OLD');
    const payment = JSON.parse(result.body);
    assert.match(payment.id, /^pay_[a-z2-7]{26}$/);
    assert.equal(payment.status, 'processing');
    assert.equal(payment.channel, 'sandbox');
    assert.equal(input?.Item?.refundableRemaining?.N, '1050');
  });

  it('replays the first answer when the same request finds its slot taken', async () => {
    // Prepare
    ddb.on(PutItemCommand).resolves({});
    const first = JSON.parse((await create()).body);
    const stored = {
      ...first,
      PK: `OBJ#${first.id.slice(4)}`,
      SK: 'OBJ',
      entity: 'payment',
      status: 'succeeded',
      amountRefunded: 0,
      refundableRemaining: 1050,
      requestFingerprint: requestFingerprint('POST', '/v1/payments', body),
      idempotencyKey: 'k1',
      updatedAt: '2031-01-01T00:00:00.000Z',
    };
    delete stored.object;
    delete stored.channelReference;
    delete stored.description;
    delete stored.customer;
    ddb
      .on(PutItemCommand)
      .rejects(
        new ConditionalCheckFailedException({ message: 'taken', $metadata: {}, Item: marshall(stored) }),
      );
    // Act
    const replay = await create();
    // Assess
    assert.equal(replay.statusCode, 201);
    assert.equal(replay.headers?.['Idempotent-Replayed'], 'true');
    assert.deepEqual(JSON.parse(replay.body), {
      ...first,
      createdAt: first.createdAt,
      updatedAt: first.createdAt,
    });
  });

  it('answers 422 when the key was used for another body', async () => {
    // Prepare
    const stored = { PK: 'OBJ#x', SK: 'OBJ', entity: 'payment', requestFingerprint: 'other' };
    ddb
      .on(PutItemCommand)
      .rejects(
        new ConditionalCheckFailedException({ message: 'taken', $metadata: {}, Item: marshall(stored) }),
      );
    // Act
    const result = await create();
    // Assess
    assert.equal(result.statusCode, 422);
    assert.equal(problemOf(result).type, 'https://payments.example/problems/idempotency-key-reused');
  });

  it('answers 400 without touching DynamoDB when Idempotency-Key is missing or not printable', async () => {
    // Act
    const missing = await create({ headers: jsonHeaders() });
    const invalid = await create({ headers: jsonHeaders({ 'idempotency-key': 'tab\there' }) });
    const tooLong = await create({ headers: jsonHeaders({ 'idempotency-key': 'k'.repeat(256) }) });
    // Assess
    for (const result of [missing, invalid, tooLong]) {
      assert.equal(result.statusCode, 400);
      assert.equal(problemOf(result).type, 'https://payments.example/problems/validation-error');
    }
    assert.equal(ddb.calls().length, 0);
  });

  it('answers 400 for malformed JSON, a non-object body, and names unknown and invalid fields', async () => {
    // Act
    const malformed = await create({ body: '{"amount":' });
    const array = await create({ body: '[1]' });
    const invalid = await create({
      body: JSON.stringify({ amount: 10.5, currency: 'usd', customer: { email: 'nope' }, amuont: 1 }),
    });
    // Assess
    assert.equal(problemOf(malformed).type, 'https://payments.example/problems/malformed-json');
    assert.equal(array.statusCode, 400);
    const problem = problemOf(invalid);
    assert.equal(problem.status, 400);
    const paths = [...new Set((problem.errors as Array<{ path: string }>).map((e) => e.path))].sort();
    assert.deepEqual(paths, ['amount', 'amuont', 'currency', 'customer.email']);
    assert.equal(ddb.calls().length, 0);
  });

  it('answers 415 for a body that is not sent as JSON', async () => {
    // Act
    const result = await create({ headers: { 'content-type': 'text/plain', 'idempotency-key': 'k1' } });
    // Assess
    assert.equal(result.statusCode, 415);
  });

  it('answers 401 without a key, for an unknown or malformed one, and 403 for an ops key', async () => {
    // Act
    const anonymous = await create({ auth: null });
    const unknownKey = await create({ auth: { merchantId: '', role: 'anonymous' } });
    const basic = await create({ auth: null, headers: { authorization: 'Basic dXNlcjpwdw==' } });
    const ops = await create({ auth: { merchantId: 'ops', role: 'ops' } });
    // Assess
    assert.equal(problemOf(anonymous).status, 401);
    assert.equal(problemOf(unknownKey).type, 'https://payments.example/problems/unauthorized');
    assert.equal(problemOf(basic).status, 401);
    assert.equal(ops.statusCode, 403);
    assert.equal(ddb.calls().length, 0);
  });

  it("asks risk's and the channels' functions for what it reads, once each per create at a TTL of 0", async () => {
    // Prepare
    ddb.on(PutItemCommand).resolves({});
    for (const received of functions.received.values()) received.length = 0;
    // Act
    const result = await create();
    // Assess
    assert.equal(result.statusCode, 201);
    assert.deepEqual(functions.received.get('merchant-risk-profile'), [{ merchantId: 'm_1' }]);
    assert.deepEqual(functions.received.get('routing-config'), [{ merchantId: 'm_1' }]);
    // The records and the windows of the one listed channel in one invocation.
    const facts = functions.received.get('channel-facts') as { channels: string[]; scopes: string[] }[];
    assert.equal(facts.length, 1);
    assert.deepEqual(facts[0]?.channels, ['sandbox']);
    assert.deepEqual(facts[0]?.scopes, ['sandbox#USD#m_1', 'sandbox#USD']);
  });

  it("answers 503 when the risk profile read is throttled in risk's function, as when it read it itself", async () => {
    // Prepare
    ddb
      .on(QueryCommand)
      .rejects(new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} }));
    ddb.on(PutItemCommand).resolves({});
    // Act
    const result = await create();
    // Assess
    assert.equal(result.statusCode, 503);
    assert.equal(result.headers?.['Retry-After'], '1');
    assert.equal(ddb.commandCalls(PutItemCommand).length, 0);
  });

  it('answers 500 on a stored routing configuration that is not one, storing nothing', async () => {
    // Prepare
    ddb
      .on(GetItemCommand)
      .resolves({ Item: marshall({ PK: 'ROUTING#m_1', SK: 'ROUTING', config: { rules: 7 } }) });
    ddb.on(PutItemCommand).resolves({});
    // Act
    const result = await create();
    // Assess
    assert.equal(result.statusCode, 500);
    assert.equal(ddb.commandCalls(PutItemCommand).length, 0);
  });

  it("routes by the breaker the channels' function reads, and fails open when it cannot read it", async () => {
    // Prepare: the only listed channel's breaker is open (recently), read by channel-facts.
    ddb.on(PutItemCommand).resolves({});
    ddb.on(BatchGetItemCommand).resolves({
      Responses: {
        'payments-unit': [
          marshall({
            PK: 'CHANNEL#sandbox',
            SK: 'BREAKER',
            channel: 'sandbox',
            state: 'open',
            openedAt: Date.now(),
            failures: [],
            probeTakenAt: null,
            version: 1,
          }),
        ],
      },
    });
    // Act
    const open = JSON.parse((await create()).body);
    // Assess: no healthy channel, stored failed.
    assert.equal(open.status, 'failed');
    assert.equal(open.failureCode, 'channel_unavailable');
    // Prepare: the records cannot be read (records are cached 1 s per container: wait it out).
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    ddb.on(BatchGetItemCommand).rejects(new Error('store down'));
    // Act
    const failedOpen = await create({ headers: jsonHeaders({ 'idempotency-key': 'k2' }) });
    // Assess: the breaker is taken as closed (fail open).
    assert.equal(failedOpen.statusCode, 201);
    assert.equal(JSON.parse(failedOpen.body).status, 'processing');
  });

  it('hides the cause of an unexpected failure behind a 500 problem', async () => {
    // Prepare
    ddb.on(PutItemCommand).rejects(new Error('socket hang up at 10.0.0.1'));
    // Act
    const result = await create();
    // Assess
    assert.equal(result.statusCode, 500);
    assert.doesNotMatch(result.body, /socket|10\.0\.0\.1|at /);
  });

  it('reads the risk profile with one Query of the merchant partition', async () => {
    // Prepare
    ddb.on(PutItemCommand).resolves({});
    // Act
    await create();
    // Assess
    const query = ddb.commandCalls(QueryCommand)[0]?.args[0].input;
    assert.equal(query?.KeyConditionExpression, 'PK = :pk AND begins_with(SK, :sk)');
    assert.deepEqual(query?.ExpressionAttributeValues, {
      ':pk': { S: 'RISK#m_1' },
      ':sk': { S: 'RISK_PROFILE' },
    });
  });

  it('refuses a blocklisted customer with a stored 422 risk-rejected and writes no payment', async () => {
    // Prepare
    storedProfile({ blockedEmails: ['Fraud@Example.com'] });
    ddb.on(PutItemCommand).resolves({});
    // Act
    const result = await create({
      body: JSON.stringify({ ...body, customer: { email: 'fraud@example.com' } }),
    });
    // Assess
    assert.equal(result.statusCode, 422);
    const problem = problemOf(result);
    assert.equal(problem.type, 'https://payments.example/problems/risk-rejected');
    assert.deepEqual((problem as { reasons?: string[] }).reasons, ['blocked_email']);
    const puts = ddb.commandCalls(PutItemCommand).map((c) => c.args[0].input);
    assert.equal(puts.length, 1);
    assert.equal(puts[0]?.Item?.entity?.S, 'refusal');
    assert.equal(puts[0]?.ConditionExpression, 'attribute_not_exists(PK)');
    assert.ok(Number(puts[0]?.Item?.expiresAt?.N) > Date.now() / 1000 + 23 * 3600);
  });

  it('creates under counted limits with one transaction: the payment and guarded counter updates', async () => {
    // Prepare
    storedProfile({ dailyAmountLimit: { USD: 5_000 }, customerPaymentsPerMinute: 2 });
    ddb.on(TransactWriteItemsCommand).resolves({});
    // Act
    const result = await create({ body: JSON.stringify({ ...body, customer: { id: 'cus_1' } }) });
    // Assess
    assert.equal(result.statusCode, 201);
    assert.equal(ddb.commandCalls(PutItemCommand).length, 0);
    const items = ddb.commandCalls(TransactWriteItemsCommand)[0]?.args[0].input.TransactItems ?? [];
    assert.equal(items.length, 3);
    assert.equal(items[0]?.Put?.ConditionExpression, 'attribute_not_exists(PK)');
    const [daily, frequency] = [items[1]?.Update, items[2]?.Update];
    assert.match(daily?.Key?.PK?.S ?? '', /^CTR#m_1#AMT#\d{4}-\d{2}-\d{2}#USD$/);
    assert.equal(daily?.ConditionExpression, 'attribute_not_exists(#v) OR #v <= :room');
    assert.deepEqual(daily?.ExpressionAttributeNames, { '#v': 'total' });
    assert.equal(daily?.ExpressionAttributeValues?.[':room']?.N, String(5_000 - 1050));
    assert.match(frequency?.Key?.PK?.S ?? '', /^CTR#m_1#CFRQ#\d{4}-\d{2}-\d{2}T\d{2}:\d{2}#cus_1$/);
    assert.deepEqual(frequency?.ExpressionAttributeNames, { '#v': 'count' });
    assert.equal(frequency?.ExpressionAttributeValues?.[':room']?.N, '1');
  });

  it('answers risk-rejected naming the limit whose counter has no room, and stores the refusal', async () => {
    // Prepare
    storedProfile({ dailyAmountLimit: { USD: 5_000 }, customerPaymentsPerMinute: 2 });
    ddb.on(TransactWriteItemsCommand).rejects(
      new TransactionCanceledException({
        message: 'cancelled',
        $metadata: {},
        CancellationReasons: [{ Code: 'None' }, { Code: 'None' }, { Code: 'ConditionalCheckFailed' }],
      }),
    );
    ddb.on(PutItemCommand).resolves({});
    // Act
    const result = await create({ body: JSON.stringify({ ...body, customer: { id: 'cus_1' } }) });
    // Assess
    assert.equal(result.statusCode, 422);
    assert.deepEqual((problemOf(result) as { reasons?: string[] }).reasons, ['customer_frequency_limit']);
    assert.equal(ddb.commandCalls(PutItemCommand)[0]?.args[0].input.Item?.entity?.S, 'refusal');
  });
});

/** The Query of the profile answers a stored profile with these fields over the defaults. */
function storedProfile(fields: Record<string, unknown>) {
  ddb.on(QueryCommand).resolves({
    Items: [
      marshall({
        PK: 'RISK#m_1',
        SK: 'RISK_PROFILE',
        entity: 'riskProfile',
        profile: { ...DEFAULT_RISK_PROFILE, ...fields },
      }),
    ],
  });
}
