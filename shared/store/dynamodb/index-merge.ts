/**
 * Scatter-gather over the partitions of a sharded, time-ordered index: every partition sorts by the same
 * unique key (`<createdAt>#<id>`), so the newest-first order of all of them is a k-way merge of each one
 * read newest first. A key is handed out only once every partition that may still hold a greater one has
 * shown its next key, which makes the merge exact: no key twice, none skipped, ties on `createdAt`
 * broken by the id inside the key.
 *
 * One position (a sort key) is every partition's position at once: what a partition has left is what
 * sorts strictly below the last key handed out. A list cursor carries that one key (cursor.ts).
 */
import { type AttributeValue, QueryCommand } from '@aws-sdk/client-dynamodb';
import { capacityParam, reportCapacity, type TableContext } from './table.js';

/** One sharded index: its name, key attributes, and the partition keys a read merges. */
export interface ShardedIndex {
  readonly indexName: string;
  readonly partitionAttribute: string;
  readonly sortAttribute: string;
  readonly partitions: readonly string[];
}

/**
 * Keys one Query of a partition reads at most. A KEYS_ONLY entry is ~150 bytes, so 25 of them stay in one
 * 4 KB read unit: reading fewer would cost the same half unit (eventually consistent) and risk a second
 * round trip for the partition that holds more of the page than its share.
 */
export const PARTITION_QUERY_LIMIT = 25;

interface Partition {
  readonly key: string;
  /** Keys read and not yet handed out, newest first. */
  readonly buffer: string[];
  /** The next Query of this partition reads below this key (the last one read, or the cursor's). */
  below: string | undefined;
  exhausted: boolean;
}

export class MergedIndex {
  private readonly partitions: Partition[];
  private readonly queryLimit: number;

  /**
   * @param below exclusive upper bound (a cursor's position); undefined from the newest.
   * @param wanted how many keys the caller expects to take (bounds the first Query of each partition).
   * @param queryLimit keys a Query reads at most (tests lower it to make partitions run dry mid-page).
   */
  constructor(
    private readonly table: TableContext,
    private readonly index: ShardedIndex,
    below: string | undefined,
    wanted: number,
    private readonly operation: string,
    queryLimit = PARTITION_QUERY_LIMIT,
  ) {
    this.queryLimit = Math.max(1, Math.min(queryLimit, wanted));
    this.partitions = index.partitions.map((key) => ({ key, buffer: [], below, exhausted: false }));
  }

  /** The greatest key not handed out yet, or undefined when every partition is read to its end. */
  async next(): Promise<string | undefined> {
    const head = await this.head();
    return head?.buffer.shift();
  }

  /** Whether a key remains below the last one handed out. */
  async hasNext(): Promise<boolean> {
    return (await this.head()) !== undefined;
  }

  private async head(): Promise<Partition | undefined> {
    const empty = this.partitions.filter((p) => p.buffer.length === 0 && !p.exhausted);
    // Every partition that may hold a greater key must show its next one before any key is handed out.
    await Promise.all(empty.map((p) => this.read(p)));
    let best: Partition | undefined;
    for (const p of this.partitions) {
      const key = p.buffer[0];
      if (key !== undefined && (best === undefined || key > (best.buffer[0] as string))) best = p;
    }
    return best;
  }

  private async read(partition: Partition): Promise<void> {
    const { indexName, partitionAttribute, sortAttribute } = this.index;
    const values: Record<string, AttributeValue> = { ':pk': { S: partition.key } };
    if (partition.below !== undefined) values[':below'] = { S: partition.below };
    const out = await this.table.client.send(
      new QueryCommand({
        TableName: this.table.tableName,
        IndexName: indexName,
        KeyConditionExpression: partition.below === undefined ? '#pk = :pk' : '#pk = :pk AND #sk < :below',
        ExpressionAttributeNames: { '#pk': partitionAttribute, '#sk': sortAttribute },
        ExpressionAttributeValues: values,
        ProjectionExpression: '#pk, #sk',
        ScanIndexForward: false,
        Limit: this.queryLimit,
        ...capacityParam(this.table),
      }),
    );
    reportCapacity(this.table, this.operation, out.ConsumedCapacity);
    const keys = (out.Items ?? []).flatMap((item) => {
      const key = item[sortAttribute]?.S;
      return key === undefined ? [] : [key];
    });
    partition.buffer.push(...keys);
    if (keys.length > 0) partition.below = keys[keys.length - 1];
    partition.exhausted = keys.length === 0 || out.LastEvaluatedKey === undefined;
  }
}
