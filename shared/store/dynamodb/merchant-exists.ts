/**
 * Whether a merchant record exists: what every ops route that stores a per-merchant setting (routing, risk
 * profile, flow limits, request signing) checks first, so a setting of an unknown merchant answers 404.
 * One GetItem projecting the key alone.
 */
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { keys } from '../keys.js';
import { capacityParam, reportCapacity, type TableContext } from './table.js';

export async function merchantExists(table: TableContext, merchantId: string): Promise<boolean> {
  const out = await table.client.send(
    new GetItemCommand({
      TableName: table.tableName,
      Key: marshall(keys.merchant(merchantId)),
      ProjectionExpression: 'PK',
      ...capacityParam(table),
    }),
  );
  reportCapacity(table, 'merchant.get', out.ConsumedCapacity);
  return out.Item !== undefined;
}
