import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { signatureHeader } from '../../../shared/channels/sandbox/signature.js';
import { shardOf } from '../../../shared/store/keys.js';
import { invokeCoreOutcomesInProcess } from '../../support/core-outcomes.js';
import { apiEvent, context, problemOf } from './fixtures.js';

process.env.TABLE_NAME = 'payments-unit';
process.env.SANDBOX_WEBHOOK_SECRETS = 'whsec_old, whsec_new';
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
const ddb = mockClient(DynamoDBClient);
// The outcome is applied by core's function, run here against the same mocked table.
await invokeCoreOutcomesInProcess();
const { handler } = await import('../../../functions/channels/callback.js');

const webhook = JSON.stringify({
  id: 'evt_1',
  type: 'payment.succeeded',
  data: {
    reference: 'pay_aaaaaaaaaaaaaaaaaaaaaaaaaa',
    channelReference: 'sbx_1',
    amount: 1050,
    currency: 'USD',
    occurredAt: '2030-01-01T00:00:00.000Z',
  },
});
const now = () => Math.floor(Date.now() / 1000);

function deliver(
  body: string,
  signature: string | undefined,
  o: { base64?: boolean; channel?: string } = {},
) {
  return handler(
    apiEvent({
      path: `/v1/channels/${o.channel ?? 'sandbox'}/callbacks`,
      pathParameters: { channel: o.channel ?? 'sandbox' },
      headers: signature ? { 'content-type': 'application/json', 'sandbox-signature': signature } : {},
      body: o.base64 ? Buffer.from(body).toString('base64') : body,
      isBase64Encoded: o.base64 ?? false,
      auth: null,
    }),
    context,
  );
}

describe('POST /v1/channels/{channel}/callbacks handler', () => {
  beforeEach(() => {
    ddb.reset();
    ddb.on(UpdateItemCommand).resolves({});
  });

  it('applies a payment outcome guarded by status, amount, currency and channel, indexing it in the same write', async () => {
    // Act
    const result = await deliver(webhook, signatureHeader('whsec_new', now(), webhook));
    // Assess
    assert.equal(result.statusCode, 200);
    const input = ddb.commandCalls(UpdateItemCommand)[0]?.args[0].input;
    assert.equal(
      input?.ConditionExpression,
      'entity = :payment AND #status IN (:from0) AND amount = :amt AND currency = :cur AND channel = :channel',
    );
    assert.equal(input?.ExpressionAttributeValues?.[':from0']?.S, 'processing');
    assert.equal(input?.ExpressionAttributeValues?.[':to']?.S, 'succeeded');
    // The channel of the route, and the payment's own outcome record: its channel-day (the channel's
    // occurredAt) for reconciliation, its commit time for settlement.
    const values = input?.ExpressionAttributeValues ?? {};
    assert.equal(values[':channel']?.S, 'sandbox');
    assert.match(String(input?.UpdateExpression), /GSI3PK = :g3pk, GSI3SK = :g3sk, GSI2SK = :g2sk$/);
    assert.equal(values[':g3pk']?.S, `RECON#sandbox#2030-01-01#${shardOf('pay_aaaaaaaaaaaaaaaaaaaaaaaaaa')}`);
    assert.equal(values[':g3sk']?.S, 'payment#pay_aaaaaaaaaaaaaaaaaaaaaaaaaa');
    assert.equal(values[':g2sk']?.S, `${values[':now']?.S}#payment#pay_aaaaaaaaaaaaaaaaaaaaaaaaaa`);
    assert.equal(values[':at']?.S, '2030-01-01T00:00:00.000Z');
  });

  it('verifies the signature over the decoded bytes of a base64 body', async () => {
    // Act
    const result = await deliver(webhook, signatureHeader('whsec_old', now(), webhook), { base64: true });
    // Assess
    assert.equal(result.statusCode, 200);
  });

  it('answers 401 and changes nothing for a missing, wrong or stale signature', async () => {
    // Act
    const results = [
      await deliver(webhook, undefined),
      await deliver(webhook, signatureHeader('whsec_wrong', now(), webhook)),
      await deliver(webhook, signatureHeader('whsec_new', now() - 301, webhook)),
      await deliver(`${webhook} `, signatureHeader('whsec_new', now(), webhook)),
    ];
    // Assess
    for (const result of results) {
      assert.equal(result.statusCode, 401);
      assert.equal(problemOf(result).type, 'https://payments.example/problems/invalid-signature');
    }
    assert.equal(ddb.calls().length, 0);
  });

  it('answers 400 for a signed body that is not JSON or not a webhook', async () => {
    // Prepare
    const notJson = '{"id":';
    const notWebhook = JSON.stringify({ id: 'evt_2', type: 'payment.exploded' });
    // Act
    const a = await deliver(notJson, signatureHeader('whsec_new', now(), notJson));
    const b = await deliver(notWebhook, signatureHeader('whsec_new', now(), notWebhook));
    // Assess
    assert.equal(a.statusCode, 400);
    assert.equal(b.statusCode, 400);
    assert.equal(ddb.calls().length, 0);
  });

  it('answers 404 for a channel we do not have', async () => {
    // Act
    const result = await deliver(webhook, signatureHeader('whsec_new', now(), webhook), {
      channel: 'paypal',
    });
    // Assess
    assert.equal(result.statusCode, 404);
  });

  it('answers 422 for a reference that is not ours', async () => {
    // Prepare
    const foreign = webhook.replace('pay_aaaaaaaaaaaaaaaaaaaaaaaaaa', 'pay_unknown');
    // Act
    const result = await deliver(foreign, signatureHeader('whsec_new', now(), foreign));
    // Assess
    assert.equal(result.statusCode, 422);
    assert.equal(problemOf(result).type, 'https://payments.example/problems/unknown-reference');
  });
});
