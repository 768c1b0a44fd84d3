/**
 * Merchant fraud reports (risk after). A report is ONE TransactWriteItems: the report at the slot of
 * its Idempotency-Key (`attribute_not_exists`, the record being its own idempotency record, as payments
 * are) and the day's fraud-report counter of the merchant rating (risk-profiles.ts), so the rating counts
 * each report exactly once. The blocklist additions follow (idempotent appends): a retry of the same
 * request replays the report and re-applies them, which repairs a crash in between. The slot is core's
 * key space (the contract's one Idempotency-Key namespace per merchant): risk may put its report there,
 * never read it, so a replay takes the stored report from the refused write.
 */
import { TransactionCanceledException, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { FraudReport } from '../../schemas/risk-routes.js';
import { ConcurrentModificationError, IdempotencyKeyReusedError } from '../errors.js';
import { idempotencySlot } from '../idempotency.js';
import { keys } from '../keys.js';
import { fraudReportUpdate } from './risk-profiles.js';
import { capacityParam, claimItem, reportCapacity, type TableContext } from './table.js';

export const FRAUD_REPORT_ID_PREFIX = 'fr_';

export interface FraudReportItem {
  PK: string;
  SK: string;
  entity: 'fraudReport';
  id: string;
  paymentId: string;
  merchantId: string;
  reason: string;
  requestFingerprint: string;
  createdAt: string;
}

export interface CreateFraudReportInput {
  readonly merchantId: string;
  readonly paymentId: string;
  readonly reason: string;
  readonly idempotencyKey: string;
  readonly requestFingerprint: string;
  readonly now: Date;
}

export function fraudReportFromItem(item: FraudReportItem): FraudReport {
  return { id: item.id, paymentId: item.paymentId, reason: item.reason, createdAt: item.createdAt };
}

export class DynamoFraudReportStore {
  constructor(private readonly table: TableContext) {}

  /**
   * Stores the report and counts it for the rating, or replays the key's first report.
   * @throws IdempotencyKeyReusedError when the key holds another request.
   */
  async create(input: CreateFraudReportInput): Promise<{ report: FraudReport; replayed: boolean }> {
    const slot = idempotencySlot(input.merchantId, input.idempotencyKey);
    const item: FraudReportItem = {
      ...keys.object(slot),
      entity: 'fraudReport',
      id: `${FRAUD_REPORT_ID_PREFIX}${slot}`,
      paymentId: input.paymentId,
      merchantId: input.merchantId,
      reason: input.reason,
      requestFingerprint: input.requestFingerprint,
      createdAt: input.now.toISOString(),
    };
    try {
      const out = await this.table.client.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            claimItem(this.table, item),
            { Update: fraudReportUpdate(this.table.tableName, input.merchantId, input.now) },
          ],
          ...capacityParam(this.table),
        }),
      );
      reportCapacity(this.table, 'fraudReport.create', out.ConsumedCapacity);
      return { report: fraudReportFromItem(item), replayed: false };
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reason = error.CancellationReasons?.[0];
      if (reason?.Code !== 'ConditionalCheckFailed') throw new ConcurrentModificationError(error);
      // The refused Put returns the slot's item (ALL_OLD): risk never reads core's OBJ# items (no grant),
      // so a refusal without it (DynamoDB always sends it) is answered as a conflict to retry.
      if (!reason.Item) throw new ConcurrentModificationError(error);
      const existing = unmarshall(reason.Item);
      if (existing.entity !== 'fraudReport' || existing.requestFingerprint !== input.requestFingerprint) {
        throw new IdempotencyKeyReusedError();
      }
      return { report: fraudReportFromItem(existing as FraudReportItem), replayed: true };
    }
  }
}
