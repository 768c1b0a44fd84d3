/**
 * What create-payment reads of other services' items, through their owners' functions: risk's
 * `merchant-risk-profile`, the channels' `routing-config` and `channel-facts`. Each function refuses a
 * payload outside its contract and answers what the direct read gave (on a mocked table); create's side
 * refuses an answer it cannot use, and asks for the records and windows of one create in one invocation,
 * a part the function could not read failing alone.
 */
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { BatchGetItemCommand, DynamoDBClient, GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { ratingWindowStart } from '../../../shared/domain/risk/rating.js';
import { countsAt } from '../../../shared/domain/routing/success-window.js';
import { channelFactsInvoker } from '../../../shared/internal/channel-facts.js';
import { merchantRiskProfileAnswerOf } from '../../../shared/internal/merchant-risk-profile.js';
import { routingConfigAnswerOf } from '../../../shared/internal/routing-config.js';
import { DEFAULT_RISK_PROFILE } from '../../../shared/schemas/risk-profile.js';
import { routingConfigSchema } from '../../../shared/schemas/routing.js';
import { CorruptItemError } from '../../../shared/store/errors.js';
import { FRAUD_REPORT_DAY_PREFIX, keys } from '../../../shared/store/keys.js';

process.env.TABLE_NAME = 'payments-unit';
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
const ddb = mockClient(DynamoDBClient);
const riskProfile = (await import('../../../functions/internal/merchant-risk-profile.js')).handler;
const routingConfig = (await import('../../../functions/internal/routing-config.js')).handler;
const channelFacts = (await import('../../../functions/internal/channel-facts.js')).handler;

const CONFIG = routingConfigSchema.parse({
  rules: [
    { name: 'cny', when: { currencies: ['CNY'] }, strategy: 'priority', channels: ['alipay', 'wechatpay'] },
  ],
  default: { strategy: 'priority', channels: ['sandbox'] },
});

beforeEach(() => ddb.reset());

describe("risk's merchant-risk-profile function", () => {
  it('answers the stored profile and the fraud reports of the rating window, skipping older days', async () => {
    // Prepare
    const today = new Date().toISOString().slice(0, 10);
    const stored = { ...DEFAULT_RISK_PROFILE, velocityThreshold: 9, blockedEmails: ['fraud@example.com'] };
    ddb.on(QueryCommand).resolves({
      Items: [
        marshall({ PK: 'RISK#m_1', SK: 'RISK_PROFILE', profile: stored }),
        marshall({ PK: 'RISK#m_1', SK: `${FRAUD_REPORT_DAY_PREFIX}2000-01-01`, count: 9 }),
        marshall({ PK: 'RISK#m_1', SK: `${FRAUD_REPORT_DAY_PREFIX}${today}`, count: 2 }),
      ],
    });
    // Act
    const answer = await riskProfile({ merchantId: 'm_1' });
    // Assess
    assert.ok(ratingWindowStart(new Date()) > '2000-01-01');
    assert.deepEqual(answer, { profile: stored, fraudReports: 2 });
    assert.deepEqual(merchantRiskProfileAnswerOf(JSON.parse(JSON.stringify(answer))), answer);
    const query = ddb.commandCalls(QueryCommand)[0]?.args[0].input;
    assert.equal(query?.ConsistentRead, true);
  });

  it('answers the defaults for a merchant without a profile', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    assert.deepEqual(await riskProfile({ merchantId: 'm_2' }), {
      profile: DEFAULT_RISK_PROFILE,
      fraudReports: 0,
    });
  });

  it('refuses a payload outside its contract, reading nothing', async () => {
    for (const payload of [
      {},
      { merchantId: '' },
      { merchantId: 'm 1' },
      { merchantId: 'm_1', extra: 1 },
      null,
    ])
      await assert.rejects(riskProfile(payload), { name: 'InvalidPayloadError' });
    assert.equal(ddb.commandCalls(QueryCommand).length, 0);
  });

  it("is refused on create's side when the answer holds no valid profile or count", () => {
    for (const answer of [
      undefined,
      {},
      { profile: DEFAULT_RISK_PROFILE },
      { profile: DEFAULT_RISK_PROFILE, fraudReports: -1 },
      { profile: DEFAULT_RISK_PROFILE, fraudReports: 1.5 },
      { profile: { ...DEFAULT_RISK_PROFILE, rejectScore: 10, reviewScore: 50 }, fraudReports: 0 },
    ])
      assert.throws(() => merchantRiskProfileAnswerOf(answer), CorruptItemError, JSON.stringify(answer));
  });
});

describe("the channels' routing-config function", () => {
  it('answers the stored configuration, read strongly consistent, or null when there is none', async () => {
    ddb.on(GetItemCommand).resolves({ Item: marshall({ ...keys.routingConfig('m_1'), config: CONFIG }) });
    assert.deepEqual(await routingConfig({ merchantId: 'm_1' }), { config: CONFIG });
    assert.equal(ddb.commandCalls(GetItemCommand)[0]?.args[0].input.ConsistentRead, true);
    ddb.on(GetItemCommand).resolves({});
    assert.deepEqual(await routingConfig({ merchantId: 'm_2' }), { config: null });
  });

  it('fails on a stored document that is not a configuration, as the direct read did', async () => {
    ddb
      .on(GetItemCommand)
      .resolves({ Item: marshall({ ...keys.routingConfig('m_1'), config: { rules: 1 } }) });
    await assert.rejects(routingConfig({ merchantId: 'm_1' }), CorruptItemError);
  });

  it('refuses a payload outside its contract', async () => {
    for (const payload of [{}, { merchantId: 7 }, { merchantId: 'm_1', channel: 'x' }])
      await assert.rejects(routingConfig(payload), { name: 'InvalidPayloadError' });
  });

  it("is checked by hand on create's side", () => {
    assert.deepEqual(routingConfigAnswerOf({ config: CONFIG }, 'm_1'), CONFIG);
    assert.equal(routingConfigAnswerOf({ config: null }, 'm_1'), null);
    assert.throws(() => routingConfigAnswerOf({}, 'm_1'), CorruptItemError);
    assert.throws(() => routingConfigAnswerOf({ config: { default: {} } }, 'm_1'), CorruptItemError);
  });
});

describe("the channels' channel-facts function", () => {
  const NOW = Date.UTC(2026, 11, 7, 10, 7);
  const hour = Math.floor(NOW / 3_600_000) * 3_600_000;
  const bucket = Math.floor(NOW / 300_000) * 300_000;
  const settings = {
    fees: { USD: { percentBps: 250, fixed: 25 } },
    breaker: { failureThreshold: 3, windowSeconds: 60, cooldownSeconds: 30 },
  };

  function table(options: { failCounts?: boolean; failRecords?: boolean } = {}) {
    ddb.on(BatchGetItemCommand).callsFake((input) => {
      const wanted = (Object.values(input.RequestItems)[0] as { Keys: Record<string, { S: string }>[] }).Keys;
      const counts = wanted.some((k) => k.PK?.S.startsWith('HLT#'));
      if (counts ? options.failCounts : options.failRecords) throw new Error('store down');
      const items = counts
        ? [
            marshall({
              ...keys.channelOutcomeCounts('stripe#USD', hour, 0),
              scope: 'stripe#USD',
              hourStart: hour,
              [`s${bucket}`]: 3,
              [`f${bucket}`]: 1,
            }),
          ]
        : [
            marshall({ ...keys.channelSettings('stripe'), channel: 'stripe', settings }),
            marshall({
              ...keys.channelBreaker('stripe'),
              channel: 'stripe',
              state: 'open',
              openedAt: NOW - 1000,
              failures: [NOW - 2000],
              probeTakenAt: null,
              version: 4,
              recentFailures: 9,
            }),
          ];
      return { Responses: { 'payments-unit': items } };
    });
  }

  it('answers the stored settings and breakers of the channels and the windows of the scopes asked', async () => {
    table();
    const answer = await channelFacts({
      channels: ['stripe', 'sandbox'],
      scopes: ['stripe#USD', 'sandbox#USD'],
      now: NOW,
    });
    assert.deepEqual(answer.records, {
      stripe: {
        settings,
        breaker: {
          state: 'open',
          openedAt: NOW - 1000,
          failures: [NOW - 2000],
          probeTakenAt: null,
          version: 4,
        },
      },
      sandbox: {},
    });
    assert.deepEqual(countsAt(answer.windows?.['stripe#USD'] as never, NOW), { succeeded: 3, failed: 1 });
    assert.deepEqual(answer.windows?.['sandbox#USD']?.buckets, []);
    // Eventually consistent, as create read them itself.
    for (const call of ddb.commandCalls(BatchGetItemCommand))
      assert.notEqual(Object.values(call.args[0].input.RequestItems ?? {})[0]?.ConsistentRead, true);
  });

  it('answers only what is asked: no read of counts without scopes', async () => {
    table();
    assert.deepEqual(Object.keys(await channelFacts({ channels: ['stripe'], scopes: [], now: NOW })), [
      'records',
    ]);
    assert.equal(ddb.commandCalls(BatchGetItemCommand).length, 1);
  });

  it('answers a part it could not read as null, the other part still answered', async () => {
    table({ failCounts: true });
    const answer = await channelFacts({ channels: ['stripe'], scopes: ['stripe#USD'], now: NOW });
    assert.equal(answer.windows, null);
    assert.equal(answer.records?.stripe?.breaker?.state, 'open');
  });

  it('refuses a payload outside its contract', async () => {
    for (const payload of [
      {},
      { channels: ['paypal'], scopes: [], now: NOW },
      { channels: [], scopes: ['stripe#usd'], now: NOW },
      { channels: [], scopes: [], now: -1 },
      { channels: [], scopes: [], now: NOW, merchantId: 'm_1' },
      { channels: [], scopes: Array.from({ length: 401 }, () => 'stripe#USD'), now: NOW },
    ])
      await assert.rejects(
        channelFacts(payload),
        { name: 'InvalidPayloadError' },
        JSON.stringify(payload).slice(0, 80),
      );
    assert.equal(ddb.commandCalls(BatchGetItemCommand).length, 0);
  });

  it("asks for one create's records and windows in one invocation, through the function's answer", async () => {
    table();
    const sent: unknown[] = [];
    const invoker = channelFactsInvoker('arn:facts', async (_arn, payload) => {
      sent.push(payload);
      return JSON.parse(JSON.stringify(await channelFacts(payload)));
    });
    const [records, windows] = await Promise.all([
      invoker.records(['stripe', 'sandbox']),
      invoker.windows(['stripe#USD', 'stripe#USD#m_1'], NOW),
    ]);
    assert.deepEqual(sent, [
      { channels: ['stripe', 'sandbox'], scopes: ['stripe#USD', 'stripe#USD#m_1'], now: NOW },
    ]);
    // The store's own checks: the breaker as stored, the settings; no settings stored → the defaults.
    assert.equal(records.get('stripe')?.breaker.state.state, 'open');
    assert.equal(records.get('stripe')?.breaker.version, 4);
    assert.deepEqual(records.get('stripe')?.settings, settings);
    assert.equal(records.get('sandbox')?.settingsStored, false);
    assert.equal(records.get('sandbox')?.breaker.state.state, 'closed');
    assert.deepEqual(countsAt(windows.get('stripe#USD') as never, NOW), { succeeded: 3, failed: 1 });
  });

  it('fails only the part the function could not read, and both when the invocation fails', async () => {
    table({ failRecords: true });
    const invoker = channelFactsInvoker('arn:facts', async (_arn, payload) => channelFacts(payload));
    const [records, windows] = await Promise.allSettled([
      invoker.records(['stripe']),
      invoker.windows(['stripe#USD'], NOW),
    ]);
    assert.equal(records.status, 'rejected');
    assert.equal(windows.status, 'fulfilled');
    const failing = channelFactsInvoker('arn:facts', async () => {
      throw new Error('throttled');
    });
    const both = await Promise.allSettled([
      failing.records(['stripe']),
      failing.windows(['stripe#USD'], NOW),
    ]);
    assert.deepEqual(
      both.map((r) => r.status),
      ['rejected', 'rejected'],
    );
  });

  it('refuses a window that is not a window', async () => {
    const invoker = channelFactsInvoker('arn:facts', async () => ({
      windows: {
        'stripe#USD': { bucketMs: 300_000, bucketCount: 12, buckets: [{ start: 1, succeeded: -1 }] },
      },
    }));
    await assert.rejects(invoker.windows(['stripe#USD'], NOW), CorruptItemError);
  });

  it('asks windows of another instant in an invocation of their own', async () => {
    const sent: { now: number }[] = [];
    const invoker = channelFactsInvoker('arn:facts', async (_arn, payload) => {
      sent.push(payload as { now: number });
      return { windows: {} };
    });
    await Promise.all([invoker.windows(['stripe#USD'], NOW), invoker.windows(['stripe#USD'], NOW + 1)]);
    assert.deepEqual(
      sent.map((p) => p.now),
      [NOW, NOW + 1],
    );
  });
});
