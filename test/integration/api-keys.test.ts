import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { putApiKey, resolveApiKey, seedLocalCredentials } from '../../shared/store/api-keys.js';
import { startTestTable, type TestTable } from '../support/dynamodb.js';

describe('API keys on DynamoDB Local', () => {
  let table: TestTable;
  before(async () => {
    table = await startTestTable();
  });
  after(async () => table.stop());

  it('seeds the local credentials idempotently and stores only digests', async () => {
    // Act
    await seedLocalCredentials(table.client, table.tableName);
    await seedLocalCredentials(table.client, table.tableName);
    // Assess
    assert.deepEqual(await resolveApiKey(table.client, table.tableName, 'sk_test_demo_1'), {
      merchantId: 'm_demo_1',
      role: 'merchant',
    });
    assert.deepEqual(await resolveApiKey(table.client, table.tableName, 'sk_test_demo_2'), {
      merchantId: 'm_demo_2',
      role: 'merchant',
    });
    assert.equal((await resolveApiKey(table.client, table.tableName, 'sk_test_ops'))?.role, 'ops');
    assert.equal(await resolveApiKey(table.client, table.tableName, 'sk_test_nope'), undefined);
    const scan = await table.client.send(new ScanCommand({ TableName: table.tableName }));
    // Two merchants, their registry entries (settlement lists merchants from them), three keys.
    assert.equal(scan.Items?.length, 7);
    assert.doesNotMatch(JSON.stringify(scan.Items), /sk_test/);
  });

  it('refuses to rebind a key to another merchant', async () => {
    // Act & Assess
    await assert.rejects(
      putApiKey(table.client, table.tableName, {
        apiKey: 'sk_test_demo_1',
        merchantId: 'm_demo_2',
        role: 'merchant',
      }),
    );
  });
});
