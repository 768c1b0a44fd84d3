/**
 * The callback for the vendor channels: credentials read from Secrets Manager, the vendor's own
 * acknowledgement, Stripe events signed by stripe-node (forged and stale → 401), and an Alipay-style
 * refund notify whose cumulative amount becomes the refund's own before the guarded write.
 */
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { DynamoDBClient, GetItemCommand, QueryCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import Stripe from 'stripe';
import { setSecretReader } from '../../../shared/aws/secrets-manager.js';
import { NOTIFIER_FACTORIES } from '../../../shared/channels/notifiers.js';
import type { AdapterFactories } from '../../../shared/channels/registry.js';
import type { ChannelNotifier } from '../../../shared/channels/types.js';
import { invokeCoreOutcomesInProcess } from '../../support/core-outcomes.js';
import { apiEvent, context } from './fixtures.js';

process.env.TABLE_NAME = 'payments-unit';
process.env.SANDBOX_WEBHOOK_SECRETS = 'whsec_sandbox';
process.env.CHANNEL_SECRET_STRIPE = 'arn:aws:secretsmanager:us-east-1:1:secret:stripe';
process.env.CHANNEL_SECRET_ALIPAY = 'arn:aws:secretsmanager:us-east-1:1:secret:alipay';
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
const ddb = mockClient(DynamoDBClient);
const sm = mockClient(SecretsManagerClient);
// The functions read secrets with a signed call of their own; here through the mocked SDK client.
const secrets = new SecretsManagerClient({ region: 'us-east-1' });
setSecretReader((id) => secrets.send(new GetSecretValueCommand({ SecretId: id })));
const SECRETS: Record<string, object> = {
  [process.env.CHANNEL_SECRET_STRIPE]: { secretKey: 'sk_test', webhookSecrets: ['whsec_a', 'whsec_b'] },
  [process.env.CHANNEL_SECRET_ALIPAY]: { appId: '1', appPrivateKeyPem: 'k', alipayPublicKeyPems: ['p'] },
};

// An Alipay-shaped adapter: the notify is trusted JSON here; what is under test is the callback's use of
// its cumulative amount and acknowledgement (the real reader has its own tests).
type Notifiers = AdapterFactories<ChannelNotifier>;
(NOTIFIER_FACTORIES as { -readonly [K in keyof Notifiers]: Notifiers[K] }).alipay = () => ({
  name: 'alipay',
  ack: { status: 200, contentType: 'text/plain', body: 'success' },
  readNotification: (_headers, raw) => ({ kind: 'outcome', event: JSON.parse(raw.toString()) }),
});
// The outcome is applied by core's function, run here against the same mocked table.
await invokeCoreOutcomesInProcess();
const { handler } = await import('../../../functions/channels/callback.js');

const stripeNode = new Stripe('sk_test');
const PAY = 'pay_aaaaaaaaaaaaaaaaaaaaaaaaaa';
const REF_A = 're_bbbbbbbbbbbbbbbbbbbbbbbbbb';
const REF_B = 're_cccccccccccccccccccccccccc';

function deliver(channel: string, body: string, headers: Record<string, string>) {
  return handler(
    apiEvent({
      path: `/v1/channels/${channel}/callbacks`,
      pathParameters: { channel },
      headers: { 'content-type': 'application/json', ...headers },
      body,
      auth: null,
    }),
    context,
  );
}

const stripeEvent = JSON.stringify({
  id: 'evt_s1',
  type: 'payment_intent.succeeded',
  created: 1_900_000_000,
  data: { object: { id: 'pi_1', amount: 1050, currency: 'usd', metadata: { reference: PAY } } },
});

describe('POST /v1/channels/{vendor}/callbacks', () => {
  beforeEach(() => {
    ddb.reset();
    sm.reset();
    ddb.on(UpdateItemCommand).resolves({});
    sm.on(GetSecretValueCommand).callsFake((input: { SecretId: string }) => ({
      SecretString: JSON.stringify(SECRETS[input.SecretId]),
      VersionId: 'v1',
    }));
  });

  it('applies a Stripe event signed with any configured secret and answers as Stripe expects', async () => {
    // Act
    const result = await deliver('stripe', stripeEvent, {
      'stripe-signature': stripeNode.webhooks.generateTestHeaderString({
        payload: stripeEvent,
        secret: 'whsec_b',
      }),
    });
    // Assess
    assert.equal(result.statusCode, 200);
    assert.equal(result.body, '{"received":true}');
    const update = ddb.commandCalls(UpdateItemCommand)[0]?.args[0].input;
    assert.equal(update?.ExpressionAttributeValues?.[':channel']?.S, 'stripe');
    assert.equal(update?.ExpressionAttributeValues?.[':amt']?.N, '1050');
  });

  it('answers 401 and changes nothing for a forged or a stale Stripe event', async () => {
    const forged = await deliver('stripe', stripeEvent, {
      'stripe-signature': stripeNode.webhooks.generateTestHeaderString({
        payload: stripeEvent,
        secret: 'whsec_x',
      }),
    });
    const stale = await deliver('stripe', stripeEvent, {
      'stripe-signature': stripeNode.webhooks.generateTestHeaderString({
        payload: stripeEvent,
        secret: 'whsec_a',
        timestamp: Math.floor(Date.now() / 1000) - 301,
      }),
    });
    assert.equal(forged.statusCode, 401);
    assert.equal(stale.statusCode, 401);
    assert.equal(ddb.calls().length, 0);
  });

  it("turns a cumulative refund notify into the refund's own amount and answers success in text", async () => {
    // Prepare: refunds of 300 (A, succeeded) and 200 (B, pending); the notify for B says 500 in all.
    ddb.on(GetItemCommand).resolves({
      Item: marshall({ PK: 'OBJ#c', SK: 'OBJ', entity: 'refundRequest', paymentId: PAY }),
    });
    ddb.on(QueryCommand).resolves({
      Items: [
        marshall({ id: REF_A, amount: 300, status: 'succeeded', createdAt: '2030-01-01T00:00:00Z' }),
        marshall({ id: REF_B, amount: 200, status: 'pending', createdAt: '2030-01-01T00:01:00Z' }),
      ],
    });
    const notify = JSON.stringify({
      eventId: 'n_1',
      subject: 'refund',
      outcome: 'succeeded',
      reference: REF_B,
      channelReference: '2030010122001',
      amount: 500,
      cumulativeRefunded: 500,
      currency: 'CNY',
      occurredAt: '2030-01-01T00:02:00.000Z',
    });
    // Act
    const result = await deliver('alipay', notify, {});
    // Assess
    assert.equal(result.statusCode, 200);
    assert.equal(result.body, 'success');
    assert.equal(result.headers?.['Content-Type'], 'text/plain');
    const query = ddb.commandCalls(QueryCommand)[0]?.args[0].input;
    assert.equal(query?.ConsistentRead, true);
    const update = ddb.commandCalls(UpdateItemCommand)[0]?.args[0].input;
    assert.equal(update?.ExpressionAttributeValues?.[':amt']?.N, '200');
  });

  it('reads each secret once per container', async () => {
    await deliver('stripe', stripeEvent, {
      'stripe-signature': stripeNode.webhooks.generateTestHeaderString({
        payload: stripeEvent,
        secret: 'whsec_a',
      }),
    });
    // Cached from the first test of this file: no read at all now.
    assert.equal(sm.commandCalls(GetSecretValueCommand).length, 0);
  });
});
