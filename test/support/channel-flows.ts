/**
 * Steps the channels' end-to-end tests share: a refund until it settles, a reconciliation run of a
 * channel's day until it ends, the channel reports recorded as mismatching a payment, and the local test
 * key pairs (local/channel-test-keys).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { localClient } from './dynamodb.js';
import type { E2e } from './e2e.js';
import { eventually } from './eventually.js';
import { uniqueKey } from './http.js';

/** A PEM of local/channel-test-keys, e.g. `alipay-platform-private`. */
export function testKey(name: string): string {
  return readFileSync(new URL(`../../local/channel-test-keys/${name}.pem`, import.meta.url), 'utf8');
}

export const today = () => new Date().toISOString().slice(0, 10);

/** Refunds `amount` of a payment and waits until the refund is no longer pending; returns it. */
export async function refundAndSettle(e2e: E2e, paymentId: string, amount: number) {
  const refund = await e2e.api.post(
    `/v1/payments/${paymentId}/refunds`,
    { amount },
    { idempotencyKey: uniqueKey('refund') },
  );
  assert.equal(refund.status, 201, refund.text);
  return eventually(
    async () => {
      const list = await e2e.api.get(`/v1/payments/${paymentId}/refunds`);
      const found = list.body.data?.find((r: { id: string }) => r.id === refund.body.id);
      return found?.status === 'pending' ? undefined : found;
    },
    15_000,
    `refund ${refund.body.id} to settle`,
  );
}

/** Starts a reconciliation run of `channel` for today and waits until it ends; returns the run. */
export async function reconcileToday(e2e: E2e, channel: string) {
  const started = await e2e.ops.post(
    '/v1/ops/reconciliation/runs',
    { channel, date: today() },
    { idempotencyKey: uniqueKey('run') },
  );
  assert.equal(started.status, 202, started.text);
  return eventually(
    async () => {
      const r = await e2e.ops.get(`/v1/ops/reconciliation/runs/${started.body.id}`);
      return r.body.status === 'running' ? undefined : r.body;
    },
    20_000,
    `the ${channel} run to end`,
  );
}

/**
 * The channel reports recorded against a payment because they disagreed with it (stored under the
 * payment as `MISMATCH#<event id>`, shared/store/keys.ts); the API does not show them.
 */
export async function mismatchesOf(e2e: E2e, paymentId: string): Promise<Record<string, any>[]> {
  const client = localClient(e2e.runtime.dynamoEndpoint);
  try {
    const out = await client.send(
      new QueryCommand({
        TableName: e2e.runtime.tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
        ExpressionAttributeValues: {
          ':pk': { S: `OBJ#${paymentId.slice('pay_'.length)}` },
          ':sk': { S: 'MISMATCH#' },
        },
        ConsistentRead: true,
      }),
    );
    return (out.Items ?? []).map((item) => unmarshall(item));
  } finally {
    client.destroy();
  }
}
