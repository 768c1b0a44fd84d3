/**
 * Per-merchant, per-day risk summary (risk after): one item per merchant-day, `ADD`-only counters, so
 * concurrent consumers never conflict and a day's summary is one GetItem. The consumer records an
 * assessment only when its own write set the payment's `risk` (so a redelivery records nothing twice);
 * the before-checks may record their refusals with `recordRefusal`. Ops read them with
 * `DynamoRiskSummaryReader` (risk-summary-reads.ts: kept apart so the consumer's bundle stays small).
 *
 * Flat attribute names (`amt_rejected_USD`, `rsn_ip_velocity`): DynamoDB cannot `ADD` into a map that
 * does not exist yet, and flat counters need no read before the first write.
 */
import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { RiskDecision } from '../../schemas/risk-profile.js';
import { riskKeys } from '../risk-keys.js';
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

/** The UTC day (`yyyy-mm-dd`) of an instant. */
export function utcDay(at: Date | string): string {
  return (typeof at === 'string' ? new Date(at) : at).toISOString().slice(0, 10);
}

export class DynamoRiskSummaryStore {
  constructor(private readonly table: TableContext) {}

  /** Counts one assessment of the day. */
  recordAssessment(
    merchantId: string,
    day: string,
    o: Occurrence & { decision: RiskDecision },
  ): Promise<void> {
    const counter = DECISION_COUNTER[o.decision];
    const amountOf = o.decision === 'approve' ? undefined : `amt_${counter}_${o.currency}`;
    return this.add(merchantId, day, ['assessed', counter], amountOf, o, 'risk.summary');
  }

  /** Counts one payment refused by the before-checks (nothing of it is stored but counters). */
  recordRefusal(merchantId: string, day: string, o: Occurrence): Promise<void> {
    return this.add(
      merchantId,
      day,
      ['refusedBefore'],
      `amt_refusedBefore_${o.currency}`,
      o,
      'risk.summary.refusal',
    );
  }

  private async add(
    merchantId: string,
    day: string,
    counters: string[],
    amountAttribute: string | undefined,
    o: Occurrence,
    operation: string,
  ): Promise<void> {
    const names: Record<string, string> = {};
    const adds: string[] = [];
    const values: Record<string, unknown> = { ':one': 1 };
    const countUp = (attribute: string, value = ':one') => {
      const name = `#a${adds.length}`;
      names[name] = attribute;
      adds.push(`${name} ${value}`);
    };
    for (const c of counters) countUp(c);
    for (const reason of new Set(o.reasons)) countUp(`rsn_${reason}`);
    if (amountAttribute) {
      values[':amt'] = o.amount;
      countUp(amountAttribute, ':amt');
    }
    const out = await this.table.client.send(
      new UpdateItemCommand({
        TableName: this.table.tableName,
        Key: marshall(riskKeys.summary(merchantId, day)),
        UpdateExpression: `ADD ${adds.join(', ')}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: marshall(values),
        ...capacityParam(this.table),
      }),
    );
    reportCapacity(this.table, operation, out.ConsumedCapacity);
  }
}
