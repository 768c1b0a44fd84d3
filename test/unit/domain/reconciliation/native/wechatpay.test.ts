import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WECHATPAY_HEADER } from '../../../../bench/native-statements.js';
import { cutsOf, refusal, rowsOf } from './support.js';

/** A bill row from its 27 values, each with the backtick WeChat Pay puts before it. */
const row = (values: string[]) => values.map((v) => `\`${v}`).join(',');
const base = (time: string, state: string) => [
  time,
  'wx8888888888888888',
  '1900000109',
  '0',
  '',
  '4200001',
  'pay_1',
  'oUpF8u',
  'NATIVE',
  state,
  'OTHERS',
  'CNY',
];
const PAYMENT = row([
  ...base('2026-03-01 18:07:00', 'SUCCESS'),
  '10.50',
  '0.00',
  '0',
  '0',
  '0.00',
  '0.00',
  '',
  '',
  'Coffee',
  '',
  '0.06',
  '0.60%',
  '10.50',
  '0.00',
  '',
]);
const REVOKED = row([
  ...base('2026-03-01 18:10:00', 'REVOKED'),
  '0.00',
  '0.00',
  '0',
  '0',
  '0.00',
  '0.00',
  '',
  '',
  'Coffee',
  '',
  '0.00',
  '0.60%',
  '8.00',
  '0.00',
  '',
]);
const refund = (state: string, fee = '-0.03') =>
  row([
    ...base('2026-03-01 19:00:00', 'REFUND'),
    '0.00',
    '0.00',
    '5000001',
    're_1',
    '5.00',
    '0.00',
    'ORIGINAL',
    state,
    'Coffee',
    '',
    fee,
    '0.60%',
    '10.50',
    '5.00',
    '',
  ]);
const SUMMARY =
  '总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额\r\n`3,`10.50,`5.00,`0.00,`0.03,`18.50,`5.00\r\n';
const bill = (rows: string[]) => `${WECHATPAY_HEADER}\r\n${rows.map((r) => `${r}\r\n`).join('')}${SUMMARY}`;

describe('WeChat Pay trade bill', () => {
  it('reads paid, revoked and refunded orders without their backticks, and stops at the summary', async () => {
    // Act
    const rows = await rowsOf(
      'wechatpay',
      bill([PAYMENT, REVOKED, refund('SUCCESS'), refund('FAIL', '0.00')]),
    );
    // Assess
    const common = { currency: 'CNY' };
    assert.deepEqual(rows, [
      {
        line: 2,
        channelReference: '4200001',
        reference: 'pay_1',
        type: 'payment',
        amount: 1050,
        ...common,
        status: 'succeeded',
        fee: 6,
        occurredAt: '2026-03-01T18:07:00+08:00',
      },
      {
        line: 3,
        channelReference: '4200001',
        reference: 'pay_1',
        type: 'payment',
        amount: 800,
        ...common,
        status: 'failed',
        fee: 0,
        occurredAt: '2026-03-01T18:10:00+08:00',
      },
      {
        line: 4,
        channelReference: '5000001',
        reference: 're_1',
        type: 'refund',
        amount: 500,
        ...common,
        status: 'succeeded',
        fee: 3,
        occurredAt: '2026-03-01T19:00:00+08:00',
      },
      {
        line: 5,
        channelReference: '5000001',
        reference: 're_1',
        type: 'refund',
        amount: 500,
        ...common,
        status: 'failed',
        fee: 0,
        occurredAt: '2026-03-01T19:00:00+08:00',
      },
    ]);
  });

  it('leaves out a refund still processing: it is no outcome yet', async () => {
    assert.deepEqual(await rowsOf('wechatpay', bill([refund('PROCESSING')])), []);
  });

  it('refuses unknown states, junk yuan and rows of another UTC day, naming the line and the column', async () => {
    const cases: [string, string, string][] = [
      [PAYMENT.replace('`SUCCESS', '`NOTPAY'), 'invalid_value', '交易状态'],
      [refund('WAITING'), 'invalid_value', '退款状态'],
      // A comma inside an amount (10,50) makes one column too many.
      [PAYMENT.replace('`10.50,`0.00,`0,', '`10,50,`0.00,`0,'), 'wrong_column_count', ''],
      [PAYMENT.replace('`0.60%,`10.50', '`0.60%,`10.5.0'), 'invalid_value', '订单金额'],
      [
        refund('SUCCESS').replace('`5.00,`0.00,`ORIGINAL', '`-5.00x,`0.00,`ORIGINAL'),
        'invalid_value',
        '退款金额',
      ],
      [PAYMENT.replace('`CNY', '`RMB'), 'invalid_value', '货币种类'],
      [PAYMENT.replace('`2026-03-01 18:07:00', '`2026-03-02 08:00:00'), 'wrong_day', '交易时间'],
      [PAYMENT.replace('`4200001', '`'), 'invalid_value', '微信订单号'],
    ];
    for (const [line, code, column] of cases) {
      // Act
      const error = await refusal('wechatpay', bill([PAYMENT, line]));
      // Assess
      assert.deepEqual([error.code, error.line, error.column ?? ''], [code, 3, column], line);
    }
  });

  it('refuses an empty bill and a header without the columns it needs', async () => {
    assert.equal((await refusal('wechatpay', '')).code, 'missing_header');
    const error = await refusal('wechatpay', '交易时间,商户订单号\r\n`2026-03-01 18:07:00,`pay_1\r\n');
    assert.deepEqual([error.code, error.line], ['invalid_header', 1]);
    assert.match(error.message, /微信订单号/);
  });

  it('reads the same rows however the UTF-8 bytes are cut, a character split in three included', async () => {
    // Prepare
    const bytes = new TextEncoder().encode(bill([PAYMENT, refund('SUCCESS')]));
    const whole = await rowsOf('wechatpay', [bytes]);
    // Act + Assess
    assert.equal(whole.length, 2);
    for (const chunks of cutsOf(bytes)) assert.deepEqual(await rowsOf('wechatpay', chunks), whole);
  });
});
