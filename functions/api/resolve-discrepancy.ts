/**
 * POST /v1/ops/reconciliation/discrepancies/{id}/resolve `{ note }` (ops key): closes an open finding with
 * ops' note and releases the payment it held out of settlement. Resolving a resolved one again only
 * replaces its note (idempotent, no Idempotency-Key needed); a repaired one is closed already → 409.
 * The release goes to risk's hold registry through its `set-holds` function (answered once written).
 */
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { loadEnv, setHoldsEnvSchema, tableEnvSchema } from '../../shared/config/env.js';
import { apiHandler } from '../../shared/http/api-handler.js';
import { HttpProblemError } from '../../shared/http/errors.js';
import { prefixedId } from '../../shared/http/path-parameters.js';
import { json } from '../../shared/http/responses.js';
import { subjectOf } from '../../shared/reconciliation/run.js';
import { resolveDiscrepancyBody } from '../../shared/schemas/reconciliation.js';
import { holdRegistryOf } from '../../shared/services/risk-functions.js';
import {
  DynamoReconciliationStore,
  discrepancyFromItem,
} from '../../shared/store/dynamodb/reconciliation.js';

const env = loadEnv(tableEnvSchema);
const store = new DynamoReconciliationStore(
  { client: dynamoDbClient(), tableName: env.TABLE_NAME },
  holdRegistryOf(loadEnv(setHoldsEnvSchema).SET_HOLDS_FUNCTION_ARN),
);

export const handler = apiHandler(
  { role: 'ops', path: { id: prefixedId('dsc') }, body: resolveDiscrepancyBody },
  async ({ event, body }) => {
    const found = await store.getDiscrepancy(event.pathParameters?.id ?? '');
    const resolved = await store.setStatus(found.id, 'resolved', ['open', 'resolved'], body.note, new Date());
    if (!resolved) {
      throw new HttpProblemError('discrepancy-repaired', `Discrepancy ${found.id} was repaired by its run.`);
    }
    const { paymentSlot, merchantId } = await subjectOf(store, found);
    if (paymentSlot && merchantId)
      await store.setPaymentHold({ slot: paymentSlot, merchantId }, found.id, false);
    return json(200, discrepancyFromItem(resolved));
  },
);
