import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { DynamoDBClient, GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { encodeCursor } from '../../../shared/store/cursor.js';
import { apiEvent, context, problemOf } from './fixtures.js';

process.env.TABLE_NAME = 'payments-unit';
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
const ddb = mockClient(DynamoDBClient);
const getPayment = (await import('../../../functions/api/get-payment.js')).handler;
const listPayments = (await import('../../../functions/api/list-payments.js')).handler;

const id = 'pay_abcdefghijklmnopqrstuvwxyz';
const item = {
  PK: `OBJ#${id.slice(4)}`,
  SK: 'OBJ',
  entity: 'payment',
  id,
  merchantId: 'm_owner',
  amount: 100,
  currency: 'USD',
  status: 'processing',
  channel: 'sandbox',
  amountRefunded: 0,
  refundableRemaining: 100,
  createdAt: '2030-01-01T00:00:00.000Z',
  updatedAt: '2030-01-01T00:00:00.000Z',
  idempotencyKey: 'k',
  requestFingerprint: 'f',
};

describe('GET payment handlers', () => {
  beforeEach(() => ddb.reset());

  it('reads strongly consistent and answers 404 for another merchant exactly as for a missing payment', async () => {
    // Prepare
    ddb.on(GetItemCommand).resolves({ Item: marshall(item) });
    const get = (merchantId: string, paymentId = id) =>
      getPayment(
        apiEvent({
          method: 'GET',
          path: `/v1/payments/${paymentId}`,
          pathParameters: { id: paymentId },
          auth: { merchantId, role: 'merchant' },
        }),
        context,
      );
    // Act
    const own = await get('m_owner');
    const foreign = await get('m_other');
    ddb.on(GetItemCommand).resolves({});
    const missing = await get('m_owner');
    // Assess
    assert.equal(own.statusCode, 200);
    assert.equal(JSON.parse(own.body).channelReference, null);
    assert.equal(ddb.commandCalls(GetItemCommand)[0]?.args[0].input.ConsistentRead, true);
    assert.equal(foreign.statusCode, 404);
    assert.deepEqual({ ...problemOf(foreign), detail: '' }, { ...problemOf(missing), detail: '' });
  });

  it('refuses a tampered cursor or another merchant cursor with 400 before querying', async () => {
    // Prepare
    const list = (cursor: string) =>
      listPayments(
        apiEvent({
          method: 'GET',
          path: '/v1/payments',
          query: { cursor },
          auth: { merchantId: 'm_1', role: 'merchant' },
        }),
        context,
      );
    const foreign = encodeCursor('m_2', `2030-01-01T00:00:00.000Z#${id}`);
    // Act
    const results = [await list('bm90LWEtY3Vyc29y'), await list(foreign), await list('%%%')];
    // Assess
    for (const result of results) assert.equal(problemOf(result).status, 400);
    assert.equal(ddb.commandCalls(QueryCommand).length, 0);
  });
});
