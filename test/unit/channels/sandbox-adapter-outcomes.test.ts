/** The sandbox adapter against the sandbox PSP: `unavailable`, `timeout` and status queries. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type SandboxPsp, startSandboxPsp } from '../../../local/src/sandbox/psp-simulator.js';
import { createSandboxAdapter } from '../../../shared/channels/adapters.js';
import type { ChannelAdapter } from '../../../shared/channels/types.js';

describe('sandbox adapter outcomes', () => {
  let psp: SandboxPsp;
  let adapter: ChannelAdapter;

  before(async () => {
    // Callbacks go nowhere (port 9 refuses): only the submissions' answers matter here.
    psp = await startSandboxPsp({
      callbackUrl: 'http://127.0.0.1:9/',
      secret: 's',
      delayMs: 10,
      maxAttempts: 1,
    });
    adapter = createSandboxAdapter({ pspUrl: psp.url, timeoutMs: 300 });
  });
  after(() => psp.close());

  it('reads a 503 as unavailable, a submission never answered as unknown, and neither is found', async () => {
    // Act
    const down = await adapter.submitPayment({
      reference: 'pay_u',
      amount: 100,
      currency: 'USD',
      outcome: 'unavailable',
    });
    const slow = await adapter.submitPayment({
      reference: 'pay_t',
      amount: 100,
      currency: 'USD',
      outcome: 'timeout',
    });
    // Assess
    assert.equal(down.kind, 'unavailable');
    assert.equal(slow.kind, 'unknown');
    assert.deepEqual(await adapter.queryPayment({ reference: 'pay_u', currency: 'USD' }), {
      kind: 'not_found',
    });
    assert.deepEqual(await adapter.queryPayment({ reference: 'pay_t', currency: 'USD' }), {
      kind: 'not_found',
    });
  });

  it('finds what it took, with its state', async () => {
    const taken = await adapter.submitPayment({
      reference: 'pay_ok',
      amount: 1050,
      currency: 'USD',
      outcome: 'none',
    });
    const refund = await adapter.submitRefund({
      reference: 're_ok',
      paymentReference: 'pay_ok',
      paymentAmount: 1050,
      amount: 50,
      currency: 'USD',
      outcome: 'none',
    });
    assert.ok(taken.kind === 'accepted' && refund.kind === 'accepted');
    assert.deepEqual(await adapter.queryPayment({ reference: 'pay_ok', currency: 'USD' }), {
      kind: 'found',
      state: 'pending',
      channelReference: taken.channelReference,
      amount: 1050,
      currency: 'USD',
    });
    const found = await adapter.queryRefund({
      reference: 're_ok',
      paymentReference: 'pay_ok',
      currency: 'USD',
    });
    assert.ok(found.kind === 'found' && found.amount === 50);
  });
});
