import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { LOCAL_CONFIG_FILE } from '../../scripts/local-config.js';
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
      keyId: 'key_demo_1',
    });
    assert.deepEqual(await resolveApiKey(table.client, table.tableName, 'sk_test_demo_2'), {
      merchantId: 'm_demo_2',
      role: 'merchant',
      keyId: 'key_demo_2',
    });
    assert.equal((await resolveApiKey(table.client, table.tableName, 'sk_test_ops'))?.role, 'ops');
    assert.equal(await resolveApiKey(table.client, table.tableName, 'sk_test_nope'), undefined);
    const scan = await table.client.send(new ScanCommand({ TableName: table.tableName }));
    // Two merchants, each with its two ops list entries, its registry entry (settlement lists merchants
    // from them) and its key's record; three keys.
    assert.equal(scan.Items?.length, 13);
    assert.doesNotMatch(JSON.stringify(scan.Items), /sk_test/);
  });

  it('writes exactly the items local.config.json has the local emulator seed (creation times aside)', async () => {
    // Arrange
    const config = JSON.parse(readFileSync(LOCAL_CONFIG_FILE, 'utf8')) as {
      seed: { table: string; items: Record<string, unknown>[] }[];
    };
    const withoutTime = ({ createdAt: _, ...rest }: Record<string, unknown>) => rest;
    const byKey = (a: Record<string, unknown>, b: Record<string, unknown>) =>
      `${a.PK}|${a.SK}`.localeCompare(`${b.PK}|${b.SK}`);
    // Act
    await seedLocalCredentials(table.client, table.tableName);
    const scan = await table.client.send(new ScanCommand({ TableName: table.tableName }));
    // Assess
    const written = (scan.Items ?? []).map((i) => withoutTime(unmarshall(i))).sort(byKey);
    const seeded = (config.seed[0]?.items ?? []).map(withoutTime).sort(byKey);
    assert.deepEqual(written, seeded);
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
