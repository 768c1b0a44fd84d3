/**
 * Usage counters on DynamoDB Local: a batch is applied exactly once however often it is delivered, even
 * when its deliveries race each other and other batches on the same counters; a batch of more counters than
 * one transaction holds is applied per chunk, each once; the read sums the shards; the write units a batch
 * costs do not grow with the requests it counts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DynamoUsageStore } from '../../shared/store/dynamodb/usage.js';
import { aggregateUsage, batchIdOf, type UsageCount } from '../../shared/usage/aggregate.js';
import type { UsageRecord } from '../../shared/usage/record.js';
import { startTestTable, type TestTable } from '../support/dynamodb.js';

const DAY = '2026-12-06';
const record = (merchantId: string, route: string, status: number): UsageRecord => ({
  merchantId,
  route,
  status,
  at: `${DAY}T12:00:00.000Z`,
  created: status === 201,
});

describe('usage counters on DynamoDB Local', () => {
  let table: TestTable;
  let store: DynamoUsageStore;
  const units: Record<string, number> = {};

  before(async () => {
    table = await startTestTable();
    store = new DynamoUsageStore({
      client: table.client,
      tableName: table.tableName,
      onConsumedCapacity: (operation, consumed) => {
        units[operation] = (units[operation] ?? 0) + consumed.reduce((s, c) => s + (c.CapacityUnits ?? 0), 0);
      },
    });
  });
  after(() => table.stop());

  it('applies a batch once, however often it is delivered', async () => {
    // Prepare
    const counts = aggregateUsage([
      record('m_once', 'POST /v1/payments', 201),
      record('m_once', 'POST /v1/payments', 422),
      record('m_once', 'GET /v1/payments/{id}', 200),
    ]);
    const id = batchIdOf('/aws/lambda/a', ['1', '2', '3']);
    // Act
    const first = await store.applyBatch(id, counts);
    const again = await store.applyBatch(id, counts);
    // Assess
    assert.deepEqual(first, { applied: 1, duplicates: 0 });
    assert.deepEqual(again, { applied: 0, duplicates: 1 });
    assert.deepEqual(await store.read('m_once', DAY, DAY), [
      { date: DAY, route: 'GET /v1/payments/{id}', requests: 1, errors: 0, created: 0 },
      { date: DAY, route: 'POST /v1/payments', requests: 2, errors: 1, created: 1 },
    ]);
  });

  it('counts exactly when many batches and their redeliveries race on the same counters', async () => {
    // Prepare: 40 batches of 25 requests each for two merchants, every batch delivered twice at once.
    const batches = Array.from({ length: 40 }, (_, b) => {
      const records = Array.from({ length: 25 }, (_, i) =>
        record(
          i % 2 ? 'm_race_1' : 'm_race_2',
          i % 5 ? 'POST /v1/payments' : 'GET /v1/payments',
          i % 7 ? 201 : 500,
        ),
      );
      return {
        id: batchIdOf(
          '/aws/lambda/race',
          records.map((_, i) => `${b}-${i}`),
        ),
        counts: aggregateUsage(records),
      };
    });
    // Act
    const results = await Promise.all(
      batches.flatMap(({ id, counts }) => [store.applyBatch(id, counts), store.applyBatch(id, counts)]),
    );
    // Assess
    assert.equal(
      results.reduce((s, r) => s + r.applied, 0),
      40,
    );
    const expected = aggregateUsage(
      batches.flatMap(() =>
        Array.from({ length: 25 }, (_, i) =>
          record(
            i % 2 ? 'm_race_1' : 'm_race_2',
            i % 5 ? 'POST /v1/payments' : 'GET /v1/payments',
            i % 7 ? 201 : 500,
          ),
        ),
      ),
    );
    for (const merchantId of ['m_race_1', 'm_race_2']) {
      const rows = await store.read(merchantId, DAY, DAY);
      assert.deepEqual(
        rows,
        expected
          .filter((c) => c.merchantId === merchantId)
          .map(({ date, route, requests, errors, created }) => ({ date, route, requests, errors, created })),
      );
    }
  });

  it('applies a batch of more counters than one transaction holds chunk by chunk, each once', async () => {
    // Prepare: 150 routes (two transactions); the first chunk lands, the second is "lost".
    const counts: UsageCount[] = Array.from({ length: 150 }, (_, i) => ({
      merchantId: 'm_wide',
      date: DAY,
      route: `GET /v1/r${String(i).padStart(3, '0')}`,
      requests: 2,
      errors: 1,
      created: 0,
    }));
    const id = batchIdOf('/aws/lambda/wide', ['w']);
    await store.applyBatch(id, counts.slice(0, 99));
    // Act: the whole batch again (a retry after a partial failure).
    const retry = await store.applyBatch(id, counts);
    // Assess
    assert.deepEqual(retry, { applied: 1, duplicates: 1 });
    const rows = await store.read('m_wide', DAY, DAY);
    assert.equal(rows.length, 150);
    assert.ok(rows.every((r) => r.requests === 2 && r.errors === 1));
  });

  it('reads only the days asked, and costs the same writes for 1 or 1,000 requests of a route', async () => {
    // Prepare
    const at = (day: string): UsageRecord => ({
      ...record('m_days', 'GET /v1/payments', 200),
      at: `${day}T00:00:00.000Z`,
    });
    await store.applyBatch(
      batchIdOf('g', ['d1']),
      aggregateUsage([at('2026-11-30'), at('2026-12-01'), at('2026-12-02')]),
    );
    const before1 = units['usage.applyBatch'] ?? 0;
    await store.applyBatch(
      batchIdOf('g', ['one']),
      aggregateUsage([record('m_cost', 'GET /v1/payments', 200)]),
    );
    const one = (units['usage.applyBatch'] ?? 0) - before1;
    const before1000 = units['usage.applyBatch'] ?? 0;
    await store.applyBatch(
      batchIdOf('g', ['thousand']),
      aggregateUsage(Array.from({ length: 1000 }, () => record('m_cost', 'GET /v1/payments', 200))),
    );
    const thousand = (units['usage.applyBatch'] ?? 0) - before1000;
    // Act
    const rows = await store.read('m_days', '2026-12-01', '2026-12-31');
    // Assess
    assert.deepEqual(
      rows.map((r) => r.date),
      ['2026-12-01', '2026-12-02'],
    );
    assert.equal(one, thousand, 'writes per batch, not per request');
    console.log(`# write units of a one-counter batch: ${one} (1 request or 1,000)`);
    assert.ok(
      one > 0 && one <= 4,
      `a one-counter batch costs ${one} write units (marker + counter, transactional)`,
    );
  });
});
