/**
 * Reconciliation runs on DynamoDB Local against channels' own statements: a WeChat Pay bill served by the
 * channel and an Alipay GBK bill uploaded by ops are converted as the run reads them, classified like a
 * canonical statement, and a malformed native row fails the run naming its native line and column.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { readStatement } from '../../shared/domain/reconciliation/native/index.js';
import type { StatementRow } from '../../shared/domain/reconciliation/row.js';
import { executeRun, type StatementHandle } from '../../shared/reconciliation/run.js';
import { DynamoChannelOutcomeStore } from '../../shared/store/dynamodb/channel-outcomes.js';
import {
  type DiscrepancyItem,
  DynamoReconciliationStore,
} from '../../shared/store/dynamodb/reconciliation.js';
import { keys } from '../../shared/store/keys.js';
import { alipayBillLines, gbk, wechatpayBillLines } from '../bench/native-statements.js';
import { LOCAL_INDEX_LAG_MS, startTestTable, type TestTable } from '../support/dynamodb.js';

const DATE = '2026-11-21';
const AT = `${DATE}T04:00:00.000Z`;

describe('reconciliation runs on native channel statements', () => {
  let table: TestTable;
  let store: DynamoReconciliationStore;
  let outcomes: DynamoChannelOutcomeStore;

  before(async () => {
    table = await startTestTable();
    const context = { client: table.client, tableName: table.tableName };
    store = new DynamoReconciliationStore(context);
    outcomes = new DynamoChannelOutcomeStore(context);
  });
  after(async () => table.stop());

  /**
   * A payment or refund whose outcome on `channel` was applied for `row`: the item as the callback's guarded
   * transition leaves it, with its GSI3 entry (what a run reads).
   */
  const expect_ = (channel: string, row: StatementRow) =>
    table.client.send(
      new PutItemCommand({
        TableName: table.tableName,
        Item: marshall({
          PK: `OBJ#native_${row.reference}`,
          SK: row.type === 'payment' ? 'OBJ' : `REF#${row.reference}`,
          entity: row.type,
          id: row.reference,
          channel,
          channelReference: row.channelReference,
          merchantId: 'm_native',
          amount: row.amount,
          currency: row.currency,
          status: row.status,
          outcomeAt: AT,
          lastChannelEventId: `evt_${channel}_${row.reference}`,
          ...keys.outcome(channel, DATE, row.type, row.reference as string),
        }),
      }),
    );

  const run = async (channel: string, key: string, handle: StatementHandle) => {
    const started = await store.createRun({
      callerId: 'ops',
      idempotencyKey: key,
      requestFingerprint: `fp-${key}`,
      channel,
      date: DATE,
      now: new Date(),
    });
    return executeRun(
      { store, outcomes, indexLagMs: LOCAL_INDEX_LAG_MS, statement: async () => handle },
      started.body.id,
    );
  };

  const outcome = (n: number, type: StatementRow['type'], amount: number): StatementRow => ({
    channelReference: `42000${n}`,
    reference: `${type === 'payment' ? 'pay' : 're'}_native${n}`,
    type,
    amount,
    currency: 'CNY',
    status: 'succeeded',
    fee: 0,
    occurredAt: '2026-11-21T12:00:00+08:00',
  });

  it("classifies the WeChat Pay bill the channel serves, findings on the bill's own lines", async () => {
    // Prepare: one matched, one refund of another amount, one the bill lacks, one we never heard of
    const [a, b, c, d] = [
      outcome(1, 'payment', 1050),
      outcome(2, 'refund', 500),
      outcome(3, 'payment', 700),
      outcome(4, 'payment', 900),
    ] as const;
    for (const row of [a, b, c]) await expect_('wechatpay', row);
    const bill = [...wechatpayBillLines([a, { ...b, amount: 400 }, d])].join('');
    const handle: StatementHandle = {
      source: 'channel',
      rows: () => readStatement([new TextEncoder().encode(bill)], { channel: 'wechatpay', date: DATE }),
    };

    // Act
    const done = await run('wechatpay', 'native-1', handle);

    // Assess
    assert.equal(done.status, 'completed', String(done.error));
    assert.deepEqual(done.counts, {
      matched: 1,
      localMissing: 1,
      channelMissing: 1,
      mismatched: 1,
      duplicates: 0,
    });
    const page = await store.listForRun(await store.getRun(done.id), { limit: 10 });
    const lines = (page.data as DiscrepancyItem[]).map((f) => [f.kind, f.line]).sort();
    assert.deepEqual(lines, [
      ['channel_missing', null],
      ['local_missing', 4],
      ['mismatch', 3],
    ]);
  });

  it('reads an uploaded Alipay bill from its GBK bytes', async () => {
    // Prepare
    const rows = [outcome(5, 'payment', 1050), outcome(6, 'refund', 300)];
    for (const row of rows) await expect_('alipay', row);
    const bytes = gbk([...alipayBillLines(rows, DATE)].join(''));
    const handle: StatementHandle = {
      source: 'upload',
      rows: () =>
        readStatement([bytes.subarray(0, 333), bytes.subarray(333)], { channel: 'alipay', date: DATE }),
    };

    // Act
    const done = await run('alipay', 'native-2', handle);

    // Assess
    assert.equal(done.status, 'completed', String(done.error));
    assert.equal(done.source, 'upload');
    assert.deepEqual(done.counts, {
      matched: 2,
      localMissing: 0,
      channelMissing: 0,
      mismatched: 0,
      duplicates: 0,
    });
  });

  it('fails the run on a malformed native row, naming its line and column, and writes no finding', async () => {
    // Prepare
    const bill = [...wechatpayBillLines([outcome(7, 'payment', 1050)])]
      .join('')
      .replace('`SUCCESS', '`PAYING');
    const before = await store.known('wechatpay', DATE);

    // Act
    const done = await run('wechatpay', 'native-3', {
      source: 'channel',
      rows: () => readStatement(bill, { channel: 'wechatpay', date: DATE }),
    });

    // Assess
    assert.equal(done.status, 'failed');
    assert.match(String(done.error), /line 2, column 交易状态/);
    assert.equal((await store.known('wechatpay', DATE)).size, before.size);
  });
});
