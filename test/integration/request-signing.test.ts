/**
 * The request-signing store on DynamoDB Local: turning signing on issues one secret however many PUTs
 * race, a repeated `true` keeps it without showing it, `false` forgets it, and merchant routes read
 * exactly what ops set.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { putMerchant } from '../../shared/store/api-keys.js';
import { DynamoRequestSigningStore } from '../../shared/store/dynamodb/request-signing.js';
import { readSigningRequirement } from '../../shared/store/dynamodb/request-signing-reads.js';
import { MerchantNotFoundError } from '../../shared/store/dynamodb/risk-profiles.js';
import { CorruptItemError } from '../../shared/store/errors.js';
import { keys } from '../../shared/store/keys.js';
import { startTestTable, type TestTable } from '../support/dynamodb.js';

describe('request-signing store on DynamoDB Local', () => {
  let table: TestTable;
  let signing: DynamoRequestSigningStore;
  let issued = 0;
  const newSecret = () => `rss_${String(++issued).padStart(43, '0')}`;

  before(async () => {
    table = await startTestTable();
    signing = new DynamoRequestSigningStore({ client: table.client, tableName: table.tableName });
    for (const merchantId of ['m_sig_1', 'm_sig_2', 'm_sig_3'])
      await putMerchant(table.client, table.tableName, { merchantId });
  });
  after(async () => table.stop());

  it('reads not required for a merchant ops never touched', async () => {
    assert.deepEqual(await readSigningRequirement(table, 'm_sig_1'), { required: false });
  });

  it('turns signing on with a secret shown once, keeps it on a repeated PUT, and forgets it when turned off', async () => {
    // Act
    const on = await signing.put('m_sig_1', true, newSecret);
    const readOn = await readSigningRequirement(table, 'm_sig_1');
    const again = await signing.put('m_sig_1', true, newSecret);
    const readAgain = await readSigningRequirement(table, 'm_sig_1');
    const off = await signing.put('m_sig_1', false, newSecret);
    const readOff = await readSigningRequirement(table, 'm_sig_1');
    const onAgain = await signing.put('m_sig_1', true, newSecret);
    // Assess
    assert.ok(on.required && on.secret);
    assert.deepEqual(readOn, { required: true, secret: on.secret });
    assert.deepEqual(again, { required: true }, 'the secret is never shown twice');
    assert.deepEqual(readAgain, readOn, 'a repeated PUT keeps the secret');
    assert.deepEqual(off, { required: false });
    assert.deepEqual(readOff, { required: false });
    assert.ok(
      onAgain.required && onAgain.secret && onAgain.secret !== on.secret,
      'off then on: a new secret',
    );
  });

  it('issues one stored secret when PUTs race to turn signing on', async () => {
    // Act
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => signing.put('m_sig_2', true, newSecret)),
    );
    // Assess
    const shown = answers.flatMap((a) => (a.required && a.secret ? [a.secret] : []));
    assert.equal(shown.length, 1, JSON.stringify(answers));
    assert.deepEqual(await readSigningRequirement(table, 'm_sig_2'), { required: true, secret: shown[0] });
  });

  it('refuses an unknown merchant and writes nothing for it', async () => {
    await assert.rejects(signing.put('m_nobody', true, newSecret), MerchantNotFoundError);
    assert.deepEqual(await readSigningRequirement(table, 'm_nobody'), { required: false });
  });

  it('refuses to read a requirement without its secret rather than let requests through unchecked', async () => {
    // Prepare
    await table.client.send(
      new PutItemCommand({
        TableName: table.tableName,
        Item: marshall({ ...keys.requestSigning('m_sig_3'), entity: 'requestSigning', required: true }),
      }),
    );
    // Act & Assess
    await assert.rejects(readSigningRequirement(table, 'm_sig_3'), CorruptItemError);
  });
});
