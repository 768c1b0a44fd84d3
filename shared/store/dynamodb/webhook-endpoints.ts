/**
 * DynamoDB adapter of merchant webhook endpoints. A registration is ONE TransactWriteItems: the request
 * at its Idempotency-Key slot (the first answer, secret included, so a retry replays it) and the
 * endpoint under its merchant, both `attribute_not_exists`. The endpoint id is `we_<slot>`, so the same
 * key can never create two endpoints. See keys.ts for the access patterns.
 */
import {
  QueryCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { WebhookEndpoint, WebhookEventType } from '../../schemas/webhooks.js';
import { ConcurrentModificationError, IdempotencyKeyReusedError, ObjectNotFoundError } from '../errors.js';
import { idempotencySlot } from '../idempotency.js';
import type { StoredAnswer } from '../items.js';
import { backOfficeKeys, keys, WEBHOOK_ENDPOINT_PREFIX } from '../keys.js';
import {
  capacityParam,
  claimItem,
  getItemConsistent,
  type Item,
  reportCapacity,
  type TableContext,
} from './table.js';

export const WEBHOOK_ENDPOINT_ID_PREFIX = 'we_';
const ENDPOINT_ID = /^we_[a-z2-7]{26}$/;

export interface WebhookEndpointItem {
  PK: string;
  SK: string;
  entity: 'webhookEndpoint';
  id: string;
  merchantId: string;
  url: string;
  events: WebhookEventType[];
  status: 'enabled' | 'disabled';
  /** Signs every delivery; returned to the merchant once, at creation. */
  secret: string;
  createdAt: string;
}

/** The idempotency record of an endpoint registration. */
interface WebhookEndpointRequestItem {
  PK: string;
  SK: string;
  entity: 'webhookEndpointRequest';
  endpointId: string;
  merchantId: string;
  requestFingerprint: string;
  /** JSON of the 201 body as first answered (with the secret). */
  response: string;
  createdAt: string;
}

export interface CreateWebhookEndpointInput {
  readonly merchantId: string;
  readonly idempotencyKey: string;
  readonly requestFingerprint: string;
  readonly url: string;
  readonly events: readonly WebhookEventType[];
  readonly secret: string;
  readonly now: Date;
}

/** The endpoint as the API shows it, without its secret. */
export function endpointFromItem(item: WebhookEndpointItem): WebhookEndpoint {
  return {
    id: item.id,
    object: 'webhook_endpoint',
    url: item.url,
    events: item.events,
    status: item.status,
    createdAt: item.createdAt,
  };
}

export class DynamoWebhookEndpointStore {
  constructor(private readonly table: TableContext) {}

  /** Registers an endpoint (201), or replays the key's first answer. @throws IdempotencyKeyReusedError */
  async create(input: CreateWebhookEndpointInput): Promise<StoredAnswer<WebhookEndpoint>> {
    const slot = idempotencySlot(input.merchantId, input.idempotencyKey);
    const id = `${WEBHOOK_ENDPOINT_ID_PREFIX}${slot}`;
    const now = input.now.toISOString();
    const endpoint: WebhookEndpointItem = {
      ...backOfficeKeys.webhookEndpoint(input.merchantId, id),
      entity: 'webhookEndpoint',
      id,
      merchantId: input.merchantId,
      url: input.url,
      events: [...input.events],
      status: 'enabled',
      secret: input.secret,
      createdAt: now,
    };
    const body: WebhookEndpoint = { ...endpointFromItem(endpoint), secret: input.secret };
    const request: WebhookEndpointRequestItem = {
      ...keys.object(slot),
      entity: 'webhookEndpointRequest',
      endpointId: id,
      merchantId: input.merchantId,
      requestFingerprint: input.requestFingerprint,
      response: JSON.stringify(body),
      createdAt: now,
    };
    try {
      const out = await this.table.client.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            claimItem(this.table, request),
            {
              Put: {
                TableName: this.table.tableName,
                Item: marshall(endpoint),
                ConditionExpression: 'attribute_not_exists(PK)',
              },
            },
          ],
          ...capacityParam(this.table),
        }),
      );
      reportCapacity(this.table, 'createWebhookEndpoint', out.ConsumedCapacity);
      return { status: 201, body, replayed: false };
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const [slotReason] = error.CancellationReasons ?? [];
      if (slotReason?.Code !== 'ConditionalCheckFailed') throw new ConcurrentModificationError(error);
      const existing = slotReason.Item ? unmarshall(slotReason.Item) : await this.getItem(keys.object(slot));
      if (!existing) throw new ConcurrentModificationError(error);
      // Any other request at this slot (a payment, a refund, another body) has another fingerprint.
      if (
        existing.requestFingerprint !== input.requestFingerprint ||
        existing.entity !== 'webhookEndpointRequest'
      ) {
        throw new IdempotencyKeyReusedError();
      }
      return { status: 201, body: JSON.parse(String(existing.response)), replayed: true };
    }
  }

  /** @throws ObjectNotFoundError when absent, malformed or another merchant's. */
  async get(merchantId: string, endpointId: string): Promise<WebhookEndpointItem> {
    if (!ENDPOINT_ID.test(endpointId)) throw new ObjectNotFoundError(endpointId);
    const item = await this.getItem(backOfficeKeys.webhookEndpoint(merchantId, endpointId));
    if (item?.entity !== 'webhookEndpoint') throw new ObjectNotFoundError(endpointId);
    return item as unknown as WebhookEndpointItem;
  }

  /** Every endpoint of a merchant, secrets included (for the delivery consumer). */
  async listForMerchant(merchantId: string): Promise<WebhookEndpointItem[]> {
    const endpoints: WebhookEndpointItem[] = [];
    let startKey: Item | undefined;
    do {
      const out = await this.table.client.send(
        new QueryCommand({
          TableName: this.table.tableName,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :whe)',
          ExpressionAttributeValues: {
            ':pk': { S: backOfficeKeys.webhookEndpoints(merchantId) },
            ':whe': { S: WEBHOOK_ENDPOINT_PREFIX },
          },
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          ...capacityParam(this.table),
        }),
      );
      reportCapacity(this.table, 'listWebhookEndpoints', out.ConsumedCapacity);
      for (const raw of out.Items ?? []) endpoints.push(unmarshall(raw) as WebhookEndpointItem);
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    return endpoints;
  }

  private getItem(key: { PK: string; SK: string }): Promise<Record<string, unknown> | undefined> {
    return getItemConsistent(this.table, key, 'getItem');
  }
}
