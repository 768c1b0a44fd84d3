/**
 * The risk consumer's batch on DynamoDB Local: the day's summary takes ONE write per merchant-day per
 * batch with the batch's counts, still exactly once per assessment under redelivery; the profile is read
 * once per container for the batch; and the write units an assessment costs, by item.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import type { SQSEvent } from 'aws-lambda';
import { processBatch, riskControlDeps } from '../../functions/events/risk.js';
import type { CreatePaymentBody } from '../../shared/schemas/payment.js';
import { DynamoPaymentStore } from '../../shared/store/dynamodb/payments.js';
import { utcDay } from '../../shared/store/dynamodb/risk-summaries.js';
import { DynamoRiskSummaryReader, sumShards } from '../../shared/store/dynamodb/risk-summary-reads.js';
import { requestFingerprint } from '../../shared/store/idempotency.js';
import { startTestTable, type TestTable } from '../support/dynamodb.js';

describe('risk consumer batches on DynamoDB Local', () => {
  let table: TestTable;
  const capacity: Array<{ operation: string; capacity: readonly ConsumedCapacity[] }> = [];
  let context: ConstructorParameters<typeof DynamoPaymentStore>[0];
  let n = 0;

  before(async () => {
    table = await startTestTable();
    context = {
      client: table.client,
      tableName: table.tableName,
      onConsumedCapacity: (operation, c) => capacity.push({ operation, capacity: c }),
    };
  });
  after(async () => table.stop());

  async function createPayment(merchantId: string, amount: number, i: number) {
    const body: CreatePaymentBody = {
      amount,
      currency: 'USD',
      channel: 'sandbox',
      customer: { id: `cus_${i}`, email: `c${i}@example.com`, ip: `192.0.2.${i}`, country: 'DE' },
    };
    const created = await new DynamoPaymentStore(table).create({
      merchantId,
      idempotencyKey: `batch-${++n}`,
      requestFingerprint: requestFingerprint('POST', '/v1/payments', body),
      body,
      now: new Date(),
    });
    return created.body as { id: string };
  }

  /** PaymentCreated messages as the publisher sends them: the whole payment in the detail. */
  function batchOf(merchantId: string, payments: readonly { id: string }[]): SQSEvent {
    return {
      Records: payments.map((payment, i) => ({
        messageId: `msg-${i}-${payment.id}`,
        body: JSON.stringify({
          version: '0',
          id: `eb-${payment.id}`,
          'detail-type': 'PaymentCreated',
          source: 'payments',
          time: new Date().toISOString(),
          detail: {
            eventId: `evt_${payment.id}`,
            occurredAt: new Date().toISOString(),
            merchantId,
            data: { payment },
          },
        }),
      })),
    } as unknown as SQSEvent;
  }

  const units = (operation: string) =>
    capacity
      .filter((c) => c.operation === operation)
      .flatMap((c) => c.capacity)
      .reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
  const calls = (operation: string) => capacity.filter((c) => c.operation === operation).length;

  it('writes one summary update per merchant-day per batch, counting each assessment once', async () => {
    // Prepare: 9 payments and a duplicate message of the first, in one batch.
    const merchant = 'm_batch';
    const ids: { id: string }[] = [];
    for (let i = 0; i < 9; i++) ids.push(await createPayment(merchant, 1_000 + i, i));
    const deps = riskControlDeps(context);
    capacity.length = 0;
    // Act
    const first = await processBatch(batchOf(merchant, [...ids, ids[0] as { id: string }]), undefined, deps);
    const perBatch = { summary: calls('risk.summary'), profile: calls('riskProfile.query') };
    const written = {
      risk: units('risk.setRisk'),
      counters: units('risk.count'),
      summary: units('risk.summary'),
    };
    const redelivered = await processBatch(batchOf(merchant, ids), undefined, deps);
    // Assess
    assert.deepEqual(first.batchItemFailures, []);
    assert.deepEqual(redelivered.batchItemFailures, []);
    assert.deepEqual(perBatch, { summary: 1, profile: 1 });
    assert.equal(calls('risk.summary'), 1, 'a redelivered batch counts nothing');
    const summary = await new DynamoRiskSummaryReader(table).get(merchant, utcDay(new Date()));
    assert.equal(summary.assessed, 9);
    assert.equal(summary.approved + summary.reviewed + summary.rejected, 9);
    console.log(
      `write units per assessment (9 payments, customer id + email + IP): risk ${written.risk / 9}, ` +
        `counters ${written.counters / 9}, summary ${written.summary / 9}`,
    );
  });

  it('sums the shards of a day attribute by attribute', () => {
    const sum = sumShards([
      { PK: 'RISKSUM#m', SK: 'DAY#d', assessed: 2, rsn_x: 1 },
      { PK: 'RISKSUM#m#3', SK: 'DAY#d', assessed: 3, amt_rejected_USD: 500 },
      {},
    ]);
    assert.deepEqual(sum, { assessed: 5, rsn_x: 1, amt_rejected_USD: 500 });
  });
});
