import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ALIPAY_HEADER, gbk } from '../../../../bench/native-statements.js';
import { cutsOf, refusal, rowsOf } from './support.js';

const RULE = '#-----------------------------------------';
const PAYMENT =
  '2026030122001400001\t,pay_1\t,交易,Coffee,2026-03-01 18:06:58\t,2026-03-01 18:07:00\t,,,,,buyer***@example.com,10.50,10.50,0.00,0.00,0.00,0.00,0.00,,0.00,0.00,,0.06,0.00,';
const REFUND =
  '2026030122001400001\t,pay_1\t,退款,Coffee,2026-03-01 19:00:00\t,2026-03-01 19:00:00\t,,,,,buyer***@example.com,-5.00,-5.00,0.00,0.00,0.00,0.00,0.00,,0.00,0.00,re_1\t,-0.03,0.00,';

/** A trade bill around `rows`, as the GBK bytes Alipay serves. */
const bill = (rows: string[]) =>
  gbk(
    [
      '#支付宝业务明细查询',
      '#账号：[20880000000000000156]',
      '#起始日期：[2026年03月01日 00:00:00]   终止日期：[2026年03月02日 00:00:00]',
      `${RULE}业务明细列表----------------------------------------`,
      ALIPAY_HEADER,
      ...rows,
      `${RULE}业务明细列表结束------------------------------------`,
      '#交易合计：1笔，商家实收共10.50元，商家优惠共0.00元',
      '#退款合计：1笔，商家实收退款共-5.00元，商家优惠退款共0.00元',
      '#导出时间：[2026年03月02日 06:27:10]',
      '',
    ].join('\r\n'),
  );

describe('Alipay trade bill', () => {
  it('builds its fixtures from GBK bytes that the runtime decodes back to the same text', () => {
    // The byte table comes from another GBK implementation than the one the converter decodes with.
    assert.equal(new TextDecoder('gbk').decode(gbk(ALIPAY_HEADER)), ALIPAY_HEADER);
    assert.deepEqual([...gbk('业务')], [0xd2, 0xb5, 0xce, 0xf1]);
  });

  it('reads payments and refunds in fen, in Beijing time, skipping comment and summary lines', async () => {
    // Act
    const rows = await rowsOf('alipay', [bill([PAYMENT, REFUND])]);
    // Assess
    assert.deepEqual(rows, [
      {
        line: 6,
        channelReference: '2026030122001400001',
        reference: 'pay_1',
        type: 'payment',
        amount: 1050,
        currency: 'CNY',
        status: 'succeeded',
        fee: 6,
        occurredAt: '2026-03-01T18:07:00+08:00',
      },
      {
        line: 7,
        channelReference: '2026030122001400001',
        reference: 're_1',
        type: 'refund',
        amount: 500,
        currency: 'CNY',
        status: 'succeeded',
        fee: 3,
        occurredAt: '2026-03-01T19:00:00+08:00',
      },
    ]);
  });

  it('reads a bill whose header writes the parentheses half-width', async () => {
    // Prepare
    const bytes = gbk(`${ALIPAY_HEADER.replaceAll('（', '(').replaceAll('）', ')')}\r\n${PAYMENT}\r\n`);
    // Act
    const rows = await rowsOf('alipay', [bytes]);
    // Assess
    assert.equal(rows[0]?.amount, 1050);
  });

  it('refuses a bill without its column header, and one with comments only', async () => {
    const noHeader = await refusal('alipay', [gbk(`#支付宝业务明细查询\r\n${RULE}业务明细列表结束\r\n`)]);
    assert.equal(noHeader.code, 'missing_header');
    const wrongHeader = await refusal('alipay', [gbk('#支付宝业务明细查询\r\n支付宝交易号,商户订单号\r\n')]);
    assert.deepEqual([wrongHeader.code, wrongHeader.line], ['invalid_header', 2]);
    assert.match(wrongHeader.message, /业务类型/);
  });

  it('refuses junk yuan amounts, unknown business types and rows of another UTC day, naming line and column', async () => {
    const cases: [string, string, string][] = [
      [PAYMENT.replace(',10.50,10.50,', ',10.5O,10.50,'), 'invalid_value', '订单金额（元）'],
      [PAYMENT.replace(',10.50,10.50,', ',10.505,10.50,'), 'invalid_value', '订单金额（元）'],
      [PAYMENT.replace(',0.06,', ',0.06元,'), 'invalid_value', '服务费（元）'],
      [PAYMENT.replace(',交易,', ',业务,'), 'invalid_value', '业务类型'],
      // 07:59 Beijing time is still 23:59 UTC of the day before.
      [PAYMENT.replace('2026-03-01 18:07:00\t', '2026-03-01 07:59:59\t'), 'wrong_day', '完成时间'],
      [PAYMENT.replace('pay_1\t,交易', 'pay_1\t,交易,extra'), 'wrong_column_count', ''],
    ];
    for (const [row, code, column] of cases) {
      // Act
      const error = await refusal('alipay', [bill([PAYMENT, row])]);
      // Assess
      assert.deepEqual([error.code, error.line, error.column ?? ''], [code, 7, column], row);
    }
  });

  it('reads the same rows however the GBK bytes are cut, a character split in two included', async () => {
    // Prepare
    const bytes = bill([PAYMENT, REFUND]);
    const whole = await rowsOf('alipay', [bytes]);
    // Act + Assess
    for (const chunks of cutsOf(bytes)) assert.deepEqual(await rowsOf('alipay', chunks), whole);
  });
});
