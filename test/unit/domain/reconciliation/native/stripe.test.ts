import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { STRIPE_HEADER } from '../../../../bench/native-statements.js';
import { cutsOf, refusal, rowsOf } from './support.js';

// Prepare (shared): an itemized balance export of one day, every kind of row it can hold.
const STATEMENT = [
  STRIPE_HEADER,
  'txn_1,2026-03-01 10:07:00,usd,10.50,0.60,9.90,charge,ch_1,pi_1,Payment,pay_1,',
  'txn_2,2026-03-01 11:00:00,usd,-5.00,0.00,-5.00,refund,re_1,,"Refund, partial",,re_1',
  'txn_3,2026-03-01 12:00:00,usd,5.00,0.00,5.00,refund_failure,re_2,,Refund failed,,re_2',
  'txn_4,2026-03-01 13:00:00,jpy,1050,40,1010,charge,ch_2,pi_2,Payment,,',
  'txn_5,2026-03-01 14:00:00,usd,-100.00,0.00,-100.00,payout,po_1,,STRIPE PAYOUT,,',
  'txn_6,2026-03-01 15:00:00,usd,-2.00,0.00,-2.00,fee,fee_1,,Billing,,',
  '',
].join('\r\n');

describe('Stripe balance-transaction statement', () => {
  it('reads charges, refunds and failed refunds in minor units by currency, and skips payouts and fees', async () => {
    // Act
    const rows = await rowsOf('stripe', STATEMENT);
    // Assess
    assert.deepEqual(rows, [
      {
        line: 2,
        channelReference: 'pi_1',
        reference: 'pay_1',
        type: 'payment',
        amount: 1050,
        currency: 'USD',
        status: 'succeeded',
        fee: 60,
        occurredAt: '2026-03-01T10:07:00Z',
      },
      {
        line: 3,
        channelReference: 're_1',
        reference: 're_1',
        type: 'refund',
        amount: 500,
        currency: 'USD',
        status: 'succeeded',
        fee: 0,
        occurredAt: '2026-03-01T11:00:00Z',
      },
      {
        line: 4,
        channelReference: 're_2',
        reference: 're_2',
        type: 'refund',
        amount: 500,
        currency: 'USD',
        status: 'failed',
        fee: 0,
        occurredAt: '2026-03-01T12:00:00Z',
      },
      {
        line: 5,
        channelReference: 'pi_2',
        reference: null,
        type: 'payment',
        amount: 1050,
        currency: 'JPY',
        status: 'succeeded',
        fee: 40,
        occurredAt: '2026-03-01T13:00:00Z',
      },
    ]);
  });

  it('finds columns by name in any order, with the Dashboard export names and Unix-second times', async () => {
    // Prepare
    const csv =
      'currency,created,type,id,source,amount,fee,net,metadata[reference]\nusd,1772359620,charge,txn_1,ch_9,1.00,0.33,0.67,pay_9\n';
    // Act
    const rows = await rowsOf('stripe', csv);
    // Assess
    assert.equal(rows.length, 1);
    assert.deepEqual(
      { ...rows[0] },
      {
        line: 2,
        channelReference: 'ch_9',
        reference: 'pay_9',
        type: 'payment',
        amount: 100,
        currency: 'USD',
        status: 'succeeded',
        fee: 33,
        occurredAt: '2026-03-01T10:07:00.000Z',
      },
    );
  });

  it('refuses an amount with more decimals than the currency has, naming the line and the native column', async () => {
    // Act
    const error = await refusal(
      'stripe',
      `${STRIPE_HEADER}\ntxn_1,2026-03-01 10:07:00,jpy,10.5,0,10.5,charge,ch_1,pi_1,P,pay_1,\n`,
    );
    // Assess
    assert.equal(error.code, 'invalid_value');
    assert.equal(error.line, 2);
    assert.equal(error.column, 'gross');
    assert.deepEqual(error.statement, { channel: 'stripe', date: '2026-03-01' });
  });

  it('refuses junk amounts, unknown currencies, short rows and rows of another day', async () => {
    const row = (fields: string) => `${STRIPE_HEADER}\n${fields}\n`;
    const cases: [string, string, string][] = [
      [row('txn_1,2026-03-01 10:07:00,usd,1e3,0,0,charge,ch_1,pi_1,P,pay_1,'), 'invalid_value', 'gross'],
      [row('txn_1,2026-03-01 10:07:00,usd,10.50,abc,0,charge,ch_1,pi_1,P,pay_1,'), 'invalid_value', 'fee'],
      [row('txn_1,2026-03-01 10:07:00,usx,10.50,0,0,charge,ch_1,pi_1,P,pay_1,'), 'invalid_value', 'currency'],
      [row('txn_1,2026-03-01 10:07:00,usd,0.00,0,0,charge,ch_1,pi_1,P,pay_1,'), 'invalid_value', 'gross'],
      [
        row('txn_1,2026-03-01 10:07:00,usd,10.50,0,0,charge,ch_1,pi_1,P'),
        'wrong_column_count',
        'payment_metadata[reference]',
      ],
      [row('txn_1,2026-03-02 00:00:00,usd,10.50,0,0,charge,ch_1,pi_1,P,pay_1,'), 'wrong_day', 'created_utc'],
      [row('txn_1,2026-03-01 10:07,usd,10.50,0,0,charge,ch_1,pi_1,P,pay_1,'), 'invalid_value', 'created_utc'],
    ];
    for (const [csv, code, column] of cases) {
      // Act
      const error = await refusal('stripe', csv);
      // Assess
      assert.deepEqual([error.code, error.line, error.column], [code, 2, column], csv);
    }
  });

  it('refuses an empty statement and a header without the columns it needs', async () => {
    assert.equal((await refusal('stripe', '')).code, 'missing_header');
    const error = await refusal('stripe', 'id,amount,currency\ntxn_1,1.00,usd\n');
    assert.equal(error.code, 'invalid_header');
    assert.equal(error.line, 1);
    assert.match(error.message, /reporting_category or type/);
  });

  it('reads the same rows however the bytes are cut into chunks', async () => {
    // Prepare
    const bytes = new TextEncoder().encode(STATEMENT);
    const whole = await rowsOf('stripe', [bytes]);
    // Act + Assess
    for (const chunks of cutsOf(bytes)) assert.deepEqual(await rowsOf('stripe', chunks), whole);
  });
});
