/**
 * Risk's routes that need a payment ask core's functions for it and read none of core's `OBJ#` items:
 * the fraud report asks `payment-customer` once per report, the ops timeline asks `payment-events` once
 * per request (each through the local Lambda endpoint). What a client is answered stays the contract's:
 * 404 for another merchant's or an unknown payment, 400 for a cursor not issued for that payment.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import {
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { safeParse } from 'zod/mini';
import {
  type PaymentCustomerAnswer,
  paymentCustomerRequest,
} from '../../../shared/internal/payment-customer.js';
import { type PaymentEventsAnswer, paymentEventsRequest } from '../../../shared/internal/payment-events.js';
import { encodeOpaque } from '../../../shared/store/cursor.js';
import { type FunctionStub, startFunctionStub } from '../../support/function-stub.js';
import { apiEvent, context, jsonHeaders, problemOf } from './fixtures.js';

process.env.TABLE_NAME = 'payments-unit';
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
// The stubs' ARNs (test/support/function-stub.ts): the environment is read once, when the modules load.
process.env.PAYMENT_CUSTOMER_FUNCTION_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:CoreReads:live';
process.env.PAYMENT_EVENTS_FUNCTION_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:CoreReads:live';
process.env.APPLY_RISK_DECISIONS_FUNCTION_ARN =
  'arn:aws:lambda:us-east-1:000000000000:function:CoreReads:live';
const ddb = mockClient(DynamoDBClient);
const fraudReport = (await import('../../../functions/api/create-fraud-report.js')).handler;
const review = (await import('../../../functions/api/review-payment.js')).handler;

const PAY = `pay_${'a'.repeat(26)}`;

/** Every partition key the route's DynamoDB calls named, by command. */
function keysTouched(): string[] {
  return ddb.calls().flatMap((call) => {
    const input = call.args[0].input as Record<string, any>;
    const name = call.args[0].constructor.name;
    if (input.TransactItems)
      return (input.TransactItems as Record<string, any>[]).map((t) => {
        const [op, body] = Object.entries(t)[0] as [string, Record<string, any>];
        return `${name}.${op} ${unmarshall(body.Item ?? body.Key).PK}`;
      });
    if (input.Key) return [`${name} ${unmarshall(input.Key).PK}`];
    if (input.Item) return [`${name} ${unmarshall(input.Item).PK}`];
    if (input.ExpressionAttributeValues)
      return [`${name} ${String(unmarshall(input.ExpressionAttributeValues)[':pk'] ?? '?')}`];
    return [name];
  });
}

describe("risk's routes ask core's functions for payments", () => {
  let stub: FunctionStub;
  let answer: (payload: any) => unknown = () => undefined;

  before(async () => {
    stub = await startFunctionStub('CoreReads', (payload) => answer(payload));
  });
  after(() => stub?.close());
  beforeEach(() => {
    ddb.reset();
    stub.received.length = 0;
    ddb.on(TransactWriteItemsCommand).resolves({});
    ddb.on(QueryCommand).resolves({ Items: [] });
    ddb.on(PutItemCommand).resolves({});
    ddb.on(UpdateItemCommand).resolves({});
    ddb.on(GetItemCommand).resolves({});
  });

  const report = (id: string, key: string, merchantId = 'm_1') =>
    fraudReport(
      apiEvent({
        path: `/v1/payments/${id}/fraud-reports`,
        routeKey: 'POST /v1/payments/{id}/fraud-reports',
        pathParameters: { id },
        headers: jsonHeaders({ 'idempotency-key': key }),
        body: JSON.stringify({ reason: 'chargeback' }),
        auth: { merchantId, role: 'merchant' },
      }),
      context,
    );

  it('reports a payment core says the merchant has: one ask, its customer blocklisted, no read of OBJ#', async () => {
    // Prepare
    answer = (): PaymentCustomerAnswer => ({
      outcome: 'found',
      customer: { id: 'cus_1', email: 'fraud@example.com', ip: '198.51.100.7' },
    });

    // Act
    const result = await report(PAY, 'fr-1');

    // Assess
    assert.equal(result.statusCode, 201, result.body);
    assert.equal(JSON.parse(result.body ?? '{}').paymentId, PAY);
    assert.equal(stub.received.length, 1);
    const parsed = safeParse(paymentCustomerRequest, stub.received[0]);
    assert.ok(parsed.success, JSON.stringify(parsed.error?.issues));
    assert.deepEqual(parsed.data, { merchantId: 'm_1', paymentId: PAY });
    const touched = keysTouched();
    assert.ok(
      touched.some((k) => k.startsWith('TransactWriteItemsCommand.Put OBJ#')),
      touched.join('; '),
    );
    assert.deepEqual(
      touched.filter((k) => k.includes('OBJ#') && !k.startsWith('TransactWriteItemsCommand.Put ')),
      [],
      'only the report is written at its slot; nothing of OBJ# is read',
    );
    // The blocklists got the customer's identifiers (the profile is written: none was stored).
    const put = ddb.commandCalls(PutItemCommand)[0]?.args[0].input;
    const profile = unmarshall(put?.Item ?? {}).profile;
    assert.deepEqual(
      [profile?.blockedCustomers, profile?.blockedEmails, profile?.blockedIps],
      [['cus_1'], ['fraud@example.com'], ['198.51.100.7']],
    );
  });

  it('answers 404 for a payment core does not find for the merchant, and writes nothing', async () => {
    answer = (): PaymentCustomerAnswer => ({ outcome: 'not_found' });
    const result = await report(PAY, 'fr-2', 'm_other');
    assert.equal(result.statusCode, 404);
    assert.equal(problemOf(result).status, 404);
    assert.deepEqual(stub.received, [{ merchantId: 'm_other', paymentId: PAY }]);
    assert.deepEqual(
      keysTouched().filter((k) => k.includes('OBJ#') || k.includes('RISK#')),
      [],
    );
  });

  it('reports a payment without a customer without touching the blocklists', async () => {
    answer = (): PaymentCustomerAnswer => ({ outcome: 'found', customer: null });
    const result = await report(PAY, 'fr-3');
    assert.equal(result.statusCode, 201, result.body);
    assert.equal(ddb.commandCalls(PutItemCommand).length, 0);
    assert.equal(ddb.commandCalls(QueryCommand).length, 0);
  });

  it('fails (5xx), never reports, when core answers outside the contract', async () => {
    answer = () => ({ outcome: 'found' });
    const result = await report(PAY, 'fr-4');
    assert.ok(result.statusCode >= 500, String(result.statusCode));
    assert.equal(ddb.commandCalls(TransactWriteItemsCommand).length, 0);
  });

  const events = (id: string, query: Record<string, string> = {}) =>
    review(
      apiEvent({
        method: 'GET',
        path: `/v1/ops/payments/${id}/events`,
        routeKey: 'GET /v1/ops/payments/{id}/events',
        pathParameters: { id },
        query,
        auth: { merchantId: 'ops', role: 'ops' },
      }),
      context,
    );

  const event = (n: number) => ({
    id: `evt_${String(n).repeat(26).slice(0, 26)}`,
    object: 'event' as const,
    detailType: 'PaymentCreated',
    occurredAt: '2030-01-01T00:00:00.000Z',
    detail: { eventId: `evt_${n}` },
  });

  it('serves the timeline from core’s pages: the limit and the cursor’s event passed on, no read of OBJ#', async () => {
    // Prepare
    answer = (payload: any): PaymentEventsAnswer =>
      payload.after === undefined
        ? { outcome: 'page', data: [event(2), event(3)], more: true }
        : { outcome: 'page', data: [event(4)], more: false };

    // Act
    const first = await events(PAY, { limit: '2' });
    const { data, nextCursor } = JSON.parse(first.body ?? '{}');
    const second = await events(PAY, { limit: '2', cursor: nextCursor });

    // Assess
    assert.equal(first.statusCode, 200, first.body);
    assert.deepEqual(
      data.map((e: { id: string }) => e.id),
      [event(2).id, event(3).id],
    );
    assert.equal(nextCursor, encodeOpaque([PAY, event(3).id]));
    assert.equal(second.statusCode, 200);
    assert.deepEqual(JSON.parse(second.body ?? '{}'), { data: [event(4)], nextCursor: null });
    const requests = stub.received.map((r) => safeParse(paymentEventsRequest, r));
    assert.ok(requests.every((r) => r.success));
    assert.deepEqual(stub.received, [
      { paymentId: PAY, limit: 2 },
      { paymentId: PAY, limit: 2, after: event(3).id },
    ]);
    assert.deepEqual(
      keysTouched().filter((k) => k.includes('OBJ#')),
      [],
    );
  });

  it('answers 404 for an unknown payment and 400 for a cursor naming no event of it', async () => {
    answer = (): PaymentEventsAnswer => ({ outcome: 'not_found' });
    const unknown = await events(PAY);
    assert.equal(unknown.statusCode, 404);
    assert.equal(problemOf(unknown).status, 404);

    answer = (): PaymentEventsAnswer => ({ outcome: 'unknown_cursor' });
    const stale = await events(PAY, { cursor: encodeOpaque([PAY, 'evt_gone']) });
    assert.equal(stale.statusCode, 400);
    assert.match(stale.body ?? '', /names no event of this payment/);
  });

  it('refuses another payment’s cursor before asking core', async () => {
    answer = () => assert.fail('core asked');
    const other = await events(PAY, { cursor: encodeOpaque([`pay_${'b'.repeat(26)}`, 'evt_x']) });
    assert.equal(other.statusCode, 400);
    assert.equal(stub.received.length, 0);
  });
});
