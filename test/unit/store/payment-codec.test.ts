/**
 * The payment item's compact stored forms (payment-codec.ts) read back to exactly the answer the former
 * forms gave: the same routing decision and reason, the same attempts, the same replay.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { unconfiguredRouting } from '../../../shared/store/dynamodb/payments.js';
import {
  firstAnswerOf,
  type PaymentItem,
  paymentFromItem,
  type StoredRouting,
  verdictForSlot,
} from '../../../shared/store/items.js';
import {
  decodeAttempt,
  decodeRouting,
  encodeAttempt,
  encodeRouting,
  hasControlCharacter,
} from '../../../shared/store/payment-codec.js';
import { paymentItem, T0, T1 } from '../../support/event-samples.js';

const T2 = '2026-03-01T10:00:09.123Z';
const ID = 'pay_aaaaaaaaaaaaaaaaaaaaaaaaaa';
const FINGERPRINT = 'Zk3v9Q0aL2mN4pR6tV8xB1cD3fG5hJ7kL9nP1rT3vX5';

const routed: StoredRouting = {
  strategy: 'priority',
  rule: 'usd-cards',
  candidates: ['stripe', 'sandbox'],
  chosen: 'stripe',
  reason:
    'rule "usd-cards", priority: stripe, first healthy in order; skipped alipay (does not take the currency)',
};

/** The reasons decideRoute writes (domain/routing/decide.ts, strategies.ts), one of each shape. */
const REASONS: StoredRouting[] = [
  routed,
  unconfiguredRouting({}),
  unconfiguredRouting({ channel: 'stripe' }),
  {
    strategy: 'lowest_fee',
    rule: null,
    candidates: ['sandbox', 'stripe'],
    chosen: 'sandbox',
    reason: 'default, lowest_fee: sandbox, fee 152 is the lowest; skipped wechatpay (breaker open)',
  },
  {
    strategy: 'success_rate',
    rule: 'cny',
    candidates: ['wechatpay', 'alipay'],
    chosen: 'wechatpay',
    reason: 'rule "cny", success_rate: wechatpay, exploring instead of alipay (10% of traffic)',
  },
  {
    strategy: 'success_rate',
    rule: null,
    candidates: ['alipay', 'wechatpay'],
    chosen: 'alipay',
    reason: 'default, success_rate: alipay, best authorization rate, 97.5% over 40 attempts (all merchants)',
  },
  {
    strategy: 'volume_split',
    rule: 'split.v2',
    candidates: ['stripe'],
    chosen: 'stripe',
    reason:
      'rule "split.v2", volume_split: stripe, weight 30 of 30 among healthy; skipped sandbox (half-open, probe taken)',
  },
  {
    strategy: 'priority',
    rule: 'cny-wallets',
    candidates: [],
    chosen: null,
    reason:
      'rule "cny-wallets", priority: no healthy channel; skipped alipay (daily quota reached), wechatpay (daily quota reached)',
  },
  {
    strategy: 'pinned',
    rule: null,
    candidates: [],
    chosen: null,
    reason: 'pinned to stripe, which cannot take it: breaker open',
  },
  { ...routed, reason: 'created before routing' },
];

describe('the compact routing decision', () => {
  it('reads back every reason decideRoute writes, keeping only what the other fields do not say', () => {
    for (const routing of REASONS) {
      const rt = encodeRouting(routing);
      assert.ok(rt, routing.reason);
      assert.deepEqual(decodeRouting(rt), routing);
      assert.ok((rt[1] ?? '').length <= routing.reason.length + 1, `${rt.join('|')}`);
    }
    assert.deepEqual(encodeRouting(routed), ['0stripe sandbox', '\u0001\u0002alipay\u0003', 'usd-cards']);
  });

  it('reads back any rule and reason, or leaves the decision to the map', () => {
    const channel = fc.constantFrom('sandbox', 'stripe', 'alipay', 'wechatpay');
    fc.assert(
      fc.property(
        fc.constantFrom('priority', 'volume_split', 'lowest_fee', 'success_rate', 'pinned'),
        fc.option(fc.string({ maxLength: 12 }), { nil: null }),
        fc.uniqueArray(channel, { maxLength: 3 }),
        fc.boolean(),
        fc.string({ maxLength: 40 }),
        (strategy, rule, candidates, wellFormed, tail) => {
          const chosen = candidates[0] ?? null;
          const where = rule === null ? 'default' : `rule "${rule}"`;
          const reason = wellFormed ? `${where}, ${strategy}: ${chosen ?? ''}${tail}` : tail;
          const routing = { strategy, rule, candidates, chosen, reason } as StoredRouting;
          const rt = encodeRouting(routing);
          if (rt) assert.deepEqual(decodeRouting(rt), routing);
          else assert.ok(hasControlCharacter(reason), JSON.stringify(reason));
        },
      ),
    );
  });

  it('stores a chosen channel that is not the first candidate as the map', () => {
    assert.equal(encodeRouting({ ...routed, chosen: 'sandbox' }), undefined);
  });
});

describe('the compact attempt', () => {
  it('reads back its channel, outcome and time to the millisecond, and reads the former map as it was', () => {
    for (const outcome of ['unavailable', 'declined', 'succeeded', 'failed'] as const) {
      const at = new Date(T2);
      assert.deepEqual(decodeAttempt(encodeAttempt('wechatpay', outcome, at)), {
        channel: 'wechatpay',
        outcome,
        at: T2,
      });
    }
    assert.equal(encodeAttempt('stripe', 'unavailable', new Date(T2)), 'stripe 01772359209123');
    assert.deepEqual(decodeAttempt({ channel: 'stripe', outcome: 'declined', at: T1 }), {
      channel: 'stripe',
      outcome: 'declined',
      at: T1,
    });
  });
});

describe('a routed, failed-over, captured payment: the compact item answers what the former item did', () => {
  const common = {
    id: ID,
    status: 'succeeded' as const,
    channel: 'sandbox' as const,
    channelReference: 'sbx_1',
    amount: 4_200,
    refundableRemaining: 4_200,
    description: 'Order #10023: 2 items, express shipping to Berlin',
    updatedAt: T2,
    outcomeAt: T2,
    lastChannelEventId: 'evt_sbx_1',
    GSI2PK: 'SETL#m_demo_1#a',
    GSI2SK: `${T2}#payment#${ID}`,
    risk: { score: 12, decision: 'approve' as const, reasons: ['amount_vs_history'], assessedAt: T2 },
  };
  const metadata: [string, string][] = [
    ['order_id', '10023'],
    ['__proto__', 'x'],
    ['campaign', 'winter-sale'],
  ];
  /** As written before: the decision as a map, attempts as maps with the capture, all of it kept. */
  const former = paymentItem({
    ...common,
    routing: routed,
    attempts: [
      { channel: 'stripe', outcome: 'unavailable', at: T1 },
      { channel: 'sandbox', outcome: 'succeeded', at: T2 },
    ],
    metadataPairs: metadata,
    metadata: undefined,
    idempotencyKey: 'order-10023',
    requestFingerprint: FINGERPRINT,
  });
  /** As written now: `rt`, the failover's compact attempt, the capture dated by GSI2SK, `md`, `rf`. */
  const { idempotencyKey: _key, requestFingerprint: _fp, metadata: _m, ...rest } = paymentItem(common);
  const compact: PaymentItem = {
    ...rest,
    rt: encodeRouting(routed),
    attempts: [encodeAttempt('stripe', 'unavailable', new Date(T1))],
    md: metadata,
    rf: FINGERPRINT.slice(0, 22),
  };

  it('gives the same payment, to the byte', () => {
    assert.equal(JSON.stringify(paymentFromItem(compact)), JSON.stringify(paymentFromItem(former)));
    assert.deepEqual(paymentFromItem(compact).routing.attempts, [
      { channel: 'stripe', outcome: 'unavailable', at: T1 },
      { channel: 'sandbox', outcome: 'succeeded', at: T2 },
    ]);
  });

  it('replays the same first answer for the same request, and refuses another body under the key', () => {
    assert.equal(JSON.stringify(firstAnswerOf(compact)), JSON.stringify(firstAnswerOf(former)));
    assert.deepEqual(verdictForSlot(compact, FINGERPRINT), verdictForSlot(former, FINGERPRINT));
    assert.deepEqual(verdictForSlot(compact, `${FINGERPRINT.slice(0, 21)}Q${FINGERPRINT.slice(22)}`), {
      reused: true,
    });
    assert.deepEqual(verdictForSlot({ ...compact, rf: '' }, FINGERPRINT), { reused: true });
    assert.equal(firstAnswerOf(compact).routing.attempts.length, 1, 'the create answered pending only');
    assert.equal(firstAnswerOf(compact).createdAt, T0);
  });
});
