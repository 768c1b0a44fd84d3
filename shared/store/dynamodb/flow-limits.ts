/**
 * The ops side of per-merchant flow control: GET/PUT /v1/ops/merchants/{id}/limits read and replace the
 * item `MER#<merchant>` / `LIMITS` of a merchant that exists. Absent: the contract's defaults. Containers
 * apply a change within their limits cache (flow-buckets.ts, LIMITS_CACHE_MS) plus one lease.
 */
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { DEFAULT_FLOW_LIMITS, type FlowLimits } from '../../domain/flow/token-bucket.js';
import { keys } from '../keys.js';
import { readFlowLimits } from './flow-buckets.js';
import { merchantExists } from './merchant-exists.js';
import { MerchantNotFoundError } from './risk-profiles.js';
import { capacityParam, reportCapacity, type TableContext } from './table.js';

export class DynamoFlowLimitsStore {
  constructor(private readonly table: TableContext) {}

  /** The limits of an existing merchant, stored or default. @throws MerchantNotFoundError */
  async get(merchantId: string): Promise<FlowLimits> {
    const [exists, stored] = await Promise.all([
      merchantExists(this.table, merchantId),
      readFlowLimits(this.table, merchantId),
    ]);
    if (!exists) throw new MerchantNotFoundError(merchantId);
    return stored ?? DEFAULT_FLOW_LIMITS;
  }

  /** Replaces the limits of an existing merchant (validated by the route). @throws MerchantNotFoundError */
  async put(merchantId: string, limits: FlowLimits, now: Date = new Date()): Promise<FlowLimits> {
    if (!(await merchantExists(this.table, merchantId))) throw new MerchantNotFoundError(merchantId);
    const stored = { requestsPerSecond: limits.requestsPerSecond, burst: limits.burst };
    const out = await this.table.client.send(
      new PutItemCommand({
        TableName: this.table.tableName,
        Item: marshall({
          ...keys.flowLimits(merchantId),
          entity: 'flowLimits',
          merchantId,
          ...stored,
          updatedAt: now.toISOString(),
        }),
        ...capacityParam(this.table),
      }),
    );
    reportCapacity(this.table, 'flowLimits.put', out.ConsumedCapacity);
    return stored;
  }
}
