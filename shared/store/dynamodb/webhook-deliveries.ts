/**
 * DynamoDB adapter of webhook delivery attempts and success markers, both under one of their endpoint's
 * WEBHOOK_DELIVERY_SHARDS partitions, the event's (see keys.ts): one endpoint receives every event of its
 * merchant, so no partition key may take them all. Attempts are appended (one PutItem each, never
 * updated: a delivered event costs one write) and listed newest first by merging the shards
 * (delivery-merge.ts); a `DLVOK#<event>` marker per endpoint says it answered 2xx, so a retry of the
 * event's message skips it (written only when the try that succeeded there failed elsewhere:
 * shared/webhooks/consumer.ts). Both expire after {@link DELIVERY_RETENTION_SECONDS}.
 */
import { createHash } from 'node:crypto';
import { BatchGetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { WebhookDelivery, WebhookEventType } from '../../schemas/webhooks.js';
import { decodeOpaque, encodeOpaque } from '../cursor.js';
import { InvalidCursorError } from '../errors.js';
import { backOfficeKeys } from '../keys.js';
import type { Page } from '../ports.js';
import { mergeNewestFirst } from './delivery-merge.js';
import { backoffDelay, capacityParam, type Item, reportCapacity, sleep, type TableContext } from './table.js';

/** Partitions of one endpoint's delivery records: at 2 events a payment, 0.03 writes per payment on each. */
export const WEBHOOK_DELIVERY_SHARDS = 64;

/** The delivery shard of an event: every record of one event at one endpoint shares it. */
export function deliveryShardOf(eventId: string): number {
  return createHash('sha256').update(eventId, 'utf8').digest().readUInt8(0) % WEBHOOK_DELIVERY_SHARDS;
}

/** Every partition of an endpoint's attempts: its shards, then the one of records written before them. */
export function deliveryPartitions(endpointId: string): string[] {
  return [
    ...Array.from({ length: WEBHOOK_DELIVERY_SHARDS }, (_, shard) =>
      backOfficeKeys.webhookDeliveries(endpointId, shard),
    ),
    backOfficeKeys.webhookDeliveries(endpointId),
  ];
}

/** 30 days: well beyond the retry schedule, as long as a merchant can look back at attempts. */
export const DELIVERY_RETENTION_SECONDS = 30 * 24 * 60 * 60;
const BATCH_GET_ATTEMPTS = 5;
const DELIVERY_SK = /^DLV#\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z#[A-Za-z0-9_-]{1,64}$/;

interface WebhookDeliveryItem {
  PK: string;
  SK: string;
  entity: 'webhookDelivery';
  id: string;
  endpointId: string;
  eventId: string;
  type: WebhookEventType;
  attempt: number;
  outcome: 'succeeded' | 'failed';
  responseStatus?: number;
  error?: string;
  durationMs: number;
  createdAt: string;
  expiresAt: number;
}

export interface AttemptRecord {
  readonly endpointId: string;
  /** Unique per attempt (e.g. the SQS message id and receive count). */
  readonly attemptId: string;
  readonly eventId: string;
  readonly type: WebhookEventType;
  readonly attempt: number;
  readonly ok: boolean;
  readonly responseStatus: number | null;
  readonly error: string | null;
  readonly durationMs: number;
  readonly at: Date;
}

export interface ListDeliveriesInput {
  readonly endpointId: string;
  readonly limit: number;
  readonly cursor?: string;
}

function deliveryFromItem(item: WebhookDeliveryItem): WebhookDelivery {
  return {
    id: item.id,
    object: 'webhook_delivery',
    endpointId: item.endpointId,
    eventId: item.eventId,
    type: item.type,
    attempt: item.attempt,
    outcome: item.outcome,
    responseStatus: item.responseStatus ?? null,
    error: item.error ?? null,
    durationMs: item.durationMs,
    createdAt: item.createdAt,
  };
}

export class DynamoWebhookDeliveryStore {
  constructor(private readonly table: TableContext) {}

  /**
   * Appends one attempt and, when asked for a successful one, the endpoint's marker for the event. The
   * attempt id is part of the key, so recording the same attempt twice (a redelivered invocation)
   * overwrites, never duplicates.
   */
  async record(attempt: AttemptRecord, options: { readonly marker?: boolean } = {}): Promise<void> {
    const at = attempt.at.toISOString();
    const expiresAt = Math.floor(attempt.at.getTime() / 1000) + DELIVERY_RETENTION_SECONDS;
    const item: WebhookDeliveryItem = {
      ...backOfficeKeys.webhookDelivery(
        attempt.endpointId,
        deliveryShardOf(attempt.eventId),
        at,
        attempt.attemptId,
      ),
      entity: 'webhookDelivery',
      id: `dlv_${attempt.attemptId}`,
      endpointId: attempt.endpointId,
      eventId: attempt.eventId,
      type: attempt.type,
      attempt: attempt.attempt,
      outcome: attempt.ok ? 'succeeded' : 'failed',
      ...(attempt.responseStatus !== null ? { responseStatus: attempt.responseStatus } : {}),
      ...(attempt.error !== null ? { error: attempt.error } : {}),
      durationMs: attempt.durationMs,
      createdAt: at,
      expiresAt,
    };
    await this.put(item, 'recordWebhookAttempt');
    if (attempt.ok && options.marker) {
      await this.put(
        {
          ...backOfficeKeys.webhookDelivered(
            attempt.endpointId,
            deliveryShardOf(attempt.eventId),
            attempt.eventId,
          ),
          entity: 'webhookDelivered',
          createdAt: at,
          expiresAt,
        },
        'markWebhookDelivered',
      );
    }
  }

  /** Which of `endpointIds` already answered 2xx for `eventId` (one BatchGetItem, ≤ 100 keys a call). */
  async delivered(eventId: string, endpointIds: readonly string[]): Promise<Set<string>> {
    const done = new Set<string>();
    // The shard is the event's, the same for every endpoint: a PK names its endpoint.
    const shard = deliveryShardOf(eventId);
    const endpointOf = new Map(
      endpointIds.map((id) => [backOfficeKeys.webhookDelivered(id, shard, eventId).PK, id]),
    );
    for (let i = 0; i < endpointIds.length; i += 100) {
      let pending: Item[] = endpointIds
        .slice(i, i + 100)
        .map((id) => marshall(backOfficeKeys.webhookDelivered(id, shard, eventId)));
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt >= BATCH_GET_ATTEMPTS) throw new Error('BatchGetItem left keys unprocessed');
        if (attempt > 0) await sleep(backoffDelay(attempt));
        const out = await this.table.client.send(
          new BatchGetItemCommand({
            RequestItems: {
              [this.table.tableName]: { Keys: pending, ConsistentRead: true, ProjectionExpression: 'PK' },
            },
            ...capacityParam(this.table),
          }),
        );
        reportCapacity(this.table, 'webhookDelivered', out.ConsumedCapacity);
        for (const raw of out.Responses?.[this.table.tableName] ?? []) {
          const endpointId = endpointOf.get(String(unmarshall(raw).PK));
          if (endpointId) done.add(endpointId);
        }
        pending = out.UnprocessedKeys?.[this.table.tableName]?.Keys ?? [];
      }
    }
    return done;
  }

  /**
   * An endpoint's attempts, newest first, across its shards. The caller checks the endpoint is the
   * merchant's; the cursor names the endpoint, so it cannot be replayed against another one.
   * @throws InvalidCursorError
   */
  async list(input: ListDeliveriesInput): Promise<Page<WebhookDelivery>> {
    const before = input.cursor ? decodeDeliveryCursor(input.cursor, input.endpointId) : undefined;
    const page = await mergeNewestFirst<WebhookDeliveryItem>(this.table, {
      partitions: deliveryPartitions(input.endpointId),
      limit: input.limit,
      ...(before ? { before } : {}),
      operation: 'listWebhookDeliveries',
    });
    const last = page.items.at(-1);
    const nextCursor = page.more && last ? encodeDeliveryCursor(input.endpointId, last.SK) : null;
    return { data: page.items.map(deliveryFromItem), nextCursor };
  }

  private async put(item: object, operation: string): Promise<void> {
    const out = await this.table.client.send(
      new PutItemCommand({
        TableName: this.table.tableName,
        Item: marshall(item as Record<string, unknown>),
        ...capacityParam(this.table),
      }),
    );
    reportCapacity(this.table, operation, out.ConsumedCapacity);
  }
}

function encodeDeliveryCursor(endpointId: string, sk: string): string {
  return encodeOpaque([endpointId, sk]);
}

/** The SK of the last attempt a page showed: the next page holds the attempts sorting before it. */
function decodeDeliveryCursor(cursor: string, endpointId: string): string {
  const [owner, sk] = decodeOpaque(cursor, 2);
  if (typeof sk !== 'string' || !DELIVERY_SK.test(sk))
    throw new InvalidCursorError('not a cursor this API issued');
  if (owner !== endpointId) throw new InvalidCursorError('issued for another endpoint');
  return sk;
}
