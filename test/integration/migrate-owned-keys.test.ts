/**
 * The owned-keys migration on DynamoDB Local: items the product wrote, put back at the layout before
 * services owned their keys (`MER#<merchant>`), move to `RISK#`, `ROUTING#` and `WEBHOOKS#` where the
 * product reads them; a second run finds nothing, a dry run writes nothing, an item at the new key is
 * never overwritten, and an item changed during the run stays where it is.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import {
  type AttributeValue,
  DeleteItemCommand,
  type DynamoDBClient,
  PutItemCommand,
  ScanCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { migrateOwnedKeys } from '../../scripts/owned-keys-migration.js';
import { riskProfileSchema } from '../../shared/schemas/risk-profile.js';
import { routingConfigSchema } from '../../shared/schemas/routing.js';
import { putMerchant } from '../../shared/store/api-keys.js';
import { DynamoRiskProfileStore } from '../../shared/store/dynamodb/risk-profiles.js';
import { DynamoRoutingConfigStore } from '../../shared/store/dynamodb/routing-configs.js';
import { DynamoWebhookEndpointStore } from '../../shared/store/dynamodb/webhook-endpoints.js';
import { keys } from '../../shared/store/keys.js';
import { LOCAL_CREDENTIALS, startTestTable, type TestTable } from '../support/dynamodb.js';

type Item = Record<string, AttributeValue>;
const MERCHANT = 'm_mig_1';
const NOW = new Date('2026-12-06T10:00:00Z');
const PROFILE = riskProfileSchema.parse({ reviewScore: 50, blockedCountries: ['KP'] });
const ROUTING = routingConfigSchema.parse({
  default: { strategy: 'priority', channels: ['stripe', 'sandbox'] },
});

const run = promisify(execFile);

describe('owned-keys migration on DynamoDB Local', () => {
  let table: TestTable;
  let ctx: { client: DynamoDBClient; tableName: string };
  /** The items as the product wrote them at the new layout, by `PK|SK`. */
  let written: Map<string, Item>;

  const scanAll = async () => {
    const out = await table.client.send(
      new ScanCommand({ TableName: table.tableName, ConsistentRead: true }),
    );
    return new Map((out.Items ?? []).map((i) => [`${i.PK?.S}|${i.SK?.S}`, i]));
  };
  const cli = (...args: string[]) =>
    run(process.execPath, ['--import', 'tsx', 'scripts/migrate-owned-keys.ts', ...args], {
      env: {
        ...process.env,
        AWS_ENDPOINT_URL_DYNAMODB: table.endpoint,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      },
    });

  before(async () => {
    table = await startTestTable();
    ctx = { client: table.client, tableName: table.tableName };
    await putMerchant(table.client, table.tableName, { merchantId: MERCHANT });
    await new DynamoRiskProfileStore(ctx).put(MERCHANT, PROFILE, NOW);
    await new DynamoRiskProfileStore(ctx).recordFraudReport(MERCHANT, NOW);
    await new DynamoRoutingConfigStore(ctx).put(MERCHANT, ROUTING);
    for (const n of [1, 2])
      await new DynamoWebhookEndpointStore(ctx).create({
        merchantId: MERCHANT,
        idempotencyKey: `we-${n}`,
        requestFingerprint: `fp-${n}`,
        url: `https://merchant.example/hooks/${n}`,
        events: ['payment.succeeded'],
        secret: `whsec_${n}`,
        now: NOW,
      });
    // Put the product's items back where the previous release kept them.
    written = new Map();
    for (const [key, item] of await scanAll()) {
      if (!/^(RISK|ROUTING|WEBHOOKS)#/.test(item.PK?.S ?? '')) continue;
      written.set(key, item);
      await table.client.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            { Put: { TableName: table.tableName, Item: { ...item, PK: { S: `MER#${MERCHANT}` } } } },
            {
              Delete: {
                TableName: table.tableName,
                Key: { PK: item.PK as AttributeValue, SK: item.SK as AttributeValue },
              },
            },
          ],
        }),
      );
    }
    assert.equal(written.size, 5, 'a profile, a fraud-report day, a routing configuration, two endpoints');
  });
  after(async () => table.stop());

  it('changes nothing in a dry run, and counts what it would move', async () => {
    // Prepare
    const before = await scanAll();
    // Act
    const { stdout } = await cli(table.tableName, '--dry-run');
    // Assess
    assert.match(stdout, /dry run: 5 items at the old layout; would move 5/);
    assert.match(stdout, /"riskProfile":1,"fraudReportDay":1,"routingConfig":1,"webhookEndpoint":2/);
    assert.deepEqual(await scanAll(), before);
  });

  it('moves every item to the partition its service owns, where the product reads it', async () => {
    // Act
    const { stdout } = await cli(table.tableName);
    // Assess
    assert.match(stdout, /5 items at the old layout; moved 5, retired 0 superseded/);
    const after = await scanAll();
    for (const [key, item] of written) assert.deepEqual(after.get(key), item, key);
    const left = [...after.values()].filter((i) => i.PK?.S === `MER#${MERCHANT}`).map((i) => i.SK?.S);
    assert.ok(
      left.every((sk) => !/^(RISK_PROFILE|ROUTING|WHE#)/.test(sk ?? '')),
      `left: ${left}`,
    );
    const view = await new DynamoRiskProfileStore(ctx).getStored(MERCHANT, NOW);
    assert.deepEqual(view.stored, PROFILE);
    assert.equal(view.fraudReports, 1);
    assert.deepEqual(await new DynamoRoutingConfigStore(ctx).getStored(MERCHANT), ROUTING);
    const endpoints = await new DynamoWebhookEndpointStore(ctx).listForMerchant(MERCHANT);
    assert.deepEqual(
      endpoints.map((e) => e.url).sort(),
      [1, 2].map((n) => `https://merchant.example/hooks/${n}`),
    );
  });

  it('finds nothing to do when run again', async () => {
    // Prepare
    const before = await scanAll();
    // Act
    const { stdout } = await cli(table.tableName);
    // Assess
    assert.match(stdout, /^0 items at the old layout; moved 0/);
    assert.deepEqual(await scanAll(), before);
  });

  it('never overwrites an item the new code wrote at the new key; the old one is retired', async () => {
    // Prepare: a stale configuration at the old key, a newer one at the new key.
    const merchant = 'm_mig_2';
    const stale = { ...keys.routingConfig(merchant), PK: `MER#${merchant}`, config: { stale: true } };
    const newer = { ...keys.routingConfig(merchant), config: { newer: true } };
    await table.client.send(new PutItemCommand({ TableName: table.tableName, Item: marshall(stale) }));
    await table.client.send(new PutItemCommand({ TableName: table.tableName, Item: marshall(newer) }));
    // Act
    const counts = await migrateOwnedKeys(ctx);
    // Assess
    assert.deepEqual({ moved: counts.moved, superseded: counts.superseded }, { moved: 0, superseded: 1 });
    const after = await scanAll();
    assert.deepEqual(after.get(`ROUTING#${merchant}|ROUTING`), marshall(newer));
    assert.equal(after.has(`MER#${merchant}|ROUTING`), false);
  });

  it('leaves an item changed after the scan read it for the next run, which moves its new value', async () => {
    // Prepare: a writer of the previous release changes the item between the scan and the move.
    const merchant = 'm_mig_3';
    const old = { PK: `MER#${merchant}`, SK: 'ROUTING', config: { version: 1 } };
    await table.client.send(new PutItemCommand({ TableName: table.tableName, Item: marshall(old) }));
    let raced = false;
    const racing = {
      send: async (command: unknown) => {
        if (command instanceof TransactWriteItemsCommand && !raced) {
          raced = true;
          await table.client.send(
            new UpdateItemCommand({
              TableName: table.tableName,
              Key: marshall({ PK: old.PK, SK: old.SK }),
              UpdateExpression: 'SET config = :c',
              ExpressionAttributeValues: marshall({ ':c': { version: 2 } }),
            }),
          );
        }
        return table.client.send(command as TransactWriteItemsCommand);
      },
    } as unknown as DynamoDBClient;
    // Act
    const first = await migrateOwnedKeys({ client: racing, tableName: table.tableName });
    const second = await migrateOwnedKeys(ctx);
    // Assess
    assert.deepEqual([first.changed, first.moved, second.moved], [1, 0, 1]);
    const after = await scanAll();
    assert.deepEqual(after.get(`ROUTING#${merchant}|ROUTING`)?.config, marshall({ c: { version: 2 } }).c);
    assert.equal(after.has(`MER#${merchant}|ROUTING`), false);
    await table.client.send(
      new DeleteItemCommand({ TableName: table.tableName, Key: marshall(keys.routingConfig(merchant)) }),
    );
  });
});
