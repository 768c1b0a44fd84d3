/**
 * Per-merchant, per-day risk summary (risk after): `ADD`-only counters, so concurrent writers never
 * conflict, on SUMMARY_SHARDS items per merchant-day (risk-keys.ts), each write on a random one, so no
 * key takes a write per payment of a merchant. Ops read them with `DynamoRiskSummaryReader`
 * (risk-summary-reads.ts: kept apart so the writers' bundles stay small), summing the shards.
 *
 * The consumer records an assessment only when its own write set the payment's `risk` (so a redelivery
 * records nothing twice), into a `SummaryBatch`: one `ADD` per merchant-day per consumer batch, with the
 * batch's counts. The before-checks' refusals are counted one by one by risk's `count-refusal` function
 * (`recordRefusalOnce`: the `ADD` and a marker of the refused request in one transaction, so Lambda's
 * retries of the asynchronous invocation count each refusal once).
 *
 * Flat attribute names (`amt_rejected_USD`, `rsn_ip_velocity`): DynamoDB cannot `ADD` into a map that
 * does not exist yet, and flat counters need no read before the first write.
 */
import {
  TransactionCanceledException,
  TransactWriteItemsCommand,
  type Update,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { RiskDecision } from '../../schemas/risk-profile.js';
import { riskKeys, SUMMARY_SHARDS } from '../risk-keys.js';
import { capacityParam, reportCapacity, type TableContext } from './table.js';

const DECISION_COUNTER: Record<RiskDecision, 'approved' | 'reviewed' | 'rejected'> = {
  approve: 'approved',
  review: 'reviewed',
  reject: 'rejected',
};

interface Occurrence {
  readonly amount: number;
  readonly currency: string;
  readonly reasons: readonly string[];
}

export type Assessed = Occurrence & { readonly decision: RiskDecision };

/** What records assessments: the store itself (one write each) or a consumer batch. */
export interface AssessmentRecorder {
  recordAssessment(merchantId: string, day: string, o: Assessed): Promise<void>;
}

/** The UTC day (`yyyy-mm-dd`) of an instant. */
export function utcDay(at: Date | string): string {
  return (typeof at === 'string' ? new Date(at) : at).toISOString().slice(0, 10);
}

/** Flat counter → increment. */
type Counts = Map<string, number>;

function countsOf(counters: readonly string[], amountAttribute: string | undefined, o: Occurrence): Counts {
  const counts: Counts = new Map();
  for (const c of counters) counts.set(c, 1);
  for (const reason of new Set(o.reasons)) counts.set(`rsn_${reason}`, 1);
  if (amountAttribute) counts.set(amountAttribute, o.amount);
  return counts;
}

function assessmentCounts(o: Assessed): Counts {
  const counter = DECISION_COUNTER[o.decision];
  const amountOf = o.decision === 'approve' ? undefined : `amt_${counter}_${o.currency}`;
  return countsOf(['assessed', counter], amountOf, o);
}

export class DynamoRiskSummaryStore implements AssessmentRecorder {
  constructor(private readonly table: TableContext) {}

  /** Counts one assessment of the day (one write; the consumer batches them with `batch()`). */
  recordAssessment(merchantId: string, day: string, o: Assessed): Promise<void> {
    return this.add(merchantId, day, assessmentCounts(o), 'risk.summary');
  }

  /** A recorder that keeps a batch's assessments until `flush`: one write per merchant-day. */
  batch(): SummaryBatch {
    return new SummaryBatch((merchantId, day, counts) => this.add(merchantId, day, counts, 'risk.summary'));
  }

  private add(merchantId: string, day: string, counts: Counts, operation: string): Promise<void> {
    return addToSummary(this.table, merchantId, day, counts, operation);
  }
}

/** How long the marker of a counted refusal is kept: longer than Lambda retries an invocation (6 h). */
const REFUSAL_MARKER_TTL_SECONDS = 2 * 24 * 60 * 60;

/**
 * Counts one payment refused by the before-checks (nothing of it is stored but counters) unless the refused request `refusalId` (its
 * idempotency slot) was counted that day already: the `ADD` and the marker's conditional Put are one
 * transaction (4 write units instead of 1, paid per refusal only). @returns whether it counted now.
 */
export async function recordRefusalOnce(
  table: TableContext,
  merchantId: string,
  day: string,
  refusalId: string,
  o: Occurrence,
  now: Date = new Date(),
): Promise<boolean> {
  const counts = countsOf(['refusedBefore'], `amt_refusedBefore_${o.currency}`, o);
  const marker = {
    ...riskKeys.refusalCounted(merchantId, day, refusalId),
    entity: 'riskRefusalCounted',
    expiresAt: Math.floor(now.getTime() / 1000) + REFUSAL_MARKER_TTL_SECONDS,
  };
  try {
    const out = await table.client.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          {
            Put: {
              TableName: table.tableName,
              Item: marshall(marker),
              ConditionExpression: 'attribute_not_exists(PK)',
            },
          },
          { Update: summaryUpdate(table, merchantId, day, counts) },
        ],
        ...capacityParam(table),
      }),
    );
    reportCapacity(table, 'risk.summary.refusalOnce', out.ConsumedCapacity);
    return true;
  } catch (error) {
    if (
      error instanceof TransactionCanceledException &&
      error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed'
    )
      return false;
    throw error;
  }
}

/** One `ADD` of `counts` on a random shard of the merchant-day. */
function summaryUpdate(table: TableContext, merchantId: string, day: string, counts: Counts): Update {
  const names: Record<string, string> = {};
  const values: Record<string, number> = {};
  const adds = [...counts].map(([attribute, n], i) => {
    names[`#a${i}`] = attribute;
    values[`:v${i}`] = n;
    return `#a${i} :v${i}`;
  });
  const shard = Math.floor(Math.random() * SUMMARY_SHARDS);
  return {
    TableName: table.tableName,
    Key: marshall(riskKeys.summary(merchantId, day, shard)),
    UpdateExpression: `ADD ${adds.join(', ')}`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: marshall(values),
  };
}

async function addToSummary(
  table: TableContext,
  merchantId: string,
  day: string,
  counts: Counts,
  operation: string,
): Promise<void> {
  const out = await table.client.send(
    new UpdateItemCommand({ ...summaryUpdate(table, merchantId, day, counts), ...capacityParam(table) }),
  );
  reportCapacity(table, operation, out.ConsumedCapacity);
}

/** A consumer batch's assessments, summed per merchant-day, written by `flush`. */
export class SummaryBatch implements AssessmentRecorder {
  private readonly days = new Map<string, { merchantId: string; day: string; counts: Counts }>();

  constructor(private readonly write: (merchantId: string, day: string, counts: Counts) => Promise<void>) {}

  async recordAssessment(merchantId: string, day: string, o: Assessed): Promise<void> {
    const id = `${merchantId}\n${day}`;
    const entry = this.days.get(id) ?? { merchantId, day, counts: new Map() };
    for (const [k, n] of assessmentCounts(o)) entry.counts.set(k, (entry.counts.get(k) ?? 0) + n);
    this.days.set(id, entry);
  }

  /** Writes what was recorded (one `ADD` per merchant-day) and forgets it. */
  async flush(): Promise<void> {
    const entries = [...this.days.values()];
    this.days.clear();
    await Promise.all(entries.map((e) => this.write(e.merchantId, e.day, e.counts)));
  }
}
