import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { outcomeOf, type SandboxPsp, startSandboxPsp } from '../src/sandbox/psp-simulator.js';

interface Delivery {
  headers: IncomingHttpHeaders;
  body: string;
}

describe('sandbox PSP simulator', () => {
  const deliveries: Delivery[] = [];
  let failuresLeft = 0;
  let receiverUrl = '';
  const receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      deliveries.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      if (failuresLeft-- > 0) res.writeHead(500).end();
      else res.writeHead(200).end('{}');
    });
  });
  let psp: SandboxPsp;

  before(async () => {
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/v1/channels/sandbox/callbacks`;
    psp = await startSandboxPsp({
      callbackUrl: () => receiverUrl,
      secret: 'whsec_test',
      delayMs: 10,
      retryBaseMs: 10,
    });
  });
  after(async () => {
    await psp.close();
    receiver.close();
  });

  async function submit(path: string, body: object) {
    const response = await fetch(`${psp.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return (await response.json()) as { channelReference: string };
  }

  const until = async (predicate: () => boolean) => {
    for (let i = 0; i < 200 && !predicate(); i++) await new Promise((r) => setTimeout(r, 10));
  };

  it('decides outcomes as the contract says', () => {
    // Act & Assess
    assert.equal(outcomeOf({ kind: 'payment', amount: 1013 }), 'failed');
    assert.equal(outcomeOf({ kind: 'payment', amount: 1014 }), 'succeeded');
    assert.equal(outcomeOf({ kind: 'payment', amount: 1013, outcome: 'succeed' }), 'succeeded');
    assert.equal(outcomeOf({ kind: 'payment', amount: 1000, outcome: 'fail' }), 'failed');
    assert.equal(outcomeOf({ kind: 'payment', amount: 1000, outcome: 'none' }), 'none');
    assert.equal(outcomeOf({ kind: 'refund', amount: 1013 }), 'succeeded');
  });

  it('calls back once per reference with a valid signature, retrying a failed delivery with the same event id', async () => {
    // Prepare
    deliveries.length = 0;
    failuresLeft = 1;
    // Act
    const first = await submit('/payments', { reference: 'pay_x', amount: 2013, currency: 'USD' });
    const again = await submit('/payments', { reference: 'pay_x', amount: 2013, currency: 'USD' });
    await until(() => deliveries.length >= 2);
    await new Promise((r) => setTimeout(r, 100));
    // Assess
    assert.equal(first.channelReference, again.channelReference);
    assert.equal(deliveries.length, 2);
    const [a, b] = deliveries as [Delivery, Delivery];
    assert.equal(a.body, b.body);
    const event = JSON.parse(b.body);
    assert.equal(event.type, 'payment.failed');
    assert.equal(event.data.reference, 'pay_x');
    assert.equal(event.data.channelReference, first.channelReference);
    // The contract's scheme, computed independently: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>.
    const header = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(b.headers['sandbox-signature']));
    assert.ok(header, 'a t= and one v1= signature');
    assert.ok(Math.abs(Number(header[1]) - Date.now() / 1000) < 300, 'a current timestamp');
    assert.equal(
      header[2],
      createHmac('sha256', 'whsec_test').update(`${header[1]}.${b.body}`).digest('hex'),
    );
  });

  it('answers unavailable with a 503, never answers a timeout, and takes neither', async () => {
    // Act
    const down = await fetch(`${psp.url}/payments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ reference: 'pay_down', amount: 100, currency: 'USD', outcome: 'unavailable' }),
    });
    const silent = await fetch(`${psp.url}/payments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ reference: 'pay_silent', amount: 100, currency: 'USD', outcome: 'timeout' }),
      signal: AbortSignal.timeout(300),
    }).catch((error: Error) => error.name);
    // Assess
    assert.equal(down.status, 503);
    assert.equal(silent, 'TimeoutError');
    assert.equal((await fetch(`${psp.url}/payments/pay_down`)).status, 404);
    assert.equal((await fetch(`${psp.url}/payments/pay_silent`)).status, 404);
  });

  it('answers status queries: pending until the outcome is reported, for ever with none', async () => {
    // Prepare
    const { channelReference } = await submit('/payments', {
      reference: 'pay_query',
      amount: 1013,
      currency: 'USD',
    });
    await submit('/payments', { reference: 'pay_query_none', amount: 100, currency: 'USD', outcome: 'none' });
    const state = async (path: string) =>
      (await (await fetch(`${psp.url}${path}`)).json()) as { state: string };
    // Act
    await until(() => deliveries.some((d) => d.body.includes('pay_query')));
    // Assess
    assert.deepEqual(await state('/payments/pay_query'), {
      channelReference,
      state: 'failed',
      amount: 1013,
      currency: 'USD',
    });
    assert.equal((await state('/payments/pay_query_none')).state, 'pending');
    assert.equal((await fetch(`${psp.url}/refunds/pay_query`)).status, 404);
  });

  it('does not call back when the outcome is none', async () => {
    // Prepare
    deliveries.length = 0;
    // Act
    await submit('/refunds', {
      reference: 're_y',
      paymentReference: 'pay_y',
      amount: 5,
      currency: 'USD',
      outcome: 'none',
    });
    await new Promise((r) => setTimeout(r, 100));
    // Assess
    assert.equal(deliveries.length, 0);
  });
});
