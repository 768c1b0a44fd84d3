/**
 * Merchant webhooks on DynamoDB Local: endpoint registration (idempotent, per merchant), delivery of
 * events to real HTTP receivers on loopback, attempts recorded newest first, per-endpoint success
 * markers so a retry re-sends only to the endpoints that failed, and the backoff set on the message.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { ChangeMessageVisibilityCommand, SQSClient } from '@aws-sdk/client-sqs';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import {
  WEBHOOK_EVENT_TYPES as ALL_WEBHOOK_TYPES,
  type WebhookEventType,
} from '../../shared/schemas/webhooks.js';
import { DynamoPaymentStore } from '../../shared/store/dynamodb/payments.js';
import {
  DynamoWebhookDeliveryStore,
  deliveryShardOf,
  WEBHOOK_DELIVERY_SHARDS,
} from '../../shared/store/dynamodb/webhook-deliveries.js';
import { DynamoWebhookEndpointStore } from '../../shared/store/dynamodb/webhook-endpoints.js';
import {
  IdempotencyKeyReusedError,
  InvalidCursorError,
  ObjectNotFoundError,
} from '../../shared/store/errors.js';
import { requestFingerprint } from '../../shared/store/idempotency.js';
import { deliverRecord, type WebhookConsumerDeps } from '../../shared/webhooks/consumer.js';
import { WebhookDeliveryFailedError } from '../../shared/webhooks/errors.js';
import { generateEndpointSecret } from '../../shared/webhooks/signature.js';
import { startTestTable, type TestTable } from '../support/dynamodb.js';
import { startWebhookReceiver } from '../support/webhook-receiver.js';

describe('merchant webhooks on DynamoDB Local', () => {
  let table: TestTable;
  let endpoints: DynamoWebhookEndpointStore;
  let deliveries: DynamoWebhookDeliveryStore;
  const sqs = mockClient(SQSClient);
  let n = 0;

  before(async () => {
    table = await startTestTable();
    const context = { client: table.client, tableName: table.tableName };
    endpoints = new DynamoWebhookEndpointStore(context);
    deliveries = new DynamoWebhookDeliveryStore(context);
  });
  after(async () => {
    sqs.restore();
    await table.stop();
  });

  async function register(
    merchantId: string,
    url: string,
    events: readonly WebhookEventType[] = ALL_WEBHOOK_TYPES,
    key = `we-${++n}`,
  ) {
    const body = { url, events: [...events] };
    const answer = await endpoints.create({
      merchantId,
      idempotencyKey: key,
      requestFingerprint: requestFingerprint('POST', '/v1/webhook-endpoints', body),
      url,
      events,
      secret: generateEndpointSecret(),
      now: new Date(Date.now() - 1000),
    });
    return answer;
  }

  function deps(): WebhookConsumerDeps {
    return {
      endpoints,
      deliveries,
      sqs: new SQSClient({ region: 'us-east-1' }),
      queueUrl: 'https://sqs.us-east-1.amazonaws.com/000000000000/webhooks',
      maxReceiveCount: 10,
      urlPolicy: { allowLoopback: true },
    };
  }

  function sqsRecord(merchantId: string, eventId: string, receiveCount: number, messageId = `m-${eventId}`) {
    const detail = {
      eventId,
      occurredAt: new Date().toISOString(),
      merchantId,
      version: 1,
      data: {
        payment: {
          id: 'pay_aaaaaaaaaaaaaaaaaaaaaaaaaa',
          object: 'payment',
          merchantId,
          amount: 1000,
          currency: 'USD',
          status: 'succeeded',
          channel: 'sandbox',
          channelReference: 'ch_1',
          amountRefunded: 0,
          description: null,
          customer: null,
          metadata: {},
          createdAt: new Date().toISOString(),
          updatedAt: new Date().toISOString(),
        },
      },
    };
    return {
      messageId,
      receiptHandle: `rh-${receiveCount}`,
      body: JSON.stringify({
        id: 'eb-1',
        'detail-type': 'PaymentSucceeded',
        source: 'payments',
        time: detail.occurredAt,
        detail,
      }),
      attributes: { ApproximateReceiveCount: String(receiveCount) },
    } as unknown as SQSRecord;
  }

  it('registers an endpoint with its secret once, and replays the same answer for the same key', async () => {
    const first = await register('m_a', 'https://a.example/hooks', ALL_WEBHOOK_TYPES, 'same-key');
    const again = await register('m_a', 'https://a.example/hooks', ALL_WEBHOOK_TYPES, 'same-key');
    assert.equal(first.status, 201);
    assert.match(first.body.id, /^we_[a-z2-7]{26}$/);
    assert.match(first.body.secret ?? '', /^whsec_/);
    assert.equal(again.replayed, true);
    assert.deepEqual(again.body, first.body);
    const listed = await endpoints.listForMerchant('m_a');
    assert.deepEqual(
      listed.map((e) => e.id),
      [first.body.id],
    );
  });

  it('refuses the same key with another body, or a key already used for a payment', async () => {
    await register('m_b', 'https://b.example/1', ALL_WEBHOOK_TYPES, 'k1');
    await assert.rejects(
      register('m_b', 'https://b.example/2', ALL_WEBHOOK_TYPES, 'k1'),
      IdempotencyKeyReusedError,
    );
    const payments = new DynamoPaymentStore({ client: table.client, tableName: table.tableName });
    const body = { amount: 100, currency: 'USD', channel: 'sandbox' as const };
    await payments.create({
      merchantId: 'm_b',
      idempotencyKey: 'k-pay',
      requestFingerprint: requestFingerprint('POST', '/v1/payments', body),
      body,
      now: new Date(),
    });
    await assert.rejects(
      register('m_b', 'https://b.example/3', ALL_WEBHOOK_TYPES, 'k-pay'),
      IdempotencyKeyReusedError,
    );
  });

  it("answers another merchant's endpoint, or an id we never issue, as not found", async () => {
    const created = await register('m_c', 'https://c.example/hooks');
    assert.equal((await endpoints.get('m_c', created.body.id)).url, 'https://c.example/hooks');
    await assert.rejects(endpoints.get('m_other', created.body.id), ObjectNotFoundError);
    await assert.rejects(endpoints.get('m_c', 'we_nope'), ObjectNotFoundError);
  });

  it('delivers signed, records the attempt, and on a retry re-sends only to the endpoint that failed', async () => {
    // Prepare
    const good = await startWebhookReceiver();
    const flaky = await startWebhookReceiver([500]);
    const other = await startWebhookReceiver();
    const e1 = await register('m_d', good.url);
    const e2 = await register('m_d', flaky.url);
    const e3 = await register('m_other_d', other.url);
    const unsubscribed = await register('m_d', good.url, ['refund.failed']);
    good.setSecret(e1.body.secret ?? '');
    flaky.setSecret(e2.body.secret ?? '');
    other.setSecret(e3.body.secret ?? '');
    sqs.reset();
    sqs.on(ChangeMessageVisibilityCommand).resolves({});
    const eventId = 'evt_bbbbbbbbbbbbbbbbbbbbbbbbbb';
    try {
      // Act: first receive, the flaky endpoint answers 500
      await assert.rejects(deliverRecord(sqsRecord('m_d', eventId, 1), deps()), WebhookDeliveryFailedError);
      // Assess: both tried, the message deferred by the first backoff step
      assert.equal(good.deliveries.length, 1);
      assert.equal(flaky.deliveries.length, 1);
      assert.equal(other.deliveries.length, 0, "another merchant's endpoint receives nothing");
      assert.ok(good.deliveries[0]?.verified && flaky.deliveries[0]?.verified);
      assert.equal(good.deliveries[0]?.body.id, eventId);
      assert.equal(good.deliveries[0]?.body.type, 'payment.succeeded');
      assert.equal(good.deliveries[0]?.body.data.object.id, 'pay_aaaaaaaaaaaaaaaaaaaaaaaaaa');
      const calls = sqs.commandCalls(ChangeMessageVisibilityCommand);
      assert.equal(calls.length, 1);
      assert.deepEqual(calls[0]?.args[0].input, {
        QueueUrl: 'https://sqs.us-east-1.amazonaws.com/000000000000/webhooks',
        ReceiptHandle: 'rh-1',
        VisibilityTimeout: 10,
      });
      assert.deepEqual(await deliveries.delivered(eventId, [e1.body.id, e2.body.id]), new Set([e1.body.id]));

      // Act: second receive of the same message
      const outcome = await deliverRecord(sqsRecord('m_d', eventId, 2), deps());

      // Assess: only the flaky endpoint got it again, with the same event id
      assert.deepEqual(outcome, { eventId, sent: 1, skipped: 1 });
      assert.equal(good.deliveries.length, 1);
      assert.equal(flaky.deliveries.length, 2);
      assert.equal(flaky.deliveries[1]?.body.id, eventId);
      const page = await deliveries.list({ endpointId: e2.body.id, limit: 10 });
      assert.deepEqual(
        page.data.map((d) => [d.attempt, d.outcome, d.responseStatus, d.eventId]),
        [
          [2, 'succeeded', 200, eventId],
          [1, 'failed', 500, eventId],
        ],
      );
      assert.equal(page.nextCursor, null);
      assert.equal((await deliveries.list({ endpointId: unsubscribed.body.id, limit: 10 })).data.length, 0);

      // Act: the same event again (republished). The endpoint that succeeded while another failed is
      // remembered and skipped; the one whose try had no failure beside it is not (markers cost a write
      // and are kept only where a retry follows), so it gets the same event id again: at-least-once.
      const replay = await deliverRecord(sqsRecord('m_d', eventId, 1, 'm-republished'), deps());
      assert.deepEqual(replay, { eventId, sent: 1, skipped: 1 });
      assert.equal(good.deliveries.length, 1);
      assert.equal(flaky.deliveries.length, 3);
      assert.equal(flaky.deliveries[2]?.body.id, eventId);
    } finally {
      await Promise.all([good.close(), flaky.close(), other.close()]);
    }
  });

  it('does not defer the last receive: the message goes to the dead-letter queue at once', async () => {
    const down = await startWebhookReceiver([503]);
    await register('m_e', down.url);
    sqs.reset();
    sqs.on(ChangeMessageVisibilityCommand).resolves({});
    try {
      await assert.rejects(
        deliverRecord(sqsRecord('m_e', 'evt_cccccccccccccccccccccccccc', 10), deps()),
        WebhookDeliveryFailedError,
      );
      assert.equal(sqs.commandCalls(ChangeMessageVisibilityCommand)[0]?.args[0].input.VisibilityTimeout, 0);
    } finally {
      await down.close();
    }
  });

  it('records an unreachable endpoint as a failure without a status', async () => {
    const gone = await startWebhookReceiver();
    await gone.close();
    const created = await register('m_f', gone.url);
    sqs.reset();
    sqs.on(ChangeMessageVisibilityCommand).resolves({});
    await assert.rejects(deliverRecord(sqsRecord('m_f', 'evt_dddddddddddddddddddddddddd', 1), deps()));
    const [attempt] = (await deliveries.list({ endpointId: created.body.id, limit: 1 })).data;
    assert.equal(attempt?.outcome, 'failed');
    assert.equal(attempt?.responseStatus, null);
    assert.ok(attempt?.error);
  });

  it('pages deliveries newest first with a cursor bound to the endpoint', async () => {
    const created = await register('m_g', 'https://g.example/hooks');
    const id = created.body.id;
    for (let i = 0; i < 5; i++) {
      await deliveries.record({
        endpointId: id,
        attemptId: `a${i}`,
        eventId: `evt_${i}`,
        type: 'payment.created',
        attempt: 1,
        ok: false,
        responseStatus: 500,
        error: 'HTTP 500',
        durationMs: 3,
        at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)),
      });
    }
    const first = await deliveries.list({ endpointId: id, limit: 3 });
    assert.deepEqual(
      first.data.map((d) => d.eventId),
      ['evt_4', 'evt_3', 'evt_2'],
    );
    assert.ok(first.nextCursor);
    const second = await deliveries.list({ endpointId: id, limit: 3, cursor: first.nextCursor ?? '' });
    assert.deepEqual(
      second.data.map((d) => d.eventId),
      ['evt_1', 'evt_0'],
    );
    assert.equal(second.nextCursor, null);
    const other = await register('m_g', 'https://g.example/other');
    await assert.rejects(
      deliveries.list({ endpointId: other.body.id, limit: 3, cursor: first.nextCursor ?? '' }),
      InvalidCursorError,
    );
  });

  it("spreads an endpoint's records over its shards, and pages them newest first exactly across the shards", async () => {
    // Prepare: 60 attempts of 45 events (some retried), many at the same millisecond, and one record
    // written before the shards, under the endpoint's unsharded partition
    const created = await register('m_h', 'https://h.example/hooks');
    const id = created.body.id;
    const expected: { sk: string; eventId: string; attempt: number }[] = [];
    const base = Date.UTC(2026, 1, 1);
    for (let i = 0; i < 60; i++) {
      const eventId = `evt_${String(i % 45).padStart(26, '0')}`;
      const attempt = i < 45 ? 1 : 2;
      const at = new Date(base + Math.floor(i / 3) * 1000);
      const attemptId = `msg${String(i).padStart(3, '0')}-${attempt}`;
      await deliveries.record({
        endpointId: id,
        attemptId,
        eventId,
        type: 'payment.created',
        attempt,
        ok: true,
        responseStatus: 200,
        error: null,
        durationMs: 5,
        at,
      });
      expected.push({ sk: `DLV#${at.toISOString()}#${attemptId}`, eventId, attempt });
    }
    const legacyAt = new Date(base - 60_000).toISOString();
    await table.client.send(
      new PutItemCommand({
        TableName: table.tableName,
        Item: marshall({
          PK: `WHE#${id}`,
          SK: `DLV#${legacyAt}#legacy-1`,
          entity: 'webhookDelivery',
          id: 'dlv_legacy-1',
          endpointId: id,
          eventId: 'evt_legacy',
          type: 'payment.created',
          attempt: 1,
          outcome: 'succeeded',
          responseStatus: 200,
          durationMs: 4,
          createdAt: legacyAt,
        }),
      }),
    );
    expected.push({ sk: `DLV#${legacyAt}#legacy-1`, eventId: 'evt_legacy', attempt: 1 });
    const newestFirst = expected
      .sort((a, b) => (a.sk < b.sk ? 1 : -1))
      .map((e) => `${e.eventId}/${e.attempt}`);
    const shards = new Set(expected.slice(0, 60).map((e) => deliveryShardOf(e.eventId)));
    assert.ok(shards.size > 20, `spread over ${shards.size} of ${WEBHOOK_DELIVERY_SHARDS} shards`);

    // Act / Assess: every page size walks the same sequence, each record once, and ends with null
    for (const limit of [4, 7, 25, 61, 100]) {
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let pages = 0; pages < 100; pages++) {
        const page = await deliveries.list({ endpointId: id, limit, ...(cursor ? { cursor } : {}) });
        assert.ok(page.data.length <= limit);
        seen.push(...page.data.map((d) => `${d.eventId}/${d.attempt}`));
        if (!page.nextCursor) break;
        assert.equal(page.data.length, limit, 'only the last page is short');
        cursor = page.nextCursor;
      }
      assert.deepEqual(seen, newestFirst, `limit ${limit}`);
    }
    // A retried event's attempts share its shard: the success marker a retry reads is there too.
    const retried = `evt_${'0'.repeat(26)}`;
    const page = await deliveries.list({ endpointId: id, limit: 100 });
    assert.deepEqual(
      page.data.filter((d) => d.eventId === retried).map((d) => d.attempt),
      [2, 1],
    );
  });
});
