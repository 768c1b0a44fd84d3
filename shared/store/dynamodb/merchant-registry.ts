/**
 * The gateway's side of the merchant registry (shared/internal/merchant-registry.ts): one Query a page,
 * keys only. `approved` reads the settlement registry (`MERCHANTS` / `<merchant>`, by id); a status reads
 * the ops list of that status (`MERLIST#<status>` / `<createdAt>#<merchant>`, newest first). The cursor is
 * the status and the last sort key read, so a page resumes exactly after the previous one.
 */
import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import {
  MERCHANT_REGISTRY_MAX_PAGE,
  type MerchantRegistryAnswer,
  type MerchantRegistryRequest,
} from '../../internal/merchant-registry.js';
import { decodeOpaque, encodeOpaque } from '../cursor.js';
import { InvalidCursorError } from '../errors.js';
import { backOfficeKeys } from '../keys.js';
import { capacityParam, reportCapacity, type TableContext } from './table.js';

const REGISTRY_PK = 'MERCHANTS';

/** A page of merchant ids of `request.status`. @throws InvalidCursorError */
export async function merchantRegistryPage(
  table: TableContext,
  request: MerchantRegistryRequest,
): Promise<MerchantRegistryAnswer> {
  const registry = request.status === 'approved';
  const pk = registry ? REGISTRY_PK : backOfficeKeys.merchantList(request.status);
  const after = request.cursor === undefined ? undefined : positionOf(request.cursor, request.status);
  const out = await table.client.send(
    new QueryCommand({
      TableName: table.tableName,
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: marshall({ ':pk': pk }),
      ProjectionExpression: 'SK',
      // The registry by id; a status as the ops list shows it, newest first.
      ScanIndexForward: registry,
      Limit: request.limit ?? MERCHANT_REGISTRY_MAX_PAGE,
      ...(after === undefined ? {} : { ExclusiveStartKey: marshall({ PK: pk, SK: after }) }),
      ...capacityParam(table),
    }),
  );
  reportCapacity(table, 'merchantRegistry.page', out.ConsumedCapacity);
  const sortKeys = (out.Items ?? []).map((raw) => String(unmarshall(raw).SK));
  const last = out.LastEvaluatedKey ? String(unmarshall(out.LastEvaluatedKey).SK) : undefined;
  return {
    // A list entry's sort key is `<createdAt>#<merchant>`; an ISO time holds no `#`.
    merchantIds: sortKeys.map((sk) => (registry ? sk : sk.slice(sk.indexOf('#') + 1))),
    nextCursor: last === undefined ? null : encodeOpaque([request.status, last]),
  };
}

function positionOf(cursor: string, status: string): string {
  const [issuedFor, sortKey] = decodeOpaque(cursor, 2);
  if (issuedFor !== status) throw new InvalidCursorError('issued for another status');
  if (typeof sortKey !== 'string' || sortKey.length === 0 || sortKey.length > 200)
    throw new InvalidCursorError('not a cursor this function issued');
  return sortKey;
}
