/**
 * DynamoDB adapter of the billing price list (keys.ts: `BILLING` / `PRICES`), stored whole under `prices`
 * as validated on PUT. Written only by ops; read by ops and by each statement.
 */
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { BillingPrices } from '../../domain/billing/statement.js';
import { CorruptItemError } from '../errors.js';
import { backOfficeKeys } from '../keys.js';
import { capacityParam, reportCapacity, type TableContext } from './table.js';

/** What an unset price list is: nothing is charged. */
export const NO_PRICES: BillingPrices = { currency: 'USD', perRequest: {}, perPayment: 0 };

function isPrice(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

export class DynamoBillingPricesStore {
  constructor(private readonly table: TableContext) {}

  /** The stored price list, or NO_PRICES. @throws CorruptItemError when the stored one is malformed. */
  async get(): Promise<BillingPrices> {
    const out = await this.table.client.send(
      new GetItemCommand({
        TableName: this.table.tableName,
        Key: marshall(backOfficeKeys.billingPrices()),
        ConsistentRead: true,
        ...capacityParam(this.table),
      }),
    );
    reportCapacity(this.table, 'billingPrices.get', out.ConsumedCapacity);
    if (!out.Item) return NO_PRICES;
    const prices = unmarshall(out.Item).prices as Partial<BillingPrices> | undefined;
    // Checked by hand, not with the zod schema, so the statement bundle stays without it.
    if (
      typeof prices?.currency !== 'string' ||
      !isPrice(prices.perPayment) ||
      typeof prices.perRequest !== 'object' ||
      prices.perRequest === null ||
      !Object.values(prices.perRequest).every(isPrice)
    ) {
      throw new CorruptItemError('billing prices: stored price list is malformed');
    }
    return { currency: prices.currency, perRequest: prices.perRequest, perPayment: prices.perPayment };
  }

  /** Replaces the price list (validated by the route). @returns what is stored. */
  async put(prices: BillingPrices, now = new Date()): Promise<BillingPrices> {
    const out = await this.table.client.send(
      new PutItemCommand({
        TableName: this.table.tableName,
        Item: marshall({
          ...backOfficeKeys.billingPrices(),
          entity: 'billingPrices',
          prices,
          updatedAt: now.toISOString(),
        }),
        ...capacityParam(this.table),
      }),
    );
    reportCapacity(this.table, 'billingPrices.put', out.ConsumedCapacity);
    return prices;
  }
}
