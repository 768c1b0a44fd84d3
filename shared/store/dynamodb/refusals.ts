/**
 * Stored business refusals (404, 409, 422 …) of creating POSTs. The contract replays every answer but a
 * 400 for the same Idempotency-Key, so a refusal is written at the key's slot — with a 24 h TTL, since a
 * refusal holds no money — and only if the slot is still free.
 */
import { ConditionalCheckFailedException, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { Problem } from '../../schemas/problem-catalogue.js';
import type { RefusalItem } from '../items.js';
import { keys } from '../keys.js';
import { capacityParam, reportCapacity, type TableContext } from './table.js';

/** How long a refusal is replayed: the contract keeps keys at least 24 hours. */
export const REFUSAL_TTL_SECONDS = 24 * 60 * 60;

export interface RefusalRequest {
  readonly merchantId: string;
  readonly requestFingerprint: string;
  readonly now: Date;
}

/**
 * Writes `problem` at `slot` unless the slot is taken.
 * @returns `stored` when written; otherwise the slot's current item (absent only if it vanished since).
 */
export async function putRefusal(
  table: TableContext,
  slot: string,
  request: RefusalRequest,
  problem: Problem,
): Promise<{ stored: true } | { stored: false; existing: Record<string, unknown> | undefined }> {
  const item: RefusalItem = {
    ...keys.object(slot),
    entity: 'refusal',
    merchantId: request.merchantId,
    status: problem.status,
    body: JSON.stringify(problem),
    requestFingerprint: request.requestFingerprint,
    createdAt: request.now.toISOString(),
    expiresAt: Math.floor(request.now.getTime() / 1000) + REFUSAL_TTL_SECONDS,
  };
  try {
    const out = await table.client.send(
      new PutItemCommand({
        TableName: table.tableName,
        Item: marshall(item),
        ConditionExpression: 'attribute_not_exists(PK)',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        ...capacityParam(table),
      }),
    );
    reportCapacity(table, 'storeRefusal', out.ConsumedCapacity);
    return { stored: true };
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    return { stored: false, existing: error.Item ? unmarshall(error.Item) : undefined };
  }
}
