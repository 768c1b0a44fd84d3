/**
 * POST /v1/webhook-endpoints: registers a merchant endpoint and answers its signing secret, once (a
 * retry with the same Idempotency-Key replays the same answer). One TransactWriteItems.
 */
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { loadEnv, tableEnvSchema } from '../../shared/config/env.js';
import { apiHandler } from '../../shared/http/api-handler.js';
import { ValidationError } from '../../shared/http/errors.js';
import { storedAnswer } from '../../shared/http/responses.js';
import { createWebhookEndpointBody, WEBHOOK_EVENT_TYPES } from '../../shared/schemas/webhooks.js';
import { DynamoWebhookEndpointStore } from '../../shared/store/dynamodb/webhook-endpoints.js';
import { requestFingerprint } from '../../shared/store/idempotency.js';
import { generateEndpointSecret } from '../../shared/webhooks/signature.js';
import { endpointRefusal, urlPolicyFromEnv } from '../../shared/webhooks/url-policy.js';

const env = loadEnv(tableEnvSchema);
const urlPolicy = urlPolicyFromEnv();
const endpoints = new DynamoWebhookEndpointStore({ client: dynamoDbClient(), tableName: env.TABLE_NAME });

export const handler = apiHandler(
  { role: 'merchant', idempotencyKey: true, body: createWebhookEndpointBody },
  async ({ auth, idempotencyKey, body, method, path }) => {
    const refusal = await endpointRefusal(body.url, urlPolicy);
    if (refusal)
      throw new ValidationError('The request body is not valid.', [{ path: 'url', message: refusal }]);
    const answer = await endpoints.create({
      merchantId: auth.merchantId,
      idempotencyKey,
      requestFingerprint: requestFingerprint(method, path, body),
      url: body.url,
      // Every type unless the merchant chose some (contract: `events?`).
      events: body.events ?? WEBHOOK_EVENT_TYPES,
      secret: generateEndpointSecret(),
      now: new Date(),
    });
    return storedAnswer(answer);
  },
);
