/**
 * A persisted database made by an older template gets the indexes the template added since, filled from
 * the items already there: a new list index must not leave `npm start` over old data answering 500s.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DescribeTableCommand, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { localClient } from '../../test/support/dynamodb.js';
import { startDynamoDbLocal } from '../src/dynamodb-local.js';
import { createLogger } from '../src/log.js';
import { createTables } from '../src/tables.js';
import type { CfnTemplate } from '../src/template.js';

const index = (name: string) => ({
  IndexName: name,
  KeySchema: [
    { AttributeName: `${name}PK`, KeyType: 'HASH' },
    { AttributeName: `${name}SK`, KeyType: 'RANGE' },
  ],
  Projection: { ProjectionType: 'KEYS_ONLY' },
});
const attribute = (name: string) => ({ AttributeName: name, AttributeType: 'S' });

function template(indexes: string[]): CfnTemplate {
  return {
    Resources: {
      Table: {
        Type: 'AWS::DynamoDB::Table',
        Properties: {
          TableName: 'persisted',
          BillingMode: 'PAY_PER_REQUEST',
          KeySchema: [
            { AttributeName: 'PK', KeyType: 'HASH' },
            { AttributeName: 'SK', KeyType: 'RANGE' },
          ],
          AttributeDefinitions: [
            attribute('PK'),
            attribute('SK'),
            ...indexes.flatMap((i) => [attribute(`${i}PK`), attribute(`${i}SK`)]),
          ],
          GlobalSecondaryIndexes: indexes.map(index),
        },
      },
    },
  } as unknown as CfnTemplate;
}

describe('local tables over a persisted database', () => {
  let local: Awaited<ReturnType<typeof startDynamoDbLocal>>;
  let client: ReturnType<typeof localClient>;
  before(async () => {
    local = await startDynamoDbLocal();
    client = localClient(local.endpoint);
  });
  after(async () => {
    client.destroy();
    await local.stop();
  });

  it('adds the indexes a newer template has, filled from the items already stored', async () => {
    const log = createLogger({ quiet: true });
    await createTables(client, template(['GSI1']), log);
    await client.send(
      new PutItemCommand({
        TableName: 'persisted',
        Item: { PK: { S: 'a' }, SK: { S: 'b' }, GSI4PK: { S: 'all' }, GSI4SK: { S: '1' } },
      }),
    );

    await createTables(client, template(['GSI1', 'GSI4']), log);

    const described = await client.send(new DescribeTableCommand({ TableName: 'persisted' }));
    assert.deepEqual((described.Table?.GlobalSecondaryIndexes ?? []).map((g) => g.IndexName).sort(), [
      'GSI1',
      'GSI4',
    ]);
    const out = await client.send(
      new QueryCommand({
        TableName: 'persisted',
        IndexName: 'GSI4',
        KeyConditionExpression: 'GSI4PK = :pk',
        ExpressionAttributeValues: { ':pk': { S: 'all' } },
      }),
    );
    assert.equal(out.Count, 1);
  });
});
