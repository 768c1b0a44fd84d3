/**
 * DynamoDB adapter of merchants' routing configurations (keys.ts: `ROUTING#<merchant>` / `ROUTING`), stored
 * whole under `config`, validated on write and on read: what is stored is always a complete, valid PUT
 * body, so a GET answers it as it is.
 *
 * - `readRoutingConfig` (routing-config-reads.ts): the stored configuration or `null` (create-payment,
 *   shape-checked by hand);
 * - `DynamoRoutingConfigStore.getStored` / `put`: the ops routes, for merchants that exist.
 */
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { safeParse } from 'zod/mini';
import { type RoutingConfigBody, routingConfigSchema } from '../../schemas/routing.js';
import { CorruptItemError } from '../errors.js';
import { keys } from '../keys.js';
import { merchantExists } from './merchant-exists.js';
import { MerchantNotFoundError } from './risk-profiles.js';
import { readStoredRoutingDocument } from './routing-config-reads.js';
import { capacityParam, reportCapacity, type TableContext } from './table.js';

export { readRoutingConfig } from './routing-config-reads.js';

/** What a merchant without a stored configuration routes by: priority over ["sandbox"], as a PUT body. */
export const DEFAULT_ROUTING_CONFIG_BODY: RoutingConfigBody = routingConfigSchema.parse({});

interface RoutingConfigItem {
  PK: string;
  SK: string;
  entity: 'routingConfig';
  merchantId: string;
  config: RoutingConfigBody;
  updatedAt: string;
}

export class DynamoRoutingConfigStore {
  constructor(private readonly table: TableContext) {}

  /** The stored configuration of an existing merchant, or the default one. @throws MerchantNotFoundError */
  async getStored(merchantId: string): Promise<RoutingConfigBody> {
    const [exists, stored] = await Promise.all([
      merchantExists(this.table, merchantId),
      readStoredRoutingDocument(this.table, merchantId),
    ]);
    if (!exists) throw new MerchantNotFoundError(merchantId);
    if (!stored) return DEFAULT_ROUTING_CONFIG_BODY;
    // Validated on read as well: a field added to the schema since it was stored takes its default.
    const result = safeParse(routingConfigSchema, stored.config);
    if (!result.success) {
      throw new CorruptItemError(`routing configuration of ${stored.pk}: ${result.error.message}`);
    }
    return result.data;
  }

  /**
   * Replaces the configuration of an existing merchant (validated again here, whoever the caller).
   * Idempotent by nature, so no Idempotency-Key. @returns what is stored. @throws MerchantNotFoundError
   */
  async put(
    merchantId: string,
    config: RoutingConfigBody,
    now: Date = new Date(),
  ): Promise<RoutingConfigBody> {
    const result = safeParse(routingConfigSchema, config);
    if (!result.success)
      throw new TypeError(`invalid routing configuration: ${result.error.issues[0]?.message}`);
    if (!(await merchantExists(this.table, merchantId))) throw new MerchantNotFoundError(merchantId);
    const item: RoutingConfigItem = {
      ...keys.routingConfig(merchantId),
      entity: 'routingConfig',
      merchantId,
      config: result.data,
      updatedAt: now.toISOString(),
    };
    const out = await this.table.client.send(
      new PutItemCommand({
        TableName: this.table.tableName,
        Item: marshall(item, { removeUndefinedValues: true }),
        ...capacityParam(this.table),
      }),
    );
    reportCapacity(this.table, 'routingConfig.put', out.ConsumedCapacity);
    return result.data;
  }
}
