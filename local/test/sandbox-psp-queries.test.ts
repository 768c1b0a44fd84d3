/** The sandbox PSP's `unavailable` and `timeout` outcomes and its status queries. */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { type SandboxPsp, startSandboxPsp } from '../src/sandbox/psp-simulator.js';

describe('sandbox PSP outcomes and status queries', () => {
  let delivered = 0;
  const receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      delivered++;
      res.writeHead(200).end('{}');
    });
  });
  let psp: SandboxPsp;
  // Long enough that a loaded machine still queries before the outcome falls due; the waits for what
  // must not happen are longer than it.

  before(async () => {
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/callbacks`;
    psp = await startSandboxPsp({ callbackUrl: url, secret: 'whsec_test', delayMs: 300, holdMs: 2000 });
  });
  after(async () => {
    await psp.close();
    receiver.close();
  });

  const post = (path: string, body: object, signal?: AbortSignal) =>
    fetch(`${psp.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      ...(signal ? { signal } : {}),
    });
  const query = async (path: string) => {
    const response = await fetch(`${psp.url}${path}`);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const until = async (predicate: () => Promise<boolean>) => {
    for (let i = 0; i < 200 && !(await predicate()); i++) await new Promise((r) => setTimeout(r, 10));
  };

  it('answers a payment pending, then as its callback said; a refund likewise', async () => {
    // Act
    const taken = (await (
      await post('/payments', { reference: 'pay_q1', amount: 2013, currency: 'EUR' })
    ).json()) as {
      channelReference: string;
    };
    const early = await query('/payments/pay_q1');
    await until(async () => (await query('/payments/pay_q1')).body.state !== 'pending');
    const late = await query('/payments/pay_q1');
    await post('/refunds', { reference: 're_q1', paymentReference: 'pay_q0', amount: 5, currency: 'EUR' });
    await until(async () => (await query('/refunds/re_q1')).body.state !== 'pending');
    // Assess
    assert.deepEqual(early, {
      status: 200,
      body: { state: 'pending', channelReference: taken.channelReference, amount: 2013, currency: 'EUR' },
    });
    assert.equal(late.body.state, 'failed');
    assert.equal((await query('/refunds/re_q1')).body.state, 'succeeded');
    // A payment's reference is not a refund's.
    assert.equal((await query('/refunds/pay_q1')).status, 404);
  });

  it('keeps a payment with outcome none pending', async () => {
    await post('/payments', { reference: 'pay_q2', amount: 100, currency: 'USD', outcome: 'none' });
    await new Promise((r) => setTimeout(r, 500));
    assert.equal((await query('/payments/pay_q2')).body.state, 'pending');
  });

  it('answers unavailable 503 and takes nothing: a query finds nothing, no callback comes', async () => {
    const before = delivered;
    const response = await post('/payments', {
      reference: 'pay_q3',
      amount: 100,
      currency: 'USD',
      outcome: 'unavailable',
    });
    assert.equal(response.status, 503);
    await response.arrayBuffer();
    await new Promise((r) => setTimeout(r, 500));
    assert.equal((await query('/payments/pay_q3')).status, 404);
    assert.equal(delivered, before);
  });

  it('never answers a timeout submission and takes nothing', async () => {
    const before = delivered;
    await assert.rejects(
      post(
        '/payments',
        { reference: 'pay_q4', amount: 100, currency: 'USD', outcome: 'timeout' },
        AbortSignal.timeout(300),
      ),
      { name: 'TimeoutError' },
    );
    await new Promise((r) => setTimeout(r, 500));
    assert.equal((await query('/payments/pay_q4')).status, 404);
    assert.equal(delivered, before);
  });
});
