/**
 * The exact guards of the merchant and key writes (aws-sdk-client-mock): a change is written only if the
 * merchant still has the status and version it was decided from; a key is issued only while the merchant
 * is active; a roll only expires a key that is still active.
 */
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import {
  DynamoDBClient,
  GetItemCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { MerchantStateError } from '../../../shared/domain/merchants/errors.js';
import { DynamoMerchantApiKeyStore } from '../../../shared/store/dynamodb/merchant-api-keys.js';
import { DynamoMerchantStore } from '../../../shared/store/dynamodb/merchants.js';

const client = new DynamoDBClient({ region: 'us-east-1' });
const ddb = mockClient(client);
const table = { client, tableName: 'payments' };
const merchant = (status: string, version: number) => ({
  PK: 'MER#m_1',
  SK: 'MER',
  entity: 'merchant',
  merchantId: 'm_1',
  name: 'M',
  country: 'DE',
  website: null,
  mcc: null,
  expectedMonthlyVolume: {},
  status,
  riskRating: status === 'pending_review' ? null : 'medium',
  version,
  createdAt: '2026-03-01T00:00:00.000Z',
  updatedAt: '2026-03-01T00:00:00.000Z',
});

describe('merchant and key writes', () => {
  beforeEach(() => ddb.reset());

  it('guards a suspension on the status and version it was decided from, with its history item', async () => {
    // Prepare
    ddb
      .on(GetItemCommand)
      .resolves({ Item: marshall(merchant('active', 4), { removeUndefinedValues: true }) });
    ddb.on(TransactWriteItemsCommand).resolves({});
    // Act
    await new DynamoMerchantStore(table).change({
      merchantId: 'm_1',
      command: { kind: 'suspend' },
      by: 'ops',
      note: 'fraud',
      now: new Date('2026-03-02T00:00:00.000Z'),
    });
    // Assess
    const [call] = ddb.commandCalls(TransactWriteItemsCommand);
    const items = call?.args[0].input.TransactItems ?? [];
    const guard = items[0]?.Put;
    assert.equal(guard?.ConditionExpression, '#status = :from AND version = :version');
    assert.deepEqual(unmarshall(guard?.ExpressionAttributeValues ?? {}), {
      ':from': 'active',
      ':version': 4,
    });
    assert.deepEqual(unmarshall(guard?.Item ?? {}).status, 'suspended');
    const history = items
      .map((i) => i.Put)
      .find((p) => p && unmarshall(p.Item ?? {}).entity === 'merchantChange');
    assert.equal(history?.ConditionExpression, 'attribute_not_exists(PK)');
    assert.deepEqual(unmarshall(history?.Item ?? {}).SK, 'MERHIST#000005');
    assert.deepEqual(unmarshall(items[1]?.Delete?.Key ?? {}), {
      PK: 'MERLIST#active',
      SK: '2026-03-01T00:00:00.000Z#m_1',
    });
  });

  it('answers 409 when a concurrent change won the guarded write', async () => {
    // Prepare: read as pending, then the write loses to an approval
    ddb.on(GetItemCommand).resolvesOnce({ Item: marshall(merchant('pending_review', 1)) });
    ddb.on(GetItemCommand).resolves({ Item: marshall(merchant('active', 2)) });
    ddb.on(TransactWriteItemsCommand).rejects(
      new TransactionCanceledException({
        message: 'cancelled',
        $metadata: {},
        CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }],
      }),
    );
    // Act & Assess
    await assert.rejects(
      new DynamoMerchantStore(table).change({
        merchantId: 'm_1',
        command: { kind: 'reject' },
        by: 'ops',
        note: null,
        now: new Date(),
      }),
      (error: unknown) => error instanceof MerchantStateError && error.status === 'active',
    );
  });

  it('issues a key only while the merchant is active, and stores its digest, never the secret', async () => {
    // Prepare
    ddb.on(TransactWriteItemsCommand).resolves({});
    // Act
    const { key } = await new DynamoMerchantApiKeyStore(table).issue({
      merchantId: 'm_1',
      callerId: 'ops',
      idempotencyKey: 'k1',
      requestFingerprint: 'f',
      now: new Date(),
    });
    // Assess
    const items = ddb.commandCalls(TransactWriteItemsCommand)[0]?.args[0].input.TransactItems ?? [];
    const check = items.find((i) => i.ConditionCheck)?.ConditionCheck;
    assert.equal(check?.ConditionExpression, '#status = :active');
    assert.deepEqual(unmarshall(check?.Key ?? {}), { PK: 'MER#m_1', SK: 'MER' });
    assert.ok(!JSON.stringify(items).includes(key.secret ?? '?'), 'the secret is in no item');
  });
});
