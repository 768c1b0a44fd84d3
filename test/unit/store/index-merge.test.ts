/**
 * The scatter-gather merge over a sharded index, against an in-memory index behind a mocked client: keys
 * come out newest first across partitions, ties on createdAt broken by id, partitions that run dry in the
 * middle are read again, and a position (`below`) resumes exactly after the last key handed out.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DynamoDBClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { MergedIndex } from '../../../shared/store/dynamodb/index-merge.js';

const client = new DynamoDBClient({ region: 'us-east-1' });
const ddb = mockClient(client);

/** Answers Queries the way DynamoDB does for `#pk = :pk [AND #sk < :below]`, descending, with Limit. */
function serve(partitions: Record<string, string[]>): { queries: QueryCommandInput[] } {
  const queries: QueryCommandInput[] = [];
  ddb.reset();
  ddb.on(QueryCommand).callsFake((input: QueryCommandInput) => {
    queries.push(input);
    const pk = input.ExpressionAttributeValues?.[':pk']?.S ?? '';
    const below = input.ExpressionAttributeValues?.[':below']?.S;
    const keys = [...(partitions[pk] ?? [])]
      .sort()
      .reverse()
      .filter((k) => below === undefined || k < below);
    const page = keys.slice(0, input.Limit);
    return {
      Items: page.map((k) => ({ GSI1PK: { S: pk }, GSI1SK: { S: k } })),
      ...(keys.length > page.length ? { LastEvaluatedKey: { GSI1SK: { S: page.at(-1) ?? '' } } } : {}),
    };
  });
  return { queries };
}

function merged(names: string[], below: string | undefined, wanted: number, queryLimit?: number) {
  return new MergedIndex(
    { client, tableName: 't' },
    { indexName: 'GSI1', partitionAttribute: 'GSI1PK', sortAttribute: 'GSI1SK', partitions: names },
    below,
    wanted,
    'test',
    queryLimit,
  );
}

async function drain(index: MergedIndex, max = Number.POSITIVE_INFINITY): Promise<string[]> {
  const out: string[] = [];
  while (out.length < max) {
    const key = await index.next();
    if (key === undefined) break;
    out.push(key);
  }
  return out;
}

const at = (second: number, id: string) =>
  `2030-01-01T00:00:${String(second).padStart(2, '0')}.000Z#pay_${id}`;

describe('merged index', () => {
  it('hands keys out newest first across partitions, ties on createdAt by id, refilling dry partitions', async () => {
    const a = [at(5, 'c'), at(5, 'a'), at(3, 'x'), at(1, 'b')];
    const b = [at(5, 'b'), at(4, 'z'), at(1, 'a')];
    const { queries } = serve({ A: a, B: b, C: [] });

    const keys = await drain(merged(['A', 'B', 'C'], undefined, 10, 1));

    assert.deepEqual(keys, [...a, ...b].sort().reverse());
    assert.equal(queries.filter((q) => q.ExpressionAttributeValues?.[':pk']?.S === 'C').length, 1);
    assert.ok(queries.every((q) => q.ScanIndexForward === false && (q.Limit ?? 0) === 1));
  });

  it('resumes below a position in every partition, so pages neither repeat nor skip a key', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.tuple(
            fc.integer({ min: 0, max: 3 }),
            fc.integer({ min: 0, max: 9 }),
            fc.integer({ min: 0, max: 4 }),
          ),
          {
            maxLength: 60,
          },
        ),
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 1, max: 4 }),
        async (entries, pageSize, queryLimit) => {
          const partitions: Record<string, string[]> = { P0: [], P1: [], P2: [], P3: [] };
          const all = new Set<string>();
          for (const [p, second, id] of entries) {
            const key = at(second, `${'abcde'[id]}${p}`);
            if (all.has(key)) continue;
            all.add(key);
            partitions[`P${p}`]?.push(key);
          }
          serve(partitions);
          const seen: string[] = [];
          let below: string | undefined;
          for (;;) {
            const page = await drain(
              merged(Object.keys(partitions), below, pageSize + 1, queryLimit),
              pageSize,
            );
            seen.push(...page);
            if (page.length < pageSize) break;
            below = page.at(-1);
          }
          assert.deepEqual(seen, [...all].sort().reverse());
        },
      ),
      { numRuns: 200 },
    );
  });
});
