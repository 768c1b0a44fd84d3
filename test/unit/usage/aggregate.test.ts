import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import {
  aggregateUsage,
  batchIdOf,
  transactionChunks,
  USAGE_SHARDS,
  usageShardOf,
} from '../../../shared/usage/aggregate.js';
import { decodeLogsBatch } from '../../../shared/usage/logs-batch.js';
import { parseUsageLine, type UsageRecord, usageLogLine } from '../../../shared/usage/record.js';

const record = (o: Partial<UsageRecord> = {}): UsageRecord => ({
  merchantId: 'm_1',
  route: 'POST /v1/payments',
  status: 201,
  at: '2026-12-06T10:00:00.000Z',
  created: false,
  ...o,
});

describe('usage records', () => {
  it('reads back the line it writes, and nothing that is not a usage line', () => {
    // Prepare
    const r = record({ created: true, route: 'GET /v1/payments/{id}', status: 404 });
    // Act & Assess
    assert.deepEqual(parseUsageLine(usageLogLine(r)), r);
    for (const message of [
      'not json',
      '{"message":"request refused","status":400}',
      JSON.stringify({ message: 'api usage', usage: { ...r, merchantId: 'm 1' } }),
      JSON.stringify({ message: 'api usage', usage: { ...r, status: 99 } }),
      JSON.stringify({ message: 'api usage', usage: { ...r, at: 'yesterday' } }),
      JSON.stringify({ message: 'api usage', usage: { ...r, route: '/v1/payments' } }),
    ]) {
      assert.equal(parseUsageLine(message), undefined, message);
    }
  });
});

describe('usage aggregation', () => {
  it('counts requests, errors (4xx and 5xx) and creations per merchant, UTC day and route', () => {
    // Prepare
    const records = [
      record({ status: 201, created: true }),
      record({ status: 201, created: false }),
      record({ status: 400 }),
      record({ status: 503 }),
      record({ status: 302 }),
      record({ merchantId: 'm_2', status: 429 }),
      record({ at: '2026-12-06T23:59:59.999Z', route: 'GET /v1/payments' }),
      record({ at: '2026-12-07T00:00:00.000Z', route: 'GET /v1/payments' }),
    ];
    // Act
    const counts = aggregateUsage(records);
    // Assess
    assert.deepEqual(counts, [
      {
        merchantId: 'm_1',
        date: '2026-12-06',
        route: 'GET /v1/payments',
        requests: 1,
        errors: 0,
        created: 0,
      },
      {
        merchantId: 'm_1',
        date: '2026-12-06',
        route: 'POST /v1/payments',
        requests: 5,
        errors: 2,
        created: 1,
      },
      {
        merchantId: 'm_1',
        date: '2026-12-07',
        route: 'GET /v1/payments',
        requests: 1,
        errors: 0,
        created: 0,
      },
      {
        merchantId: 'm_2',
        date: '2026-12-06',
        route: 'POST /v1/payments',
        requests: 1,
        errors: 1,
        created: 0,
      },
    ]);
  });

  it('loses and invents nothing: the counts sum to the records, whatever their order', () => {
    const recordArb = fc.record({
      merchantId: fc.constantFrom('m_1', 'm_2', 'm_3'),
      route: fc.constantFrom('POST /v1/payments', 'GET /v1/payments/{id}', 'GET /v1/payments'),
      status: fc.integer({ min: 200, max: 599 }),
      at: fc.constantFrom('2026-12-01T00:00:00.000Z', '2026-12-01T23:59:59.999Z', '2026-12-02T00:00:00.000Z'),
      created: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(recordArb, { maxLength: 200 }), (records) => {
        // Act
        const counts = aggregateUsage(records);
        const reversed = aggregateUsage([...records].reverse());
        // Assess
        assert.deepEqual(reversed, counts);
        assert.equal(
          counts.reduce((s, c) => s + c.requests, 0),
          records.length,
        );
        assert.equal(
          counts.reduce((s, c) => s + c.errors, 0),
          records.filter((r) => r.status >= 400).length,
        );
        assert.equal(
          counts.reduce((s, c) => s + c.created, 0),
          records.filter((r) => r.created).length,
        );
      }),
    );
  });
});

describe('batch identity', () => {
  it('is the same for a redelivered batch in any order, and differs for another batch or log group', () => {
    // Act
    const id = batchIdOf('/aws/lambda/a', ['1', '2', '3']);
    // Assess
    assert.equal(batchIdOf('/aws/lambda/a', ['3', '1', '2']), id);
    assert.equal(batchIdOf('/aws/lambda/a', ['1', '2', '3', '3']), id);
    assert.notEqual(batchIdOf('/aws/lambda/a', ['1', '2']), id);
    assert.notEqual(batchIdOf('/aws/lambda/b', ['1', '2', '3']), id);
    assert.match(id, /^[0-9a-f]{64}$/);
  });

  it('spreads batches over every shard, and chunks counters into transactions of at most 99', () => {
    // Act
    const shards = new Set(Array.from({ length: 200 }, (_, i) => usageShardOf(batchIdOf('g', [String(i)]))));
    const chunks = transactionChunks(Array.from({ length: 250 }, (_, i) => i));
    // Assess
    assert.equal(shards.size, USAGE_SHARDS);
    assert.deepEqual(
      chunks.map((c) => c.length),
      [99, 99, 52],
    );
    assert.deepEqual(
      chunks.flat(),
      Array.from({ length: 250 }, (_, i) => i),
    );
  });

  it('decodes what a subscription filter sends, and refuses anything else', () => {
    // Prepare
    const payload = {
      messageType: 'DATA_MESSAGE',
      owner: '123456789012',
      logGroup: '/aws/lambda/x',
      logStream: 's',
      subscriptionFilters: ['f'],
      logEvents: [{ id: '1', timestamp: 1, message: usageLogLine(record()) }],
    };
    const data = gzipSync(Buffer.from(JSON.stringify(payload))).toString('base64');
    // Act
    const batch = decodeLogsBatch({ awslogs: { data } });
    // Assess
    assert.equal(batch.logGroup, '/aws/lambda/x');
    assert.deepEqual(parseUsageLine(batch.logEvents[0]?.message ?? ''), record());
    assert.throws(() => decodeLogsBatch({ Records: [] }), TypeError);
  });
});
