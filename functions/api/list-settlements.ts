/** GET /v1/settlements?limit=&cursor= (merchant key): the merchant's settlements, newest period first. */
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { loadEnv, tableEnvSchema } from '../../shared/config/env.js';
import { apiHandler } from '../../shared/http/api-handler.js';
import { json } from '../../shared/http/responses.js';
import { listSettlementsQuery } from '../../shared/schemas/settlement.js';
import { settlementFromItem } from '../../shared/settlement/settle.js';
import { decodeOpaque, encodeOpaque } from '../../shared/store/cursor.js';
import { DynamoSettlementStore } from '../../shared/store/dynamodb/settlements.js';
import { InvalidCursorError } from '../../shared/store/errors.js';
import { backOfficeKeys } from '../../shared/store/keys.js';

const env = loadEnv(tableEnvSchema);
const store = new DynamoSettlementStore({ client: dynamoDbClient(), tableName: env.TABLE_NAME });

export const handler = apiHandler(
  { role: 'merchant', query: listSettlementsQuery },
  async ({ auth, query }) => {
    let startKey: { PK: { S: string }; SK: { S: string } } | undefined;
    if (query.cursor) {
      const [owner, sk] = decodeOpaque(query.cursor, 2);
      if (owner !== auth.merchantId || typeof sk !== 'string' || !sk.startsWith('STL#')) {
        throw new InvalidCursorError('not a cursor of this list');
      }
      startKey = { PK: { S: backOfficeKeys.settlementsOf(auth.merchantId) }, SK: { S: sk } };
    }
    const page = await store.list(auth.merchantId, query.limit, startKey);
    const last = page.items.at(-1);
    return json(200, {
      data: page.items.map(settlementFromItem),
      nextCursor: page.lastKey && last ? encodeOpaque([auth.merchantId, last.SK]) : null,
    });
  },
);
