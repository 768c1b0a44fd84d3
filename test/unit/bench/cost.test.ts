/**
 * The bench's cost arithmetic: counted operations per lifecycle × unit prices, scaled to 1,000,000
 * lifecycles; GB-seconds from memory × billed duration; idle SQS polling per hour; the price file is
 * complete (every price the model needs, each with sources and a date).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  costPerMillion,
  gbSeconds,
  idlePollingPerHour,
  type LifecycleUsage,
  loadPrices,
  type PriceFile,
  REQUIRED_PRICES,
  type SettlementUsage,
  settlementCostPerMillion,
  unitPrice,
  validatePrices,
  xrayReservoirPer30Days,
} from '../../bench/cost.js';

const price = (usd: number, per: number) => ({
  usd,
  per,
  unit: 'unit',
  sources: ['https://example.com/pricing'],
  checked: '2026-11-26',
  verified: true,
});

const prices: PriceFile = {
  region: 'us-east-1',
  currency: 'USD',
  prices: {
    'apigateway.httpApiRequest': price(1, 1_000_000),
    'lambda.request': price(0.2, 1_000_000),
    'lambda.gbSecondArm': price(0.0000133334, 1),
    'stepfunctions.standardTransition': price(0.025, 1_000),
    'dynamodb.writeRequestUnit': price(0.625, 1_000_000),
    'dynamodb.readRequestUnit': price(0.125, 1_000_000),
    'eventbridge.customEvent': price(1, 1_000_000),
    'eventbridge.archiveGb': price(0.1, 1),
    'sqs.standardRequest': price(0.4, 1_000_000),
    'cloudwatch.logsIngestionGb': { ...price(0.5, 1), verified: false },
    'xray.traceRecorded': price(5, 1_000_000),
    'dataTransfer.internetOutGb': price(0.09, 1),
  },
  assumptions: {},
};

const none: LifecycleUsage = {
  apiRequests: 0,
  lambdaRequests: 0,
  lambdaGbSeconds: 0,
  dynamoWriteUnits: 0,
  dynamoReadUnits: 0,
  dynamoRefusedWrites: 0,
  eventChunks: 0,
  archivedBytes: 0,
  sqsRequestChunks: 0,
  logBytes: 0,
  xrayTraces: 0,
  internetOutBytes: 0,
};

const close = (actual: number, expected: number) =>
  assert.ok(Math.abs(actual - expected) < 1e-9, `${actual} ≠ ${expected}`);

describe('cost per 1,000,000 lifecycles', () => {
  it('is zero when nothing is counted', () => {
    const cost = costPerMillion(none, prices);
    assert.equal(cost.total, 0);
    assert.ok(cost.lines.every((l) => l.usdPerMillion === 0));
  });

  it('multiplies each count per lifecycle by its unit price and 1,000,000', () => {
    // 2 API requests at $1/M → $2; 3 WRU at $0.625/M → $1.875; 11 SQS requests at $0.40/M → $4.40.
    const cost = costPerMillion(
      { ...none, apiRequests: 2, dynamoWriteUnits: 3, sqsRequestChunks: 11 },
      prices,
    );
    close(cost.byService['API Gateway'] as number, 2);
    close(cost.byService.DynamoDB as number, 1.875);
    close(cost.byService.SQS as number, 4.4);
    close(cost.total, 2 + 1.875 + 4.4);
  });

  it('prices refused conditional writes as one write unit each, under DynamoDB', () => {
    const cost = costPerMillion({ ...none, dynamoWriteUnits: 2, dynamoRefusedWrites: 1 }, prices);
    close(cost.byService.DynamoDB as number, 3 * 0.625);
  });

  it('turns bytes into GB (10^9 bytes) for logs, archive and data transfer', () => {
    // 2,000 bytes a lifecycle × 1M = 2 GB → $1 of log ingestion at $0.50/GB.
    const cost = costPerMillion(
      { ...none, logBytes: 2_000, archivedBytes: 1_000, internetOutBytes: 1_000 },
      prices,
    );
    close(cost.byService['CloudWatch Logs'] as number, 1);
    close(cost.byService.EventBridge as number, 0.1);
    close(cost.byService['Data transfer'] as number, 0.09);
  });

  it('sums Lambda requests and duration under Lambda', () => {
    // 7 requests → $1.40; 0.5 GB-s → 500,000 GB-s → $6.6667.
    const cost = costPerMillion({ ...none, lambdaRequests: 7, lambdaGbSeconds: 0.5 }, prices);
    close(cost.byService.Lambda as number, 1.4 + 0.5 * 1_000_000 * 0.0000133334);
  });

  it('flags lines whose price was not read on an AWS page', () => {
    const cost = costPerMillion({ ...none, logBytes: 1 }, prices);
    assert.deepEqual(
      cost.lines.filter((l) => l.flagged).map((l) => l.priceKey),
      ['cloudwatch.logsIngestionGb'],
    );
  });

  it('computes GB-seconds from memory and billed milliseconds', () => {
    // 1024 MB for 1,000 ms = 1 GB-s; 512 MB for 500 ms = 0.25 GB-s.
    close(
      gbSeconds([
        { memoryMb: 1024, billedMs: 1000 },
        { memoryMb: 512, billedMs: 500 },
      ]),
      1.25,
    );
  });

  it('costs idle SQS polling per hour: mappings × pollers × 180 long polls', () => {
    const idle = idlePollingPerHour(3, 5, prices);
    assert.equal(idle.receivesPerHour, 2_700);
    close(idle.usdPerHour, 2_700 * 0.4e-6);
    close(idle.usdPer30Days, 2_700 * 0.4e-6 * 720);
  });

  it('costs the X-Ray reservoir at one trace a second for 30 days', () => {
    close(xrayReservoirPer30Days(prices), 2_592_000 * 5e-6);
  });

  it('uses usd / per as the unit price', () => {
    close(unitPrice(price(0.625, 1_000_000)), 6.25e-7);
  });
});

describe('cost per 1,000,000 line items settled', () => {
  const idle: SettlementUsage = {
    stateTransitions: 0,
    apiRequests: 0,
    lambdaRequests: 0,
    lambdaGbSeconds: 0,
    dynamoWriteUnits: 0,
    dynamoReadUnits: 0,
    eventChunks: 0,
  };

  it('prices state transitions at $0.025 per 1,000 under Step Functions', () => {
    // 25 transitions for 100,000 line items → 250 per million → $0.00625.
    const cost = settlementCostPerMillion({ ...idle, stateTransitions: 25 / 100_000 }, prices);
    close(cost.byService['Step Functions'] as number, 0.00625);
    close(cost.total, 0.00625);
  });

  it('adds Lambda, DynamoDB, API Gateway and EventBridge at their unit prices', () => {
    // Per line item: 0.05 RRU → 50,000 RRU → $0.00625; 0.001 WRU → $0.000625; 0.0001 requests → $0.00002.
    const cost = settlementCostPerMillion(
      { ...idle, dynamoReadUnits: 0.05, dynamoWriteUnits: 0.001, lambdaRequests: 0.0001 },
      prices,
    );
    close(cost.byService.DynamoDB as number, 0.00625 + 0.000625);
    close(cost.byService.Lambda as number, 0.00002);
    assert.equal(cost.byService['API Gateway'], 0);
    assert.equal(cost.byService.EventBridge, 0);
  });
});

describe('the price file (docs/prices.json)', () => {
  it('has every price the model needs, each with a unit, sources and the date it was read', () => {
    const file = loadPrices();
    assert.equal(file.region, 'us-east-1');
    for (const key of REQUIRED_PRICES) {
      const p = file.prices[key];
      assert.ok(p, key);
      assert.ok(p.unit.length > 0, key);
      assert.ok(
        p.sources.every((s) => s.startsWith('https://')),
        key,
      );
      assert.match(p.checked, /^\d{4}-\d{2}-\d{2}$/, key);
      assert.equal(typeof p.verified, 'boolean', key);
    }
  });

  it('refuses a file missing a price', () => {
    const { 'sqs.standardRequest': _, ...rest } = prices.prices;
    assert.throws(() => validatePrices({ ...prices, prices: rest }), /sqs\.standardRequest/);
  });
});
