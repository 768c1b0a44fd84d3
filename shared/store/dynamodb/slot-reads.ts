/**
 * The one read of whatever item occupies an object slot (keys.ts `OBJ#<slot>`: a payment, a refund
 * request, a stored refusal…), strongly consistent: payments, risk and the ops payment read all start here.
 */
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { keys } from '../keys.js';
import { capacityParam, reportCapacity, type TableContext } from './table.js';

/** The slot's item, or `undefined`; `operation` names the read in capacity reports. */
export async function readSlot(
  table: TableContext,
  slot: string,
  operation: string,
): Promise<Record<string, unknown> | undefined> {
  const out = await table.client.send(
    new GetItemCommand({
      TableName: table.tableName,
      Key: marshall(keys.object(slot)),
      ConsistentRead: true,
      ...capacityParam(table),
    }),
  );
  reportCapacity(table, operation, out.ConsumedCapacity);
  return out.Item ? unmarshall(out.Item) : undefined;
}
