/**
 * Faults injected into the real SDK client (middleware, see test/support/faults.ts) while the real
 * handlers run against DynamoDB Local: answers lost after DynamoDB committed, throttling that outlasts
 * the SDK's retries, 5xx, and a crash between a callback's read and its write. Each test asserts the
 * invariant (one object per key, totals counted once), not which retry path got there.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { type DynamoDBClient, GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { Context } from 'aws-lambda';
import { createDynamoDbClient, DEFAULT_MAX_ATTEMPTS, setDynamoDbClient } from '../../shared/aws/dynamodb.js';
import { signatureHeader } from '../../shared/channels/sandbox/signature.js';
import type { ApiEvent } from '../../shared/http/api-event.js';
import type { ApiResult } from '../../shared/http/responses.js';
import { seedLocalCredentials } from '../../shared/store/api-keys.js';
import { idempotencySlot } from '../../shared/store/idempotency.js';
import { backOfficeKeys, GSI1, keys } from '../../shared/store/keys.js';
import { invokeCoreOutcomesInProcess } from '../support/core-outcomes.js';
import { LOCAL_CREDENTIALS, startTestTable, type TestTable } from '../support/dynamodb.js';
import {
  type FaultInjector,
  installFaults,
  networkError,
  serverError,
  throttlingError,
} from '../support/faults.js';
import { CREATE_PAYMENT_READS } from '../support/in-process-functions.js';

const MERCHANT = { id: 'm_demo_1', key: 'sk_test_demo_1' } as const;
/**
 * The write that creates a payment: one conditional PutItem today; named with the transaction too so
 * these tests keep aiming at the create if it ever writes more than the payment in one transaction.
 */
const CREATE_WRITE = ['PutItem', 'TransactWriteItems'];
const WEBHOOK_SECRET = 'whsec_faults';
process.env.SANDBOX_WEBHOOK_SECRETS = WEBHOOK_SECRET;
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';

// The callback has core's function apply the outcome: run here, on the same faulty client.
await invokeCoreOutcomesInProcess(CREATE_PAYMENT_READS);

type Handler = (event: ApiEvent, context: Context) => Promise<ApiResult>;
const context = { awsRequestId: 'req-faults', functionName: 'faults' } as Context;

/** Words that must never reach a client: SDK error names, our table, DynamoDB operations. */
const INTERNALS =
  /socket|Timeout|Exception|InternalServerError|DynamoDB|PutItem|TransactWrite|UpdateItem|payments-faults|\bat\s/;

describe('handlers on DynamoDB Local under injected SDK faults', () => {
  let table: TestTable;
  /** The client the handlers use, with the fault middleware; `table.client` stays clean for assessing. */
  let client: DynamoDBClient;
  let faults: FaultInjector;
  let createPayment: Handler;
  let createRefund: Handler;
  let callback: Handler;
  let n = 0;

  before(async () => {
    table = await startTestTable('payments-faults');
    process.env.TABLE_NAME = table.tableName;
    await seedLocalCredentials(table.client, table.tableName);
    // The production client (retries included), pointed at DynamoDB Local.
    client = createDynamoDbClient({ endpoint: table.endpoint, credentials: LOCAL_CREDENTIALS });
    faults = installFaults(client);
    setDynamoDbClient(client);
    createPayment = (await import('../../functions/api/create-payment.js')).handler;
    createRefund = (await import('../../functions/api/create-refund.js')).handler;
    callback = (await import('../../functions/channels/callback.js')).handler;
  });
  afterEach(() => faults.clear());
  after(async () => {
    setDynamoDbClient(undefined);
    client?.destroy();
    await table?.stop();
  });

  function apiEvent(o: {
    path: string;
    body: string;
    headers: Record<string, string>;
    pathParameters?: Record<string, string>;
  }): ApiEvent {
    return {
      version: '2.0',
      routeKey: `POST ${o.path}`,
      rawPath: o.path,
      rawQueryString: '',
      headers: { 'content-type': 'application/json', ...o.headers },
      pathParameters: o.pathParameters,
      body: o.body,
      isBase64Encoded: false,
      requestContext: {
        accountId: '123456789012',
        apiId: 'api',
        domainName: 'localhost',
        domainPrefix: 'localhost',
        http: {
          method: 'POST',
          path: o.path,
          protocol: 'HTTP/1.1',
          sourceIp: '127.0.0.1',
          userAgent: 'test',
        },
        requestId: `req-${++n}`,
        routeKey: `POST ${o.path}`,
        stage: '$default',
        time: '01/Jan/2030:00:00:00 +0000',
        timeEpoch: 1_893_456_000_000,
      },
    } as ApiEvent;
  }

  const merchantHeaders = (idempotencyKey: string) => ({
    authorization: `Bearer ${MERCHANT.key}`,
    'idempotency-key': idempotencyKey,
  });

  function postPayment(idempotencyKey: string, body: unknown = { amount: 1000, currency: 'USD' }) {
    const event = apiEvent({
      path: '/v1/payments',
      body: JSON.stringify(body),
      headers: merchantHeaders(idempotencyKey),
    });
    return createPayment(event, context);
  }

  function postRefund(paymentId: string, idempotencyKey: string, body: unknown) {
    const path = `/v1/payments/${paymentId}/refunds`;
    const event = apiEvent({
      path,
      body: JSON.stringify(body),
      headers: merchantHeaders(idempotencyKey),
      pathParameters: { id: paymentId },
    });
    return createRefund(event, context);
  }

  /** One delivery of a signed sandbox webhook, signed afresh as a channel's retry would be. */
  function deliver(webhook: SandboxWebhook) {
    const body = JSON.stringify(webhook);
    const event = apiEvent({
      path: '/v1/channels/sandbox/callbacks',
      body,
      headers: { 'sandbox-signature': signatureHeader(WEBHOOK_SECRET, Math.floor(Date.now() / 1000), body) },
      pathParameters: { channel: 'sandbox' },
    });
    return callback(event, context);
  }

  interface SandboxWebhook {
    id: string;
    type: 'payment.succeeded' | 'payment.failed' | 'refund.succeeded' | 'refund.failed';
    data: {
      reference: string;
      channelReference: string;
      amount: number;
      currency: string;
      occurredAt: string;
    };
  }

  function webhook(type: SandboxWebhook['type'], reference: string, amount: number): SandboxWebhook {
    return {
      id: `evt_faults_${++n}`,
      type,
      data: {
        reference,
        channelReference: `sbx_${n}`,
        amount,
        currency: 'USD',
        occurredAt: new Date().toISOString(),
      },
    };
  }

  /** A payment the channel has captured, ready to be refunded. */
  async function succeededPayment(amount: number): Promise<string> {
    const created = await postPayment(`pay-${++n}`, { amount, currency: 'USD' });
    assert.equal(created.statusCode, 201, created.body);
    const id = JSON.parse(created.body).id as string;
    assert.equal((await deliver(webhook('payment.succeeded', id, amount))).statusCode, 200);
    return id;
  }

  async function storedPayment(id: string): Promise<Record<string, unknown>> {
    const out = await table.client.send(
      new GetItemCommand({
        TableName: table.tableName,
        Key: marshall(keys.object(id.slice('pay_'.length))),
        ConsistentRead: true,
      }),
    );
    assert.ok(out.Item, `payment ${id} is stored`);
    return unmarshall(out.Item);
  }

  /** Payments of the merchant (GSI1 holds exactly one entry per payment item, in one of its shards). */
  async function merchantPaymentCount(): Promise<number> {
    const counts = await Promise.all(
      backOfficeKeys.merchantPaymentShards(MERCHANT.id).map(async (shard) => {
        const out = await table.client.send(
          new QueryCommand({
            TableName: table.tableName,
            IndexName: GSI1,
            KeyConditionExpression: 'GSI1PK = :pk',
            ExpressionAttributeValues: { ':pk': { S: shard } },
            Select: 'COUNT',
          }),
        );
        return out.Count ?? 0;
      }),
    );
    return counts.reduce((a, b) => a + b, 0);
  }

  async function refundItems(paymentId: string): Promise<Record<string, unknown>[]> {
    const out = await table.client.send(
      new QueryCommand({
        TableName: table.tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :ref)',
        ExpressionAttributeValues: {
          ':pk': { S: keys.object(paymentId.slice('pay_'.length)).PK },
          ':ref': { S: backOfficeKeys.refundPrefix },
        },
        ConsistentRead: true,
      }),
    );
    return (out.Items ?? []).map((item) => unmarshall(item));
  }

  /** A 5xx problem+json that says nothing about why. */
  function assertOpaqueServerError(result: ApiResult) {
    assert.ok(
      result.statusCode >= 500 && result.statusCode < 600,
      `5xx, got ${result.statusCode}: ${result.body}`,
    );
    assert.equal(result.headers?.['Content-Type'], 'application/problem+json');
    const problem = JSON.parse(result.body);
    assert.deepEqual(Object.keys(problem).sort(), ['detail', 'status', 'title', 'type']);
    assert.equal(problem.status, result.statusCode);
    assert.doesNotMatch(result.body, INTERNALS);
  }

  it('a create whose response is lost after DynamoDB committed it is replayed, not duplicated, on retry', async () => {
    // Prepare: every answer to the create's write is lost on the way back, SDK retries included
    const before = await merchantPaymentCount();
    const lost = faults.inject({
      command: CREATE_WRITE,
      when: 'after',
      attempts: Infinity,
      error: networkError,
    });
    // Act
    const first = await postPayment('lost-create');
    lost.remove();
    const retry = await postPayment('lost-create');
    // Assess
    assert.ok(lost.hits >= 1);
    assertOpaqueServerError(first);
    assert.equal(retry.statusCode, 201, retry.body);
    assert.equal(retry.headers?.['Idempotent-Replayed'], 'true');
    const payment = JSON.parse(retry.body);
    // Stored at the slot of its key (the item keeps no copy of the key): the one payment it can create.
    assert.equal((await storedPayment(payment.id)).id, `pay_${idempotencySlot(MERCHANT.id, 'lost-create')}`);
    assert.equal((await merchantPaymentCount()) - before, 1);
  });

  it('a create whose response is lost once ends with one payment whichever retry answers', async () => {
    // Prepare: one lost answer, which the SDK's own retry meets as a taken slot
    const before = await merchantPaymentCount();
    const lost = faults.inject({ command: CREATE_WRITE, when: 'after', attempts: 1, error: networkError });
    // Act
    const first = await postPayment('lost-once');
    const retry = await postPayment('lost-once');
    // Assess
    assert.equal(lost.hits, 1);
    assert.equal(retry.statusCode, 201, retry.body);
    assert.equal(retry.headers?.['Idempotent-Replayed'], 'true');
    if (first.statusCode === 201) assert.deepEqual(JSON.parse(first.body), JSON.parse(retry.body));
    else assertOpaqueServerError(first);
    assert.equal((await merchantPaymentCount()) - before, 1);
  });

  it('a refund whose response is lost after DynamoDB committed it is replayed and counted once', async () => {
    // Prepare
    const paymentId = await succeededPayment(1000);
    const lost = faults.inject({
      command: 'TransactWriteItems',
      when: 'after',
      attempts: Infinity,
      error: networkError,
    });
    // Act
    const first = await postRefund(paymentId, 'lost-refund', { amount: 300 });
    lost.remove();
    const retry = await postRefund(paymentId, 'lost-refund', { amount: 300 });
    // Assess
    assert.ok(lost.hits >= 1);
    assertOpaqueServerError(first);
    assert.equal(retry.statusCode, 201, retry.body);
    assert.equal(retry.headers?.['Idempotent-Replayed'], 'true');
    assert.equal(JSON.parse(retry.body).amount, 300);
    const payment = await storedPayment(paymentId);
    assert.equal(payment.amountRefunded, 300);
    assert.equal(payment.refundableRemaining, 700);
    const refunds = await refundItems(paymentId);
    assert.deepEqual(
      refunds.map((r) => [r.id, r.amount]),
      [[JSON.parse(retry.body).id, 300]],
    );
  });

  it('a full refund whose response is lost is replayed on retry, not refused as exceeding what remains', async () => {
    // Prepare: no amount means "all that remains", which is zero once the lost write committed
    const paymentId = await succeededPayment(800);
    const lost = faults.inject({
      command: 'TransactWriteItems',
      when: 'after',
      attempts: Infinity,
      error: networkError,
    });
    // Act
    const first = await postRefund(paymentId, 'lost-full-refund', {});
    lost.remove();
    const retry = await postRefund(paymentId, 'lost-full-refund', {});
    // Assess
    assertOpaqueServerError(first);
    assert.equal(retry.statusCode, 201, retry.body);
    assert.equal(retry.headers?.['Idempotent-Replayed'], 'true');
    assert.equal(JSON.parse(retry.body).amount, 800);
    assert.equal((await storedPayment(paymentId)).amountRefunded, 800);
    assert.equal((await refundItems(paymentId)).length, 1);
  });

  it('throttling on every attempt answers a retryable 503 and writes nothing; the same key then creates normally', async () => {
    // Prepare
    const before = await merchantPaymentCount();
    const throttled = faults.inject({
      command: CREATE_WRITE,
      when: 'before',
      attempts: Infinity,
      error: () => throttlingError(),
    });
    // Act
    const first = await postPayment('throttled-create');
    const hits = throttled.hits;
    throttled.remove();
    const afterCount = await merchantPaymentCount();
    const retry = await postPayment('throttled-create');
    // Assess
    assert.equal(hits, DEFAULT_MAX_ATTEMPTS, 'the SDK retried the throttled call, then gave up');
    assertOpaqueServerError(first);
    assert.equal(first.statusCode, 503);
    assert.equal(first.headers?.['Retry-After'], '1');
    assert.equal(JSON.parse(first.body).type, 'https://payments.example/problems/service-unavailable');
    assert.equal(afterCount, before, 'nothing was stored while throttled');
    assert.equal(retry.statusCode, 201, retry.body);
    assert.equal(retry.headers?.['Idempotent-Replayed'], undefined);
    assert.equal((await merchantPaymentCount()) - before, 1);
  });

  it('a refund throttled on every attempt answers 503 and reserves nothing of the payment', async () => {
    // Prepare
    const paymentId = await succeededPayment(600);
    faults.inject({
      command: 'TransactWriteItems',
      when: 'before',
      attempts: Infinity,
      error: () => throttlingError('ThrottlingException'),
    });
    // Act
    const first = await postRefund(paymentId, 'throttled-refund', { amount: 600 });
    faults.clear();
    const stored = await storedPayment(paymentId);
    const retry = await postRefund(paymentId, 'throttled-refund', { amount: 600 });
    // Assess
    assert.equal(first.statusCode, 503);
    assert.equal(first.headers?.['Retry-After'], '1');
    assert.equal(stored.amountRefunded, 0);
    assert.equal(retry.statusCode, 201, retry.body);
    assert.equal(retry.headers?.['Idempotent-Replayed'], undefined);
    assert.equal((await storedPayment(paymentId)).amountRefunded, 600);
  });

  it("a channel callback whose update fails transiently is answered 5xx, and the channel's retry applies it exactly once", async () => {
    // Prepare: the first UpdateItem fails on each of the SDK's attempts
    const created = await postPayment(`callback-${++n}`, { amount: 1500, currency: 'USD' });
    const paymentId = JSON.parse(created.body).id as string;
    const event = webhook('payment.succeeded', paymentId, 1500);
    const failing = faults.inject({
      command: 'UpdateItem',
      when: 'before',
      attempts: DEFAULT_MAX_ATTEMPTS,
      error: serverError,
    });
    // Act
    const first = await deliver(event);
    const untouched = await storedPayment(paymentId);
    const second = await deliver(event);
    const applied = await storedPayment(paymentId);
    const third = await deliver(event);
    // Assess
    assert.equal(failing.hits, DEFAULT_MAX_ATTEMPTS);
    assertOpaqueServerError(first);
    assert.equal(untouched.status, 'processing');
    assert.equal(second.statusCode, 200, second.body);
    assert.deepEqual(JSON.parse(second.body), { received: true, result: 'applied' });
    assert.equal(applied.status, 'succeeded');
    assert.equal(applied.lastChannelEventId, event.id);
    assert.equal(third.statusCode, 200, third.body);
    assert.deepEqual(JSON.parse(third.body), { received: true, result: 'already_applied' });
    assert.equal((await storedPayment(paymentId)).updatedAt, applied.updatedAt);
  });

  it("a channel callback whose applied update's answer is lost is answered 5xx, and the retry changes nothing more", async () => {
    // Prepare: DynamoDB applies the update; every answer is lost
    const created = await postPayment(`callback-lost-${++n}`, { amount: 1700, currency: 'USD' });
    const paymentId = JSON.parse(created.body).id as string;
    const event = webhook('payment.succeeded', paymentId, 1700);
    const lost = faults.inject({
      command: 'UpdateItem',
      when: 'after',
      attempts: Infinity,
      error: networkError,
    });
    // Act
    const first = await deliver(event);
    lost.remove();
    const applied = await storedPayment(paymentId);
    const second = await deliver(event);
    // Assess
    assertOpaqueServerError(first);
    assert.equal(applied.status, 'succeeded');
    assert.equal(second.statusCode, 200, second.body);
    assert.deepEqual(JSON.parse(second.body), { received: true, result: 'already_applied' });
    assert.equal((await storedPayment(paymentId)).updatedAt, applied.updatedAt);
  });

  it("a refund failure callback that crashes between reading and writing leaves the payment's refunded total consistent", async () => {
    // Prepare: the refund request is read, then its TransactWriteItems never reaches DynamoDB
    const paymentId = await succeededPayment(1000);
    const refund = JSON.parse((await postRefund(paymentId, `refund-${++n}`, { amount: 400 })).body);
    const event = webhook('refund.failed', refund.id, 400);
    const crash = faults.inject({
      command: 'TransactWriteItems',
      when: 'before',
      attempts: DEFAULT_MAX_ATTEMPTS,
      error: serverError,
    });
    // Act
    const first = await deliver(event);
    const unchanged = await storedPayment(paymentId);
    const second = await deliver(event);
    const third = await deliver(event);
    // Assess
    assert.equal(crash.hits, DEFAULT_MAX_ATTEMPTS);
    assertOpaqueServerError(first);
    assert.equal(unchanged.amountRefunded, 400, 'nothing released by the failed attempt');
    assert.equal(second.statusCode, 200, second.body);
    assert.deepEqual(JSON.parse(second.body), { received: true, result: 'applied' });
    assert.deepEqual(JSON.parse(third.body), { received: true, result: 'already_applied' });
    const payment = await storedPayment(paymentId);
    assert.equal(payment.amountRefunded, 0, 'released exactly once');
    assert.equal(payment.refundableRemaining, 1000);
    assert.deepEqual(
      (await refundItems(paymentId)).map((r) => r.status),
      ['failed'],
    );
  });

  it('a refund failure callback whose committed release is not acknowledged releases the amount only once', async () => {
    // Prepare: DynamoDB commits the release; every answer is lost
    const paymentId = await succeededPayment(1000);
    const refund = JSON.parse((await postRefund(paymentId, `refund-${++n}`, { amount: 250 })).body);
    const event = webhook('refund.failed', refund.id, 250);
    const lost = faults.inject({
      command: 'TransactWriteItems',
      when: 'after',
      attempts: Infinity,
      error: networkError,
    });
    // Act
    const first = await deliver(event);
    lost.remove();
    const second = await deliver(event);
    // Assess
    assertOpaqueServerError(first);
    assert.equal(second.statusCode, 200, second.body);
    assert.deepEqual(JSON.parse(second.body), { received: true, result: 'already_applied' });
    const payment = await storedPayment(paymentId);
    assert.equal(payment.amountRefunded, 0);
    assert.equal(payment.refundableRemaining, 1000);
    assert.deepEqual(
      (await refundItems(paymentId)).map((r) => r.status),
      ['failed'],
    );
  });
});
