/**
 * Merchant webhooks through the local runtime: table stream → publisher → bus → webhook queue →
 * consumer → a receiver on 127.0.0.1 that verifies `Payments-Signature` with the secret it was given,
 * answers 500 to the first delivery and 200 afterwards, and so sees the retry (same event id) within
 * 30 s. The deliveries list shows both attempts; another merchant's endpoint receives nothing.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { verifyPayload } from '../../shared/webhooks/signature.js';
import { Api, isProblem, MERCHANT_2, uniqueKey } from '../support/http.js';
import { type LocalRuntime, startRuntime } from '../support/runtime.js';

interface Delivery {
  readonly at: number;
  readonly body: any;
  readonly verified: boolean;
  readonly status: number;
}

/** Answers `statuses` in turn, then 200; verifies each signature with the secret set after registering. */
async function startReceiver(statuses: number[] = []) {
  const deliveries: Delivery[] = [];
  let secret = '';
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const signature = req.headers['payments-signature'] as string | undefined;
      const status = statuses.shift() ?? 200;
      deliveries.push({
        at: Date.now(),
        body: JSON.parse(raw),
        verified: verifyPayload(signature, raw, secret, Math.floor(Date.now() / 1000)).ok,
        status,
      });
      res.statusCode = status;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`,
    deliveries,
    useSecret(s: string) {
      secret = s;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

let runtime: LocalRuntime;
let api: Api;

before(async () => {
  runtime = await startRuntime({ callbackDelayMs: 200 });
  api = new Api(runtime.url);
});

after(async () => {
  await runtime?.stop();
});

describe('merchant webhooks', () => {
  it('refuses a registration without Idempotency-Key, or with a URL that is neither https nor loopback', async () => {
    const noKey = await api.post('/v1/webhook-endpoints', { url: 'https://merchant.example/hooks' });
    assert.ok(isProblem(noKey, 400), noKey.text);
    const plainHttp = await api.post(
      '/v1/webhook-endpoints',
      { url: 'http://merchant.example/hooks' },
      { idempotencyKey: uniqueKey() },
    );
    assert.ok(isProblem(plainHttp, 400), plainHttp.text);
    assert.equal(plainHttp.body.errors?.[0]?.path, 'url');
  });

  it('returns the secret once per registration, and the same answer to a retry with the same key', async () => {
    const key = uniqueKey();
    const body = { url: 'https://merchant.example/hooks', events: ['refund.succeeded'] };
    const first = await api.post('/v1/webhook-endpoints', body, { idempotencyKey: key });
    assert.equal(first.status, 201, first.text);
    assert.match(first.body.id, /^we_/);
    assert.match(first.body.secret, /^whsec_/);
    assert.equal(first.body.url, body.url);
    const retry = await api.post('/v1/webhook-endpoints', body, { idempotencyKey: key });
    assert.equal(retry.status, 201);
    assert.deepEqual(retry.body, first.body);
    assert.equal(retry.headers.get('idempotent-replayed'), 'true');
  });

  it('delivers signed events, retries a 500 with the same event id within 30 s, lists both attempts, and keeps merchants apart', async () => {
    // Prepare: merchant 1's receiver fails its first delivery; merchant 2 has an endpoint too
    const receiver = await startReceiver([500]);
    const otherReceiver = await startReceiver();
    try {
      const registered = await api.post(
        '/v1/webhook-endpoints',
        { url: receiver.url },
        { idempotencyKey: uniqueKey() },
      );
      assert.equal(registered.status, 201, registered.text);
      receiver.useSecret(registered.body.secret);
      const other = await api.post(
        '/v1/webhook-endpoints',
        { url: otherReceiver.url },
        { idempotencyKey: uniqueKey(), key: MERCHANT_2.key },
      );
      assert.equal(other.status, 201, other.text);
      otherReceiver.useSecret(other.body.secret);

      // Act
      const created = await api.createPayment({
        amount: 4200,
        currency: 'USD',
        metadata: { sandbox_outcome: 'succeed' },
      });
      assert.equal(created.status, 201, created.text);
      const paymentId = created.body.id;

      // Assess: the first delivery (500), then the same event again, answered 200
      const first = await waitFor('a first delivery', () => receiver.deliveries[0], 30_000);
      assert.equal(first.status, 500);
      assert.ok(first.verified, 'Payments-Signature verifies with the endpoint secret');
      assert.match(first.body.id, /^evt_/);
      assert.equal(first.body.data.object.id, paymentId);
      const retry = await waitFor(
        'the retry of the first event',
        () => receiver.deliveries.slice(1).find((d) => d.body.id === first.body.id),
        30_000,
      );
      assert.ok(retry.at - first.at <= 30_000, `retry after ${retry.at - first.at} ms`);
      assert.equal(retry.status, 200);
      assert.ok(retry.verified);
      assert.deepEqual(retry.body, first.body, 'a retry carries the same payload');
      const types = await waitFor(
        'payment.succeeded',
        () => {
          const seen = receiver.deliveries.map((d) => d.body.type);
          return seen.includes('payment.succeeded') ? seen : undefined;
        },
        30_000,
      );
      assert.ok(types.includes('payment.created'));
      for (const d of receiver.deliveries) assert.ok(d.verified);

      const listed = await api.get(`/v1/webhook-endpoints/${registered.body.id}/deliveries?limit=100`);
      assert.equal(listed.status, 200, listed.text);
      const attempts = listed.body.data.filter((d: any) => d.eventId === first.body.id);
      assert.deepEqual(
        attempts.map((d: any) => [d.attempt, d.outcome, d.responseStatus]),
        [
          [2, 'succeeded', 200],
          [1, 'failed', 500],
        ],
      );

      // Merchant 2's endpoint saw none of merchant 1's events, and cannot read merchant 1's deliveries
      assert.equal(otherReceiver.deliveries.length, 0);
      const foreign = await api.get(`/v1/webhook-endpoints/${registered.body.id}/deliveries`, {
        key: MERCHANT_2.key,
      });
      assert.ok(isProblem(foreign, 404), foreign.text);
    } finally {
      await Promise.all([receiver.close(), otherReceiver.close()]);
    }
  });
});
