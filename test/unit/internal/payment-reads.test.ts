/**
 * Core's read functions for risk (functions/internal/payment-customer.ts, payment-events.ts), called as
 * Lambda calls them, on a mocked table: a payload outside the contract is refused before anything is
 * read; `payment-customer` answers a merchant's payment's customer identifiers only, and another
 * merchant's payment exactly as a missing one; `payment-events` answers a page of the derived timeline,
 * within the contract's answer schema.
 */
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { DynamoDBClient, GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { parse, safeParse } from 'zod/mini';
import { timelineOf } from '../../../shared/events/timeline.js';
import { paymentCustomerAnswer, paymentCustomerRequest } from '../../../shared/internal/payment-customer.js';
import {
  PAYMENT_EVENTS_MAX_PAGE,
  paymentEventsAnswer,
  paymentEventsRequest,
} from '../../../shared/internal/payment-events.js';
import { InvalidPayloadError } from '../../../shared/services/internal-handler.js';
import { paymentItem, refundItem, T1 } from '../../support/event-samples.js';

process.env.TABLE_NAME = 'payments-unit';
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
const ddb = mockClient(DynamoDBClient);
const paymentCustomer = (await import('../../../functions/internal/payment-customer.js')).handler;
const paymentEvents = (await import('../../../functions/internal/payment-events.js')).handler;

const PAY = 'pay_aaaaaaaaaaaaaaaaaaaaaaaaaa';

describe("core's payment-customer function", () => {
  beforeEach(() => {
    ddb.reset();
    ddb.on(GetItemCommand).resolves({ Item: marshall(paymentItem(), { removeUndefinedValues: true }) });
  });

  it('refuses a payload outside its contract, reading nothing', async () => {
    for (const bad of [
      {},
      { merchantId: 'm_demo_1' },
      { paymentId: PAY },
      { merchantId: 'm demo', paymentId: PAY },
      { merchantId: 'm_demo_1', paymentId: 're_bbbbbbbbbbbbbbbbbbbbbbbbbb' },
      { merchantId: 'm_demo_1', paymentId: 'pay_' },
      { merchantId: 'm_demo_1', paymentId: PAY, extra: true },
      [{ merchantId: 'm_demo_1', paymentId: PAY }],
    ]) {
      await assert.rejects(paymentCustomer(bad), InvalidPayloadError, JSON.stringify(bad));
      assert.equal(safeParse(paymentCustomerRequest, bad).success, false, JSON.stringify(bad));
    }
    assert.equal(ddb.calls().length, 0);
  });

  it("answers the merchant's payment's customer identifiers, and nothing else of it", async () => {
    const answer = await paymentCustomer({ merchantId: 'm_demo_1', paymentId: PAY });
    assert.deepEqual(answer, {
      outcome: 'found',
      customer: { id: 'c_1', email: 'c1@example.com', ip: '203.0.113.7' },
    });
    assert.deepEqual(parse(paymentCustomerAnswer, answer), answer);
    // One strongly consistent read of the payment's slot.
    const [get] = ddb.commandCalls(GetItemCommand);
    assert.deepEqual(unmarshall(get?.args[0].input.Key ?? {}), {
      PK: 'OBJ#aaaaaaaaaaaaaaaaaaaaaaaaaa',
      SK: 'OBJ',
    });
    assert.equal(get?.args[0].input.ConsistentRead, true);
  });

  it('answers null for a payment without a customer, and only the identifiers it has', async () => {
    ddb
      .on(GetItemCommand)
      .resolves({ Item: marshall(paymentItem({ customer: undefined }), { removeUndefinedValues: true }) });
    assert.deepEqual(await paymentCustomer({ merchantId: 'm_demo_1', paymentId: PAY }), {
      outcome: 'found',
      customer: null,
    });
    ddb
      .on(GetItemCommand)
      .resolves({ Item: marshall(paymentItem({ customer: { email: 'x@example.com', country: 'DE' } })) });
    assert.deepEqual(await paymentCustomer({ merchantId: 'm_demo_1', paymentId: PAY }), {
      outcome: 'found',
      customer: { email: 'x@example.com' },
    });
  });

  it("answers another merchant's payment, a missing one, another object and an id never issued alike", async () => {
    assert.deepEqual(await paymentCustomer({ merchantId: 'm_other', paymentId: PAY }), {
      outcome: 'not_found',
    });
    ddb.on(GetItemCommand).resolves({});
    assert.deepEqual(await paymentCustomer({ merchantId: 'm_demo_1', paymentId: PAY }), {
      outcome: 'not_found',
    });
    ddb.on(GetItemCommand).resolves({ Item: marshall(refundItem({ SK: 'OBJ' })) });
    assert.deepEqual(await paymentCustomer({ merchantId: 'm_demo_1', paymentId: PAY }), {
      outcome: 'not_found',
    });
    ddb.resetHistory();
    // Well formed for the route, but not an id core issues: no read at all.
    assert.deepEqual(await paymentCustomer({ merchantId: 'm_demo_1', paymentId: 'pay_NOT-OURS' }), {
      outcome: 'not_found',
    });
    assert.equal(ddb.calls().length, 0);
  });
});

describe("core's payment-events function", () => {
  const payment = paymentItem({ status: 'succeeded', channelReference: 'ch_1', updatedAt: T1 });
  const refund = refundItem({ status: 'succeeded', updatedAt: T1, createdAt: T1 });
  const expected = timelineOf(payment, [refund]).map((e) => e.detail.eventId);

  beforeEach(() => {
    ddb.reset();
    ddb.on(QueryCommand).resolves({
      Items: [payment, refund, { PK: payment.PK, SK: 'MISMATCH#x', entity: 'mismatch' }].map((i) =>
        marshall(i, { removeUndefinedValues: true }),
      ),
    });
  });

  it('refuses a payload outside its contract, reading nothing', async () => {
    for (const bad of [
      {},
      { paymentId: PAY },
      { paymentId: PAY, limit: 0 },
      { paymentId: PAY, limit: PAYMENT_EVENTS_MAX_PAGE + 1 },
      { paymentId: PAY, limit: 1.5 },
      { paymentId: 'evt_x', limit: 10 },
      { paymentId: PAY, limit: 10, after: 3 },
      { paymentId: PAY, limit: 10, cursor: 'x' },
    ]) {
      await assert.rejects(paymentEvents(bad), InvalidPayloadError, JSON.stringify(bad));
      assert.equal(safeParse(paymentEventsRequest, bad).success, false, JSON.stringify(bad));
    }
    assert.equal(ddb.calls().length, 0);
  });

  it('answers the timeline page by page, after the event named, within the answer schema', async () => {
    assert.ok(expected.length >= 4, `${expected.length} events`);
    const first = parse(paymentEventsAnswer, await paymentEvents({ paymentId: PAY, limit: 2 }));
    assert.equal(first.outcome, 'page');
    assert.ok(first.outcome === 'page');
    assert.deepEqual(
      first.data.map((e) => e.id),
      expected.slice(0, 2),
    );
    assert.equal(first.more, true);
    assert.equal(first.data[0]?.object, 'event');
    const rest = parse(
      paymentEventsAnswer,
      await paymentEvents({ paymentId: PAY, limit: 100, after: expected[1] }),
    );
    assert.ok(rest.outcome === 'page');
    assert.deepEqual(
      rest.data.map((e) => e.id),
      expected.slice(2),
    );
    assert.equal(rest.more, false);
    // One consistent Query of the payment's partition per call.
    const query = ddb.commandCalls(QueryCommand)[0]?.args[0].input;
    assert.equal(query?.ConsistentRead, true);
    assert.deepEqual(unmarshall(query?.ExpressionAttributeValues ?? {}), { ':pk': payment.PK });
  });

  it('answers not_found for a missing payment and unknown_cursor for an event not of it', async () => {
    assert.deepEqual(await paymentEvents({ paymentId: PAY, limit: 10, after: 'evt_elsewhere' }), {
      outcome: 'unknown_cursor',
    });
    assert.deepEqual(await paymentEvents({ paymentId: PAY, limit: 10, after: '' }), {
      outcome: 'unknown_cursor',
    });
    ddb.on(QueryCommand).resolves({ Items: [] });
    assert.deepEqual(await paymentEvents({ paymentId: PAY, limit: 10 }), { outcome: 'not_found' });
    ddb.resetHistory();
    assert.deepEqual(await paymentEvents({ paymentId: 'pay_NOT-OURS', limit: 10 }), { outcome: 'not_found' });
    assert.equal(ddb.calls().length, 0);
  });
});
