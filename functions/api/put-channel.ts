/**
 * PUT /v1/ops/channels/{channel} (ops): replaces the channel's settings `{ fees, breaker }` (strict: an
 * unknown field, a fee in a currency the channel does not take, or a threshold out of range → 400 naming
 * the field; an absent part takes its default, so `{}` clears the fees and resets the breaker's
 * thresholds). Idempotent by nature: no Idempotency-Key. Answers the channel as GET does. Routing and the
 * breakers apply it within 2 s (the containers' channel records are at most 1 s old).
 */
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { loadEnv, tableEnvSchema } from '../../shared/config/env.js';
import type { RoutingChannel } from '../../shared/domain/routing/catalogue.js';
import { apiHandler } from '../../shared/http/api-handler.js';
import { CHANNEL_PATH } from '../../shared/http/channel-path.js';
import { ValidationError } from '../../shared/http/errors.js';
import { json } from '../../shared/http/responses.js';
import { channelSettingsSchema, unsupportedFeeCurrencies } from '../../shared/schemas/routing.js';
import { channelViews } from '../../shared/store/dynamodb/channel-facts.js';
import { DynamoChannelSettingsStore } from '../../shared/store/dynamodb/channel-settings.js';

const env = loadEnv(tableEnvSchema);
const table = { client: dynamoDbClient(), tableName: env.TABLE_NAME };
const settings = new DynamoChannelSettingsStore(table);

export const handler = apiHandler(
  { role: 'ops', path: { channel: CHANNEL_PATH }, body: channelSettingsSchema },
  async ({ params, body }) => {
    const channel = params.channel as RoutingChannel;
    const unsupported = unsupportedFeeCurrencies(channel, body);
    if (unsupported.length > 0) throw new ValidationError('The body is not valid.', unsupported);
    await settings.put(channel, body);
    const [view] = await channelViews(table, [channel], Date.now());
    return json(200, view);
  },
);
