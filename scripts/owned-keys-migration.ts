/**
 * Moves the items that changed partition when services took ownership of their data (commit "Services own
 * their items"): a merchant's risk profile and fraud-report days, routing configuration and webhook
 * endpoints lived under the gateway's `MER#<merchant>` and now live under `RISK#<merchant>`,
 * `ROUTING#<merchant>` and `WEBHOOKS#<merchant>`, with the same sort keys (shared/store/keys.ts). The
 * product reads only the new keys, so an item left at its old key is invisible: a merchant's profile or
 * endpoints would fall back to the defaults, or to none, until moved.
 *
 * Each old item moves in ONE TransactWriteItems: a Put at the new key on `attribute_not_exists(PK)` (an
 * item there, written since by the new code, is never overwritten) and a Delete of the old one on every
 * attribute still holding the value read (a writer of the previous release that changed it since the scan
 * cancels the move; the next run moves the changed item). Both or neither: no crash leaves a copy beside
 * its original, or a copy older than the original. When the new key already holds an item, the old one is
 * superseded and deleted on the same condition. Idempotent (a second run finds nothing) and resumable
 * (an interrupted run is run again). None of these items announces anything on the stream (the
 * publisher's and the dispatcher's filters match payments, refunds and a few other entities only).
 */
import {
  type AttributeValue,
  type DynamoDBClient,
  GetItemCommand,
  ScanCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import {
  FRAUD_REPORT_DAY_PREFIX,
  RISK_PROFILE_SK,
  ROUTING_CONFIG_SK,
  WEBHOOK_ENDPOINT_PREFIX,
} from '../shared/store/keys.js';

type Item = Record<string, AttributeValue>;

export type MovedKind = 'riskProfile' | 'fraudReportDay' | 'routingConfig' | 'webhookEndpoint';

const OLD_PREFIX = 'MER#';

/** The new partition key of an item at the old layout, or undefined when the item did not move. */
export function newPartitionOf(pk: string, sk: string): { pk: string; kind: MovedKind } | undefined {
  if (!pk.startsWith(OLD_PREFIX)) return undefined;
  const merchantId = pk.slice(OLD_PREFIX.length);
  // `MER#<merchant>#<shard>` is a list index partition (GSI1), never a base-table key of these items.
  if (!merchantId || merchantId.includes('#')) return undefined;
  if (sk === RISK_PROFILE_SK) return { pk: `RISK#${merchantId}`, kind: 'riskProfile' };
  if (sk.startsWith(FRAUD_REPORT_DAY_PREFIX)) return { pk: `RISK#${merchantId}`, kind: 'fraudReportDay' };
  if (sk === ROUTING_CONFIG_SK) return { pk: `ROUTING#${merchantId}`, kind: 'routingConfig' };
  if (sk.startsWith(WEBHOOK_ENDPOINT_PREFIX))
    return { pk: `WEBHOOKS#${merchantId}`, kind: 'webhookEndpoint' };
  return undefined;
}

export interface MigrationCounts {
  /** Items the scan read (after its filter: only candidates of the old layout). */
  found: number;
  /** Moved to the new key (or, in a dry run, would be). */
  moved: number;
  /** The new key already held an item: the old one deleted (or would be), the new one kept. */
  superseded: number;
  /** Changed or removed since the scan read it: left as it is for the next run. */
  changed: number;
  byKind: Record<MovedKind, number>;
}

export interface MigrationOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly dryRun?: boolean;
  /** Items per Scan page (DynamoDB's 1 MB page applies too). */
  readonly pageSize?: number;
  readonly onPage?: (counts: MigrationCounts) => void;
}

/** Scans the table and moves every item of the old layout; returns what it did (or would do). */
export async function migrateOwnedKeys(options: MigrationOptions): Promise<MigrationCounts> {
  const { client, tableName } = options;
  const counts: MigrationCounts = {
    found: 0,
    moved: 0,
    superseded: 0,
    changed: 0,
    byKind: { riskProfile: 0, fraudReportDay: 0, routingConfig: 0, webhookEndpoint: 0 },
  };
  let startKey: Item | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: tableName,
        ConsistentRead: true,
        Limit: options.pageSize,
        ExclusiveStartKey: startKey,
        // A first cut on the server; newPartitionOf decides exactly.
        FilterExpression:
          'begins_with(PK, :mer) AND (SK IN (:risk, :routing) OR begins_with(SK, :fraud) OR begins_with(SK, :whe))',
        ExpressionAttributeValues: {
          ':mer': { S: OLD_PREFIX },
          ':risk': { S: RISK_PROFILE_SK },
          ':routing': { S: ROUTING_CONFIG_SK },
          ':fraud': { S: FRAUD_REPORT_DAY_PREFIX },
          ':whe': { S: WEBHOOK_ENDPOINT_PREFIX },
        },
      }),
    );
    for (const item of page.Items ?? []) {
      const target = newPartitionOf(item.PK?.S ?? '', item.SK?.S ?? '');
      if (!target) continue;
      counts.found += 1;
      const outcome = options.dryRun
        ? await wouldMove(client, tableName, item, target.pk)
        : await move(client, tableName, item, target.pk);
      counts[outcome] += 1;
      if (outcome !== 'changed') counts.byKind[target.kind] += 1;
    }
    options.onPage?.(counts);
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return counts;
}

type Outcome = 'moved' | 'superseded' | 'changed';

async function wouldMove(
  client: DynamoDBClient,
  tableName: string,
  item: Item,
  pk: string,
): Promise<Outcome> {
  const existing = await client.send(
    new GetItemCommand({
      TableName: tableName,
      Key: { PK: { S: pk }, SK: item.SK as AttributeValue },
      ConsistentRead: true,
      ProjectionExpression: 'PK',
    }),
  );
  return existing.Item ? 'superseded' : 'moved';
}

async function move(client: DynamoDBClient, tableName: string, item: Item, pk: string): Promise<Outcome> {
  const unchanged = unchangedCondition(item);
  const oldKey = { PK: item.PK as AttributeValue, SK: item.SK as AttributeValue };
  const deleteOld = { TableName: tableName, Key: oldKey, ...unchanged };
  try {
    await client.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          {
            Put: {
              TableName: tableName,
              Item: { ...item, PK: { S: pk } },
              ConditionExpression: 'attribute_not_exists(PK)',
            },
          },
          { Delete: deleteOld },
        ],
      }),
    );
    return 'moved';
  } catch (error) {
    if (!(error instanceof TransactionCanceledException)) throw error;
    const [put, del] = error.CancellationReasons ?? [];
    if (del?.Code === 'ConditionalCheckFailed') return 'changed';
    if (put?.Code !== 'ConditionalCheckFailed') throw error;
  }
  // The new key holds an item already (the new code wrote it): keep it, retire the old one.
  try {
    await client.send(new TransactWriteItemsCommand({ TransactItems: [{ Delete: deleteOld }] }));
    return 'superseded';
  } catch (error) {
    if (error instanceof TransactionCanceledException) return 'changed';
    throw error;
  }
}

/** A condition that holds while every attribute of `item` still has the value read. */
function unchangedCondition(item: Item) {
  const names: Record<string, string> = {};
  const values: Record<string, AttributeValue> = {};
  const terms = Object.entries(item).map(([name, value], i) => {
    names[`#a${i}`] = name;
    values[`:v${i}`] = value;
    return `#a${i} = :v${i}`;
  });
  return {
    ConditionExpression: terms.join(' AND '),
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}
