/**
 * Cost per 1,000,000 payment lifecycles, and per 1,000,000 payments settled: counted operations per
 * lifecycle (or per settled line item) × the published prices in docs/prices.json. Pure arithmetic
 * (unit-tested in test/unit/bench/cost.test.ts); the counting is in test/bench/lifecycle.ts and
 * test/bench/settle.ts.
 */
import { readFileSync } from 'node:fs';

export interface Price {
  readonly usd: number;
  /** `usd` is the price of this many units. */
  readonly per: number;
  readonly unit: string;
  readonly sources: readonly string[];
  readonly checked: string;
  readonly sourceDated?: string;
  /** False when the figure was not read on an AWS page itself (best known, flagged). */
  readonly verified: boolean;
  readonly note?: string;
}

export interface Assumption {
  readonly value: number;
  readonly sources: readonly string[];
  readonly checked: string;
  readonly verified: boolean;
  readonly note?: string;
}

export interface PriceFile {
  readonly region: string;
  readonly currency: string;
  readonly prices: Readonly<Record<string, Price>>;
  readonly assumptions: Readonly<Record<string, Assumption>>;
}

export const PRICE_FILE = 'docs/prices.json';

/** The prices the cost model needs; throws naming the first one missing. */
export const REQUIRED_PRICES = [
  'apigateway.httpApiRequest',
  'lambda.request',
  'lambda.gbSecondArm',
  'stepfunctions.standardTransition',
  'dynamodb.writeRequestUnit',
  'dynamodb.readRequestUnit',
  'eventbridge.customEvent',
  'eventbridge.archiveGb',
  'sqs.standardRequest',
  'cloudwatch.logsIngestionGb',
  'xray.traceRecorded',
  'dataTransfer.internetOutGb',
] as const;

export type PriceKey = (typeof REQUIRED_PRICES)[number];

export function loadPrices(file = PRICE_FILE): PriceFile {
  const prices = JSON.parse(readFileSync(file, 'utf8')) as PriceFile;
  validatePrices(prices);
  return prices;
}

export function validatePrices(file: PriceFile): void {
  for (const key of REQUIRED_PRICES) {
    const p = file.prices[key];
    if (!p) throw new Error(`price file: no price ${key}`);
    if (!(p.usd >= 0) || !(p.per > 0)) throw new Error(`price file: ${key} has no usable usd/per`);
    if (!p.sources?.length || !p.checked) throw new Error(`price file: ${key} needs sources and a date`);
  }
}

/** USD for one unit. */
export const unitPrice = (p: Price) => p.usd / p.per;

/** GB as 10^9 bytes (the higher of the two readings of "GB"). */
export const BYTES_PER_GB = 1e9;

/** What one lifecycle consumes, averaged over the measured lifecycles. */
export interface LifecycleUsage {
  readonly apiRequests: number;
  readonly lambdaRequests: number;
  /** Σ memory (GB) × billed duration (s), per lifecycle. */
  readonly lambdaGbSeconds: number;
  readonly dynamoWriteUnits: number;
  readonly dynamoReadUnits: number;
  /**
   * Conditional writes DynamoDB refused: AWS still consumes write units for them but does not report
   * them; priced at one write unit each (items under 1 KB), an estimate.
   */
  readonly dynamoRefusedWrites: number;
  /** PutEvents entries in 64 KB chunks. */
  readonly eventChunks: number;
  readonly archivedBytes: number;
  /** SQS requests in 64 KB chunks (sends, receives that returned messages, deletes, visibility changes). */
  readonly sqsRequestChunks: number;
  readonly logBytes: number;
  readonly xrayTraces: number;
  readonly internetOutBytes: number;
}

export interface CostLine {
  readonly service: string;
  readonly item: string;
  readonly quantityPerLifecycle: number;
  readonly priceKey: PriceKey;
  /** USD per 1,000,000 lifecycles. */
  readonly usdPerMillion: number;
  /** The price was not read on an AWS page itself. */
  readonly flagged: boolean;
}

export interface CostBreakdown {
  readonly lines: readonly CostLine[];
  readonly byService: Readonly<Record<string, number>>;
  readonly total: number;
}

const MILLION = 1_000_000;

/** One line of a breakdown: `quantity` per unit of work × the price, for 1,000,000 units of work. */
function lineOf(file: PriceFile) {
  return (service: string, item: string, quantity: number, key: PriceKey): CostLine => {
    const price = file.prices[key];
    if (!price) throw new Error(`price file: no price ${key}`);
    return {
      service,
      item,
      quantityPerLifecycle: quantity,
      priceKey: key,
      usdPerMillion: quantity * MILLION * unitPrice(price),
      flagged: !price.verified,
    };
  };
}

function breakdownOf(lines: CostLine[]): CostBreakdown {
  const byService: Record<string, number> = {};
  for (const l of lines) byService[l.service] = (byService[l.service] ?? 0) + l.usdPerMillion;
  return { lines, byService, total: lines.reduce((s, l) => s + l.usdPerMillion, 0) };
}

/** Σ usage × price for 1,000,000 lifecycles, by line and by service. */
export function costPerMillion(usage: LifecycleUsage, file: PriceFile): CostBreakdown {
  const line = lineOf(file);
  const lines = [
    line('API Gateway', 'HTTP API requests', usage.apiRequests, 'apigateway.httpApiRequest'),
    line('Lambda', 'requests', usage.lambdaRequests, 'lambda.request'),
    line('Lambda', 'duration (GB-s, arm64)', usage.lambdaGbSeconds, 'lambda.gbSecondArm'),
    line('DynamoDB', 'write request units', usage.dynamoWriteUnits, 'dynamodb.writeRequestUnit'),
    line('DynamoDB', 'read request units', usage.dynamoReadUnits, 'dynamodb.readRequestUnit'),
    line(
      'DynamoDB',
      'refused conditional writes (≈1 WRU each)',
      usage.dynamoRefusedWrites,
      'dynamodb.writeRequestUnit',
    ),
    line('EventBridge', 'custom events (64 KB chunks)', usage.eventChunks, 'eventbridge.customEvent'),
    line('EventBridge', 'archive (GB)', usage.archivedBytes / BYTES_PER_GB, 'eventbridge.archiveGb'),
    line('SQS', 'requests (64 KB chunks)', usage.sqsRequestChunks, 'sqs.standardRequest'),
    line('CloudWatch Logs', 'ingestion (GB)', usage.logBytes / BYTES_PER_GB, 'cloudwatch.logsIngestionGb'),
    line('X-Ray', 'traces recorded', usage.xrayTraces, 'xray.traceRecorded'),
    line(
      'Data transfer',
      'out to the internet (GB)',
      usage.internetOutBytes / BYTES_PER_GB,
      'dataTransfer.internetOutGb',
    ),
  ];
  return breakdownOf(lines);
}

/**
 * What settling one line item (a payment or a refund) consumes, averaged over a settlement run: the
 * run's counts divided by the line items it settled (test/bench/settle.ts).
 */
export interface SettlementUsage {
  /** Standard workflow state transitions (retries included). */
  readonly stateTransitions: number;
  /** The ops route that starts a run (none for the daily schedule). */
  readonly apiRequests: number;
  readonly lambdaRequests: number;
  readonly lambdaGbSeconds: number;
  readonly dynamoWriteUnits: number;
  readonly dynamoReadUnits: number;
  /** `SettlementCompleted` entries in 64 KB chunks. */
  readonly eventChunks: number;
}

/**
 * Σ usage × price for 1,000,000 line items settled, by line and by service (`quantityPerLifecycle` of
 * each line is per line item here).
 */
export function settlementCostPerMillion(usage: SettlementUsage, file: PriceFile): CostBreakdown {
  const line = lineOf(file);
  return breakdownOf([
    line(
      'Step Functions',
      'Standard state transitions',
      usage.stateTransitions,
      'stepfunctions.standardTransition',
    ),
    line('API Gateway', 'HTTP API requests', usage.apiRequests, 'apigateway.httpApiRequest'),
    line('Lambda', 'requests', usage.lambdaRequests, 'lambda.request'),
    line('Lambda', 'duration (GB-s, arm64)', usage.lambdaGbSeconds, 'lambda.gbSecondArm'),
    line('DynamoDB', 'write request units', usage.dynamoWriteUnits, 'dynamodb.writeRequestUnit'),
    line('DynamoDB', 'read request units', usage.dynamoReadUnits, 'dynamodb.readRequestUnit'),
    line('EventBridge', 'custom events (64 KB chunks)', usage.eventChunks, 'eventbridge.customEvent'),
  ]);
}

/** Σ memory (GB) × billed duration (s) over functions' tallies. */
export function gbSeconds(functions: Iterable<{ memoryMb: number; billedMs: number }>): number {
  let total = 0;
  for (const f of functions) total += (f.memoryMb / 1024) * (f.billedMs / 1000);
  return total;
}

/**
 * What idle SQS event source mappings cost per hour: each poller long-polls (20 s waits), so
 * mappings × pollers × 180 empty receives an hour, whatever the traffic.
 */
export function idlePollingPerHour(
  mappings: number,
  pollersPerMapping: number,
  file: PriceFile,
  waitSeconds = 20,
): { receivesPerHour: number; usdPerHour: number; usdPer30Days: number } {
  const price = file.prices['sqs.standardRequest'];
  if (!price) throw new Error('price file: no price sqs.standardRequest');
  const receivesPerHour = mappings * pollersPerMapping * (3600 / waitSeconds);
  const usdPerHour = receivesPerHour * unitPrice(price);
  return { receivesPerHour, usdPerHour, usdPer30Days: usdPerHour * 24 * 30 };
}

/** X-Ray's sampling reservoir: about one trace a second recorded whatever the volume (30 days). */
export function xrayReservoirPer30Days(file: PriceFile, tracesPerSecond = 1): number {
  const price = file.prices['xray.traceRecorded'];
  if (!price) throw new Error('price file: no price xray.traceRecorded');
  return tracesPerSecond * 30 * 24 * 3600 * unitPrice(price);
}
