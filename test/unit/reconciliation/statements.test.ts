import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StatementFormatError } from '../../../shared/domain/reconciliation/errors.js';
import {
  countStatementRows,
  statementFinder,
  statementKey,
  statementMediaTypes,
} from '../../../shared/reconciliation/statements.js';
import { alipayBillLines, gbk, wechatpayBillLines } from '../../bench/native-statements.js';

const DATE = '2026-03-01';
const ROW = {
  channelReference: '2026030122001400001',
  reference: 'pay_1',
  type: 'payment',
  amount: 1050,
  currency: 'CNY',
  status: 'succeeded',
  fee: 6,
  occurredAt: '2026-03-01T18:07:00+08:00',
} as const;
const ALIPAY_BILL = gbk([...alipayBillLines([ROW], DATE)].join(''));

describe('statements of channels with a native format', () => {
  it('may be uploaded as the channel sends them; other channels take text/csv alone', () => {
    assert.deepEqual(statementMediaTypes('alipay'), ['text/csv', 'text/plain', 'application/octet-stream']);
    assert.deepEqual(statementMediaTypes('sandbox'), ['text/csv']);
  });

  it('are checked whole when uploaded: a GBK Alipay bill counts its rows, a bad WeChat Pay row is refused', async () => {
    assert.equal(await countStatementRows(ALIPAY_BILL, { channel: 'alipay', date: DATE }), 1);
    const bill = new TextEncoder().encode(
      [...wechatpayBillLines([{ ...ROW, amount: 1050 }])].join('').replace('`0.60%,`10.50', '`0.60%,`10.5O'),
    );
    await assert.rejects(
      countStatementRows(bill, { channel: 'wechatpay', date: DATE }),
      (e) => e instanceof StatementFormatError && e.line === 2 && e.column === '订单金额',
    );
  });

  it('are stored as uploaded and converted when a run reads the object', async () => {
    // Prepare: the uploaded object, served back in two chunks cut inside a character
    const key = statementKey('alipay', DATE);
    const finder = statementFinder({
      bucket: 'statements',
      channels: {},
      objects: {
        headObject: async (_bucket, k) =>
          k === key ? { size: ALIPAY_BILL.length, lastModified: new Date() } : undefined,
        getObject: async () =>
          (async function* () {
            yield ALIPAY_BILL.subarray(0, 101);
            yield ALIPAY_BILL.subarray(101);
          })(),
      },
    });
    // Act
    const handle = await finder('alipay', DATE);
    const rows = [];
    for await (const { line: _, ...row } of handle.rows()) rows.push(row);
    // Assess
    assert.equal(handle.source, 'upload');
    assert.deepEqual(rows, [ROW]);
  });

  it('of a Beijing-day channel are read from the two bills that hold the UTC day, keeping its rows alone', async () => {
    // Prepare: WeChat Pay bills of Beijing 03-01 and 03-02, each with a row on either side of the UTC day
    const at = (occurredAt: string, n: number) => ({ ...ROW, occurredAt, reference: `pay_${n}` });
    const bills: Record<string, ReturnType<typeof at>[]> = {
      '2026-03-01': [at('2026-03-01T07:59:59+08:00', 1), at('2026-03-01T08:00:00+08:00', 2)],
      '2026-03-02': [at('2026-03-02T07:59:59+08:00', 3), at('2026-03-02T08:00:00+08:00', 4)],
    };
    const asked: string[] = [];
    const finder = statementFinder({
      bucket: 'statements',
      objects: { headObject: async () => undefined, getObject: async () => undefined },
      channels: {
        wechatpay: {
          async *fetchStatement(day: string) {
            asked.push(day);
            yield [...wechatpayBillLines(bills[day] ?? [])].join('');
          },
        },
      },
    });

    // Act
    const handle = await finder('wechatpay', DATE);
    const references = [];
    for await (const row of handle.rows()) references.push(row.reference);

    // Assess: 08:00 Beijing is 00:00 UTC; the rows before it on 03-01 and from it on 03-02 are other days
    assert.equal(handle.source, 'channel');
    assert.deepEqual(asked, ['2026-03-01', '2026-03-02']);
    assert.deepEqual(references, ['pay_2', 'pay_3']);
  });

  it('uploaded for a UTC day still refuse a row of another day, whatever the channel', async () => {
    const bill = new TextEncoder().encode(
      [...wechatpayBillLines([{ ...ROW, occurredAt: '2026-03-02T08:00:00+08:00' }])].join(''),
    );
    await assert.rejects(
      countStatementRows(bill, { channel: 'wechatpay', date: DATE }),
      (e) => e instanceof StatementFormatError && e.code === 'wrong_day' && e.line === 2,
    );
  });
});
