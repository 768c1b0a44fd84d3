/**
 * Dispatch, failover and channel checks through the local runtime and its sandbox PSP: a pinned payment
 * the channel answers 503 fails with channel_unavailable; one the channel never answers (a timeout) is
 * queried, found missing and fails the same way; one the channel takes but never settles (`none`) is
 * checked by the delayed checks (bound shortened to 2 s, 2 checks) and handed to ops in the
 * `channel-checks` dead-letter queue, still processing.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { decodeAttempt } from '../../shared/store/payment-codec.js';
import { localClient } from '../support/dynamodb.js';
import { useLocalRuntime } from '../support/e2e.js';
import { eventually } from '../support/eventually.js';

const e2e = useLocalRuntime({
  functionEnvironment: { CHANNEL_CHECK_DELAYS: 'sandbox=2', CHANNEL_CHECK_MAX: '2' },
  maxBatchingWindowSeconds: 0,
});

let dynamo: ReturnType<typeof localClient> | undefined;
after(() => dynamo?.destroy());

/** The payment item as stored (its attempts in their compact form: store/payment-codec.ts). */
async function stored(id: string): Promise<Record<string, any> | undefined> {
  dynamo ??= localClient(e2e.runtime.dynamoEndpoint);
  const out = await dynamo.send(
    new GetItemCommand({
      TableName: e2e.runtime.tableName,
      Key: { PK: { S: `OBJ#${id.slice('pay_'.length)}` }, SK: { S: 'OBJ' } },
      ConsistentRead: true,
    }),
  );
  return out.Item ? unmarshall(out.Item) : undefined;
}

async function pinned(outcome: string): Promise<string> {
  const created = await e2e.api.createPayment({
    amount: 1050,
    currency: 'USD',
    channel: 'sandbox',
    metadata: { sandbox_outcome: outcome },
  });
  assert.equal(created.status, 201, created.text);
  return created.body.id;
}

describe('channel dispatch on the local runtime', () => {
  it('fails a pinned payment its channel answers 503 with channel_unavailable, one attempt', async () => {
    // Act
    const id = await pinned('unavailable');
    const payment = await e2e.api.waitForPayment(id, (p) => p.status === 'failed');
    // Assess
    assert.equal(payment.status, 'failed');
    const item = await stored(id);
    assert.equal(item?.failureCode, 'channel_unavailable');
    assert.deepEqual(
      item?.attempts
        .map(decodeAttempt)
        .map((a: { channel: string; outcome: string }) => [a.channel, a.outcome]),
      [['sandbox', 'unavailable']],
    );
  });

  it('queries a payment whose submission timed out and fails it when the channel never took it', async () => {
    // Act: the adapter gives up after 5 s; the status query finds nothing.
    const id = await pinned('timeout');
    await e2e.api.waitForPayment(id, (p) => p.status === 'failed');
    // Assess
    const item = await stored(id);
    assert.equal(item?.failureCode, 'channel_unavailable');
    assert.deepEqual(
      item?.attempts.map(decodeAttempt).map((a: { outcome: string }) => a.outcome),
      ['unavailable'],
    );
  });

  it('checks a payment the channel never settles, then hands it to ops', async () => {
    // Act
    const id = await pinned('none');
    // Assess: two checks 2 s apart find it pending at the PSP; the second gives up to the DLQ.
    const message = await eventually(
      async () => {
        const peek = await e2e.ops.request('GET', '/v1/ops/dead-letter-queues/channel-checks/messages');
        assert.equal(peek.status, 200, peek.text);
        return peek.body.data.find((m: { body: unknown }) => JSON.stringify(m.body).includes(id));
      },
      30_000,
      'the unresolved check in the channel-checks DLQ',
    );
    const check = typeof message.body === 'string' ? JSON.parse(message.body) : message.body;
    assert.equal(check.kind, 'payment');
    assert.equal(check.check, 2);
    assert.match(check.why, /pending/);
    assert.equal((await stored(id))?.status, 'processing');
  });
});
