/**
 * The daily schedule's tick on the reconciliation runs queue: it starts yesterday's run (UTC) for every
 * channel with a statement source (all four: sandbox, Stripe, Alipay, WeChat Pay), each under an
 * Idempotency-Key of the schedule, the channel and the day, so a redelivered tick starts nothing twice.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SQSRecord } from 'aws-lambda';

process.env.TABLE_NAME = 'payments-unit';
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
const { handleRunMessage, parseRunMessage, SCHEDULED_CHANNELS } = await import(
  '../../../functions/events/reconcile-run.js'
);

type CreateRun = { callerId: string; idempotencyKey: string; channel: string; date: string };

/** Dependencies whose store records the runs created; nothing else is used by a tick. */
function recording() {
  const created: CreateRun[] = [];
  const store = {
    createRun: async (input: CreateRun) => {
      created.push(input);
      return { status: 202, body: { id: `rcr_${input.channel}`, status: 'running' as const } };
    },
  };
  const deps = { store, outcomes: {}, statement: async () => assert.fail('a tick reads no statement') };
  return { created, deps: deps as unknown as Parameters<typeof handleRunMessage>[0] };
}

const tick = (time: string) =>
  JSON.stringify({
    version: '0',
    id: 'b5e0b5f5-0000-4000-8000-000000000001',
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '000000000000',
    time,
    region: 'us-east-1',
    resources: ['arn:aws:events:us-east-1:000000000000:rule/ReconciliationDailySchedule'],
    detail: {},
  });

describe('daily reconciliation schedule', () => {
  it("starts every channel's run of the latest day its statement is ready: yesterday's sandbox CSV, the vendors' day before", async () => {
    // Prepare
    const { created, deps } = recording();
    const message = parseRunMessage(tick('2026-12-07T02:30:00Z'));
    // Act
    await handleRunMessage(deps, message, { messageId: 'm1' } as SQSRecord);
    // Assess
    assert.deepEqual(SCHEDULED_CHANNELS, ['sandbox', 'stripe', 'alipay', 'wechatpay']);
    assert.deepEqual(
      created.map((c) => [c.callerId, c.idempotencyKey, c.channel, c.date]),
      [
        ['schedule', 'daily:sandbox:2026-12-06', 'sandbox', '2026-12-06'],
        ['schedule', 'daily:stripe:2026-12-05', 'stripe', '2026-12-05'],
        ['schedule', 'daily:alipay:2026-12-05', 'alipay', '2026-12-05'],
        ['schedule', 'daily:wechatpay:2026-12-05', 'wechatpay', '2026-12-05'],
      ],
    );
  });

  it('starts the same runs under the same keys when the tick is redelivered', async () => {
    // Prepare
    const { created, deps } = recording();
    const message = parseRunMessage(tick('2026-12-07T02:30:03Z'));
    // Act
    await handleRunMessage(deps, message, { messageId: 'm1' } as SQSRecord);
    await handleRunMessage(deps, message, { messageId: 'm1' } as SQSRecord);
    // Assess
    const keys = created.map((c) => c.idempotencyKey);
    assert.deepEqual(keys.slice(0, 4), keys.slice(4));
  });
});
