/**
 * The outbox end to end on DynamoDB Local: real writes by the stores, the table's real stream, the
 * publisher driven the way an event source mapping drives it (local/src/stream-batches.ts, the local
 * runtime's emulation), and an EventBridge that fails partially, entirely, or "crashes" the function
 * midway. Whatever the faults, every event of every committed change reaches the bus, with its id.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import {
  type _Record,
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { deliverRecords } from '../../local/src/stream-batches.js';
import { type LambdaStreamRecord, toLambdaRecord } from '../../local/src/stream-event.js';
import { setEventBridgeClient } from '../../shared/aws/eventbridge.js';
import { eventsFromChange } from '../../shared/events/derive.js';
import { DynamoChannelOutcomeStore } from '../../shared/store/dynamodb/channel-outcomes.js';
import { DynamoPaymentStore } from '../../shared/store/dynamodb/payments.js';
import { DynamoRefundStore } from '../../shared/store/dynamodb/refunds.js';
import { requestFingerprint } from '../../shared/store/idempotency.js';
import { LOCAL_CREDENTIALS, startTestTable, type TestTable } from '../support/dynamodb.js';

process.env.EVENT_BUS_NAME = 'payments';
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
const { processBatch, retryOptions } = await import('../../functions/events/publisher.js');
// Two tries per request, no waiting: faults reach the batch response quickly.
Object.assign(retryOptions, { attempts: 2, delay: async () => {} });

const eventBridge = mockClient(EventBridgeClient);

/** Every record of the table's stream so far, as Lambda would deliver them. */
async function streamRecords(table: TestTable): Promise<LambdaStreamRecord[]> {
  const described = await table.client.send(new DescribeTableCommand({ TableName: table.tableName }));
  const streamArn = described.Table?.LatestStreamArn as string;
  const streams = new DynamoDBStreamsClient({
    endpoint: table.endpoint,
    region: 'us-east-1',
    credentials: LOCAL_CREDENTIALS,
  });
  const records: _Record[] = [];
  const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
  for (const shard of StreamDescription?.Shards ?? []) {
    let iterator = (
      await streams.send(
        new GetShardIteratorCommand({
          StreamArn: streamArn,
          ShardId: shard.ShardId,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      )
    ).ShardIterator;
    while (iterator) {
      const out = await streams.send(new GetRecordsCommand({ ShardIterator: iterator }));
      records.push(...(out.Records ?? []));
      if (!out.Records?.length) break;
      iterator = out.NextShardIterator;
    }
  }
  streams.destroy();
  return records.map((r) => toLambdaRecord(r, 'us-east-1', streamArn));
}

describe('event publisher on the DynamoDB Local stream, under injected EventBridge faults', () => {
  let table: TestTable;
  let records: LambdaStreamRecord[];

  before(async () => {
    table = await startTestTable('payments-publisher');
    const context = { client: table.client, tableName: table.tableName };
    const payments = new DynamoPaymentStore(context);
    const refunds = new DynamoRefundStore(context);
    const outcomes = new DynamoChannelOutcomeStore(context);
    // 12 payments: 9 succeed, 3 fail; 5 of the succeeded are refunded, 3 of those refunds succeed.
    for (let n = 0; n < 12; n++) {
      const body = { amount: 1000 + n, currency: 'USD', channel: 'sandbox' as const };
      const created = await payments.create({
        merchantId: 'm_pub',
        idempotencyKey: `pub-${n}`,
        requestFingerprint: requestFingerprint('POST', '/v1/payments', body),
        body,
        now: new Date(),
      });
      const id = (created.body as { id: string }).id;
      const to = n % 4 === 3 ? 'failed' : 'succeeded';
      await outcomes.applyPaymentOutcome({
        eventId: `evt_psp_${n}`,
        reference: id,
        to,
        channelReference: `sbx_${n}`,
        channel: 'sandbox',
        occurredAt: new Date().toISOString(),
        amount: body.amount,
        currency: 'USD',
        now: new Date(),
      });
      if (to === 'succeeded' && n < 6) {
        const refund = await refunds.create({
          merchantId: 'm_pub',
          paymentId: id,
          idempotencyKey: `pub-re-${n}`,
          requestFingerprint: requestFingerprint('POST', `/v1/payments/${id}/refunds`, {}),
          amount: undefined,
          now: new Date(),
        });
        const refundBody = refund.body as { id: string; amount: number };
        if (n % 2 === 0) {
          await outcomes.applyRefundOutcome({
            eventId: `evt_psp_re_${n}`,
            reference: refundBody.id,
            to: 'succeeded',
            channelReference: `sbx_re_${n}`,
            channel: 'sandbox',
            occurredAt: new Date().toISOString(),
            amount: refundBody.amount,
            currency: 'USD',
            now: new Date(),
          });
        }
      }
    }
    records = await streamRecords(table);
  });
  after(async () => {
    setEventBridgeClient(undefined);
    await table.stop();
  });

  it('loses no event through partial failures, failed calls and a crash midway', async () => {
    // Prepare: what the committed changes announce, derived independently of the publisher.
    const expected = new Map(
      records
        .flatMap((r) =>
          eventsFromChange({
            eventName: r.eventName,
            oldImage: r.dynamodb.OldImage && unmarshall(r.dynamodb.OldImage as never),
            newImage: r.dynamodb.NewImage && unmarshall(r.dynamodb.NewImage as never),
          }),
        )
        .map((e) => [e.detail.eventId, e]),
    );
    assert.equal(expected.size, 12 + 12 + 5 + 3, 'created, outcomes, refunds created, refund outcomes');

    // Faults, by PutEvents call: a throw, partial failures, a whole-request failure, and on the 9th call a
    // crash of the function right after EventBridge accepted the entries.
    let calls = 0;
    let crashed = false;
    const published: PutEventsRequestEntry[] = [];
    eventBridge.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => {
      calls++;
      if (calls === 1 || calls === 6)
        throw Object.assign(new Error('service unavailable'), { $retryable: {} });
      const failAll = calls === 4;
      const entries = input.Entries.map((entry, i) => {
        const fail = failAll || (calls % 3 === 2 && i % 3 === 1);
        if (!fail) published.push(entry);
        return fail
          ? { ErrorCode: 'InternalFailure', ErrorMessage: 'injected' }
          : { EventId: `${calls}-${i}` };
      });
      if (calls === 9) crashed = true;
      return { FailedEntryCount: entries.filter((e) => e.ErrorCode).length, Entries: entries };
    });
    setEventBridgeClient(new EventBridgeClient({ region: 'us-east-1' }));
    let partialFailures = 0;
    const discarded: unknown[] = [];

    // Act: the event source mapping's loop (bisect on error, resume from the first reported failure).
    await deliverRecords(
      records,
      {
        batchSize: 8,
        reportBatchItemFailures: true,
        maximumRetryAttempts: -1,
        bisectBatchOnFunctionError: true,
      },
      async (batch) => {
        crashed = false;
        const payload = await processBatch({ Records: batch } as unknown as DynamoDBStreamEvent);
        if (crashed) return { ok: false, error: new Error('function crashed midway') };
        if (payload.batchItemFailures.length > 0) partialFailures++;
        return { ok: true, payload };
      },
      { onDiscard: (r) => discarded.push(...r), sleep: async () => {}, stopped: () => false },
    );

    // Assess: every expected event was published, exactly as derived; faults really happened.
    const publishedById = new Map(published.map((e) => [JSON.parse(e.Detail as string).eventId, e]));
    assert.deepEqual([...publishedById.keys()].sort(), [...expected.keys()].sort());
    for (const [id, event] of expected) {
      const entry = publishedById.get(id);
      assert.equal(entry?.DetailType, event.detailType);
      assert.equal(entry?.Source, 'payments');
      assert.deepEqual(JSON.parse(entry?.Detail as string), event.detail);
    }
    assert.deepEqual(discarded, []);
    assert.ok(partialFailures > 0, 'some batch was handed back to Lambda');
    assert.ok(published.length > expected.size, 'some events were published again (same id) after a retry');

    // Order per object: an object's creation is first published before its outcome.
    const firstSeen = new Map<string, number>();
    published.forEach((e, i) => {
      const key = `${e.DetailType}:${objectId(JSON.parse(e.Detail as string))}`;
      if (!firstSeen.has(key)) firstSeen.set(key, i);
    });
    for (const [key, position] of firstSeen) {
      const [type, id] = key.split(':') as [string, string];
      const created = type.startsWith('Payment') ? `PaymentCreated:${id}` : `RefundCreated:${id}`;
      assert.ok(
        (firstSeen.get(created) ?? Number.POSITIVE_INFINITY) <= position,
        `${key} before its creation`,
      );
    }
  });
});

function objectId(detail: { data: { payment?: { id: string }; refund?: { id: string } } }): string {
  return detail.data.payment?.id ?? detail.data.refund?.id ?? '?';
}
