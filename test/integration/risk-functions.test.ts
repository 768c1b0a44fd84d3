/**
 * Risk's internal functions (functions/internal/*.ts) on DynamoDB Local, invoked as other services invoke
 * them: through their clients (shared/services/risk-functions.ts) and the local Lambda endpoint, payloads
 * parsed with their contracts (shared/schemas/risk-functions.ts). Holds set and released once each,
 * reconciliation's holds sent once per batch of findings.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { createDynamoDbClient, setDynamoDbClient } from '../../shared/aws/dynamodb.js';
import { RISK_RATING_LIMITS } from '../../shared/domain/merchants/risk-ratings.js';
import { formatStatementCsv } from '../../shared/domain/reconciliation/format.js';
import { readStatement } from '../../shared/domain/reconciliation/native/index.js';
import { executeRun } from '../../shared/reconciliation/run.js';
import { rateMerchantRequest, setHoldsRequest } from '../../shared/schemas/risk-functions.js';
import { DEFAULT_RISK_PROFILE } from '../../shared/schemas/risk-profile.js';
import { holdRegistryOf, profileRaterOf } from '../../shared/services/risk-functions.js';
import { DynamoChannelOutcomeStore } from '../../shared/store/dynamodb/channel-outcomes.js';
import { DynamoMerchantStore } from '../../shared/store/dynamodb/merchants.js';
import { DynamoPaymentStore } from '../../shared/store/dynamodb/payments.js';
import { DynamoReconciliationStore } from '../../shared/store/dynamodb/reconciliation.js';
import { DynamoRiskProfileStore } from '../../shared/store/dynamodb/risk-profiles.js';
import { DynamoRiskSummaryReader } from '../../shared/store/dynamodb/risk-summary-reads.js';
import { requestFingerprint } from '../../shared/store/idempotency.js';
import { slotOfId } from '../../shared/store/items.js';
import { keys } from '../../shared/store/keys.js';
import {
  LOCAL_CREDENTIALS,
  LOCAL_INDEX_LAG_MS,
  startTestTable,
  type TestTable,
} from '../support/dynamodb.js';
import { type InternalHandler, type ServedFunctions, serveFunctions } from '../support/internal-functions.js';

process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
const DATE = '2026-11-21';
const AT = `${DATE}T10:00:00.000Z`;
const MERCHANT = 'm_riskfn';

describe("risk's internal functions on DynamoDB Local", () => {
  let table: TestTable;
  let served: ServedFunctions;
  const handlers: Record<string, InternalHandler> = {};
  /** A handler to run once instead of the function's own (then the own again). */
  const failNext: Record<string, InternalHandler | undefined> = {};
  let n = 0;

  before(async () => {
    table = await startTestTable('payments-risk-functions');
    process.env.TABLE_NAME = table.tableName;
    setDynamoDbClient(createDynamoDbClient({ endpoint: table.endpoint, credentials: LOCAL_CREDENTIALS }));
    handlers.setHolds = (await import('../../functions/internal/set-holds.js')).handler;
    handlers.countRefusal = (await import('../../functions/internal/count-refusal.js')).handler;
    handlers.rateMerchant = (await import('../../functions/internal/rate-merchant.js')).handler;
    served = await serveFunctions({
      SetHolds: () => handlers.setHolds as InternalHandler,
      CountRefusal: () => failNext.countRefusal ?? (handlers.countRefusal as InternalHandler),
      RateMerchant: () => failNext.rateMerchant ?? (handlers.rateMerchant as InternalHandler),
    });
  });
  after(async () => {
    await served?.close();
    setDynamoDbClient(undefined);
    await table?.stop();
  });

  const context = () => ({ client: table.client, tableName: table.tableName });
  const get = async (key: { PK: string; SK: string }) => {
    const out = await table.client.send(
      new GetItemCommand({ TableName: table.tableName, Key: marshall(key) }),
    );
    return out.Item ? unmarshall(out.Item) : undefined;
  };
  const reasonsOf = async (paymentId: string) =>
    [...((await get(keys.hold(MERCHANT, paymentId)))?.reasons ?? [])].sort();
  const dsc = (c: string) => `dsc_sandbox_20261121_${c.repeat(26)}`;
  const pay = (c: string) => `pay_${c.repeat(26)}`;

  describe('set-holds', () => {
    it('holds payments out of settlement and releases them, each change once however often it is sent', async () => {
      // Prepare
      const request = {
        holds: [
          { merchantId: MERCHANT, paymentId: pay('a'), reason: dsc('a'), hold: true },
          { merchantId: MERCHANT, paymentId: pay('a'), reason: dsc('b'), hold: true },
          { merchantId: MERCHANT, paymentId: pay('b'), reason: dsc('c'), hold: true },
        ],
      };
      // Act
      const first = await handlers.setHolds?.(request);
      const again = await handlers.setHolds?.(request);
      const released = await handlers.setHolds?.({
        holds: [
          { merchantId: MERCHANT, paymentId: pay('a'), reason: dsc('a'), hold: false },
          { merchantId: MERCHANT, paymentId: pay('b'), reason: dsc('c'), hold: false },
        ],
      });
      // Assess
      assert.deepEqual([first, again, released], [{ applied: 3 }, { applied: 3 }, { applied: 2 }]);
      assert.deepEqual(await reasonsOf(pay('a')), [dsc('b')]);
      assert.equal((await get(keys.hold(MERCHANT, pay('b'))))?.reasons, undefined, 'no reason holds it');
    });

    it("refuses a review reason (risk's own review) or a malformed payload, and writes nothing", async () => {
      for (const holds of [
        [{ merchantId: MERCHANT, paymentId: pay('c'), reason: 'review', hold: true }],
        [{ merchantId: MERCHANT, paymentId: 'pay_1', reason: dsc('d'), hold: true }],
        [{ merchantId: MERCHANT, paymentId: pay('c'), reason: dsc('d'), hold: 'yes' }],
        [],
      ]) {
        await assert.rejects(handlers.setHolds?.({ holds }) as Promise<unknown>, {
          name: 'InvalidPayloadError',
        });
      }
      assert.equal(await get(keys.hold(MERCHANT, pay('c'))), undefined);
    });

    it("receives a reconciliation run's holds once per batch of findings, in its contract", async () => {
      // Prepare: two payments the statement alters (two open mismatches), one it matches
      const payments = new DynamoPaymentStore(context());
      const outcomes = new DynamoChannelOutcomeStore(context());
      const store = new DynamoReconciliationStore(context(), holdRegistryOf(served.arn('SetHolds')));
      const paid: Array<{ id: string; amount: number }> = [];
      for (const amount of [1_000, 2_000, 3_000]) {
        const body = { channel: 'sandbox' as const, amount, currency: 'USD' };
        const created = await payments.create({
          merchantId: MERCHANT,
          idempotencyKey: `riskfn-${++n}`,
          requestFingerprint: requestFingerprint('POST', '/v1/payments', body),
          body,
          now: new Date(AT),
        });
        const p = created.body as { id: string; amount: number };
        await outcomes.applyPaymentOutcome({
          channel: 'sandbox',
          eventId: `evt_cb_${p.id}`,
          reference: p.id,
          to: 'succeeded',
          channelReference: `ch_${p.id}`,
          amount,
          currency: 'USD',
          occurredAt: AT,
          now: new Date(AT),
        });
        paid.push(p);
      }
      const csv = formatStatementCsv(
        paid.map((p, i) => ({
          channelReference: `ch_${p.id}`,
          reference: p.id,
          type: 'payment' as const,
          amount: p.amount + (i < 2 ? 1 : 0),
          currency: 'USD',
          status: 'succeeded' as const,
          fee: 30,
          occurredAt: AT,
        })),
      );
      const started = await store.createRun({
        callerId: 'ops',
        idempotencyKey: 'riskfn-run',
        requestFingerprint: 'fp-riskfn-run',
        channel: 'sandbox',
        date: DATE,
        now: new Date(),
      });
      served.received.clear();
      // Act
      const run = await executeRun(
        {
          store,
          outcomes,
          indexLagMs: LOCAL_INDEX_LAG_MS,
          statement: async (channel, date) => ({
            source: 'channel',
            rows: () => readStatement(csv, { channel, date }),
          }),
        },
        started.body.id,
      );
      // Assess: one invocation for the batch, which its contract parses, and the holds it set
      assert.equal(run.status, 'completed');
      assert.equal(run.counts.mismatched, 2);
      const sent = served.received.get('SetHolds') ?? [];
      assert.equal(sent.length, 1);
      const parsed = setHoldsRequest.parse(sent[0]);
      assert.deepEqual(
        parsed.holds.map((h) => `${h.paymentId} ${h.hold}`).sort(),
        [`${paid[0]?.id} true`, `${paid[1]?.id} true`].sort(),
      );
      for (const h of parsed.holds) assert.deepEqual(await reasonsOf(h.paymentId), [h.reason]);
      const held = parsed.holds.find((h) => h.paymentId === paid[0]?.id);
      const marked = await store.objectAt(slotOfId(paid[0]?.id ?? '', 'pay') as string);
      assert.deepEqual(
        [...((marked?.reconHolds as Set<string> | undefined) ?? [])],
        [held?.reason],
        'the payment carries it too',
      );

      // Act: ops resolve one finding; its release is one invocation too
      served.received.clear();
      await store.setPaymentHold(
        { slot: slotOfId(paid[0]?.id ?? '', 'pay') as string, merchantId: MERCHANT },
        held?.reason ?? '',
        false,
      );
      // Assess
      assert.equal(served.received.get('SetHolds')?.length, 1);
      assert.deepEqual(await reasonsOf(paid[0]?.id ?? ''), []);
      assert.deepEqual(await reasonsOf(paid[1]?.id ?? ''), [
        parsed.holds.find((h) => h.paymentId === paid[1]?.id)?.reason,
      ]);
    });
  });

  describe('count-refusal', () => {
    const summaries = () => new DynamoRiskSummaryReader(context());
    const refusal = (refusalId: string, day = DATE) => ({
      merchantId: MERCHANT,
      refusalId,
      day,
      amount: 4_200,
      currency: 'USD',
      reasons: ['blocked_customer'],
    });

    it('counts a refused request once per day, however often it arrives', async () => {
      // Act
      const answers = [
        await handlers.countRefusal?.(refusal('a'.repeat(26))),
        await handlers.countRefusal?.(refusal('a'.repeat(26))),
        await handlers.countRefusal?.(refusal('b'.repeat(26))),
        await handlers.countRefusal?.(refusal('a'.repeat(26), '2026-11-22')),
      ];
      // Assess
      assert.deepEqual(
        answers.map((a) => (a as { counted: boolean }).counted),
        [true, false, true, true],
      );
      const day = await summaries().get(MERCHANT, DATE);
      assert.equal(day.refusedBefore, 2);
      assert.equal(day.amounts.refusedBefore.USD, 8_400);
      assert.deepEqual(day.topReasons, [{ reason: 'blocked_customer', count: 2 }]);
      assert.equal((await summaries().get(MERCHANT, '2026-11-22')).refusedBefore, 1);
    });
  });

  describe('rate-merchant', () => {
    const profiles = () => new DynamoRiskProfileStore(context());
    let k = 0;
    /** A merchant pending review, and the gateway's store asking risk's function to rate it. */
    async function pendingMerchant() {
      const merchants = new DynamoMerchantStore(context(), profileRaterOf(served.arn('RateMerchant')));
      const body = { name: 'Acme', country: 'DE', expectedMonthlyVolume: { EUR: 5_000_000 } };
      const { merchant } = await merchants.create({
        callerId: 'ops',
        idempotencyKey: `rate-${++k}`,
        requestFingerprint: requestFingerprint('POST', '/v1/ops/merchants', body),
        body,
        now: new Date(),
      });
      const review = (riskRating?: 'low' | 'medium' | 'high') =>
        merchants.change({
          merchantId: merchant.id,
          command: { kind: 'approve', ...(riskRating ? { riskRating } : {}) },
          by: 'ops',
          note: null,
          now: new Date(),
        });
      return { id: merchant.id, review };
    }

    it('rates the profile ops stored while pending, keeping its blocklists, the same however often', async () => {
      // Prepare
      const { id } = await pendingMerchant();
      await profiles().put(id, { ...DEFAULT_RISK_PROFILE, blockedCountries: ['KP'] });
      // Act
      const first = await handlers.rateMerchant?.({ merchantId: id, riskRating: 'high' });
      const once = await profiles().get(id);
      const again = await handlers.rateMerchant?.({ merchantId: id, riskRating: 'high' });
      // Assess
      assert.deepEqual([first, again], [{ riskRating: 'high' }, { riskRating: 'high' }]);
      assert.deepEqual(once.singleTransactionLimit, RISK_RATING_LIMITS.high.singleTransactionLimit);
      assert.equal(once.rejectScore, RISK_RATING_LIMITS.high.rejectScore);
      assert.deepEqual(once.blockedCountries, ['KP']);
      assert.deepEqual(await profiles().get(id), once);
      await assert.rejects(
        handlers.rateMerchant?.({ merchantId: id, riskRating: 'extreme' }) as Promise<unknown>,
        {
          name: 'InvalidPayloadError',
        },
      );
    });

    it('has an approval rated by risk before the merchant is active, in its contract', async () => {
      // Prepare
      const { id, review } = await pendingMerchant();
      served.received.clear();
      // Act
      const approved = await review('low');
      // Assess
      assert.equal(approved.status, 'active');
      const sent = served.received.get('RateMerchant') ?? [];
      assert.ok(sent.length >= 1);
      for (const payload of sent)
        assert.deepEqual(rateMerchantRequest.parse(payload), { merchantId: id, riskRating: 'low' });
      assert.deepEqual((await profiles().get(id)).dailyAmountLimit, RISK_RATING_LIMITS.low.dailyAmountLimit);
    });

    it('approves nothing when risk cannot rate, and a retried approval rates and approves', async () => {
      // Prepare: risk's function fails once (down, or timed out after it rated)
      const { id, review } = await pendingMerchant();
      failNext.rateMerchant = async () => {
        failNext.rateMerchant = undefined;
        throw new Error('Task timed out after 10.00 seconds');
      };
      // Act
      await assert.rejects(review('high'));
      const pending = await new DynamoMerchantStore(context()).get(id);
      const approved = await review('high');
      // Assess
      assert.equal(pending.status, 'pending_review', 'never active unrated');
      assert.equal(approved.status, 'active');
      assert.deepEqual(
        (await profiles().get(id)).singleTransactionLimit,
        RISK_RATING_LIMITS.high.singleTransactionLimit,
      );
    });

    it('converges after a crash between the rating and the approval, whatever the retry rates', async () => {
      // Prepare: the first approval's rating landed, then the approval crashed before its write
      const { id, review } = await pendingMerchant();
      await handlers.rateMerchant?.({ merchantId: id, riskRating: 'high' });
      // Act: ops retry, with the default rating this time
      const approved = await review();
      // Assess
      assert.equal(approved.riskRating, 'medium');
      assert.deepEqual(
        (await profiles().get(id)).singleTransactionLimit,
        RISK_RATING_LIMITS.medium.singleTransactionLimit,
      );
    });

    it('leaves the profile rated as the approval that won when concurrent approvals rate differently', async () => {
      // Prepare
      const { id, review } = await pendingMerchant();
      // Act
      const results = await Promise.allSettled([
        review('low'),
        review('high'),
        review('low'),
        review('high'),
      ]);
      // Assess
      const won = results.filter((r) => r.status === 'fulfilled');
      assert.equal(won.length, 1);
      const rating = (won[0] as PromiseFulfilledResult<{ riskRating: 'low' | 'high' }>).value.riskRating;
      assert.deepEqual(
        (await profiles().get(id)).singleTransactionLimit,
        RISK_RATING_LIMITS[rating].singleTransactionLimit,
      );
    });
  });
});
