/**
 * Routing at create, at the handler: the merchant's configuration decides where a payment without a
 * channel goes, the decision is stored on the payment, quota usage is read only when a quota applies and
 * counted in the same transaction as the payment, and a pinned payment its channel cannot take is a
 * stored 422 refusal.
 */
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import {
  BatchGetItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { DEFAULT_BREAKER_SETTINGS } from '../../../shared/domain/breaker.js';
import { type ChannelFactsInput, setChannelFactsSource } from '../../../shared/routing/route-payment.js';
import { routingConfigSchema } from '../../../shared/schemas/routing.js';
import { type PaymentItem, storedRouting } from '../../../shared/store/items.js';
import { CREATE_PAYMENT_READS, serveInProcess } from '../../support/in-process-functions.js';
import { apiEvent, context, jsonHeaders, problemOf } from './fixtures.js';

process.env.TABLE_NAME = 'payments-unit';
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
process.env.RISK_PROFILE_TTL_MS = '0';
// Every create reads the configuration (the mock's) instead of the per-container cache.
process.env.ROUTING_CONFIG_TTL_MS = '0';
// And reads quota usage (the mock's) on every create.
process.env.QUOTA_USAGE_TTL_MS = '0';
const ddb = mockClient(DynamoDBClient);
// The risk profile and routing reads are the owners' functions', run here on the mocked client.
await serveInProcess(CREATE_PAYMENT_READS);
const { handler } = await import('../../../functions/api/create-payment.js');

const create = (body: object, key = 'k1') =>
  handler(
    apiEvent({ headers: jsonHeaders({ 'idempotency-key': key }), body: JSON.stringify(body) }),
    context,
  );

/** The merchant's stored routing configuration, as the GetItem of ROUTING#m_1/ROUTING answers it. */
function storedConfig(config: object) {
  const item = {
    PK: 'ROUTING#m_1',
    SK: 'ROUTING',
    entity: 'routingConfig',
    config: routingConfigSchema.parse(config),
  };
  ddb.on(GetItemCommand).resolves({ Item: marshall(item) });
}

/** Quota usage of each channel, spread over its first shard. */
function usage(used: Record<string, number>) {
  ddb.on(BatchGetItemCommand).callsFake((input) => {
    const keys = Object.values(input.RequestItems)[0] as { Keys: Record<string, { S: string }>[] };
    const items = keys.Keys.map((k) => k.PK?.S ?? '')
      .filter((pk) => pk.endsWith('#0'))
      .map((pk) => marshall({ PK: pk, total: used[pk.split('#')[2] ?? ''] ?? 0 }));
    return { Responses: { 'payments-unit': items } };
  });
}

const stored = () => unmarshall(ddb.commandCalls(PutItemCommand)[0]?.args[0].input.Item ?? {});

describe('POST /v1/payments routing', () => {
  beforeEach(() => {
    setChannelFactsSource(async () => ({}));
    ddb.reset();
    ddb.on(QueryCommand).resolves({ Items: [] });
    ddb.on(GetItemCommand).resolves({});
    ddb.on(PutItemCommand).resolves({});
    ddb.on(TransactWriteItemsCommand).resolves({});
  });

  it('routes by the default without a configuration, reads no quota usage, and stores the decision', async () => {
    // Act
    const result = await create({ amount: 1050, currency: 'USD' });
    // Assess
    assert.equal(result.statusCode, 201);
    const payment = JSON.parse(result.body);
    assert.equal(payment.channel, 'sandbox');
    assert.deepEqual(payment.routing, {
      strategy: 'priority',
      rule: null,
      candidates: ['sandbox'],
      chosen: 'sandbox',
      reason: 'default, priority: sandbox, first healthy in order',
      attempts: [{ channel: 'sandbox', outcome: 'pending', at: payment.createdAt }],
    });
    assert.equal(ddb.commandCalls(BatchGetItemCommand).length, 0);
    const { attempts: _derived, ...decision } = payment.routing;
    assert.deepEqual(storedRouting(stored() as PaymentItem), decision, 'the decision as stored reads back');
    assert.equal(stored().attempts, undefined, 'nothing stored for a healthy submission');
  });

  it('routes by the first matching rule and names it, candidates cut to the chosen one and 2 more', async () => {
    // Prepare
    storedConfig({
      rules: [
        { name: 'eur', when: { currencies: ['EUR'] }, strategy: 'priority', channels: ['sandbox'] },
        { name: 'usd', when: { currencies: ['USD'] }, strategy: 'priority', channels: ['stripe', 'sandbox'] },
      ],
    });
    // Act
    const payment = JSON.parse((await create({ amount: 1050, currency: 'USD' })).body);
    // Assess
    assert.equal(payment.channel, 'stripe');
    assert.equal(payment.routing.rule, 'usd');
    assert.deepEqual(payment.routing.candidates, ['stripe', 'sandbox']);
    assert.equal(stored().channel, 'stripe');
  });

  it('reads the quota shards consistently and counts the payment in the same transaction', async () => {
    // Prepare
    storedConfig({
      default: { strategy: 'priority', channels: ['stripe', 'sandbox'] },
      quotas: { stripe: { USD: 10_000 } },
    });
    usage({ stripe: 2_000 });
    // Act
    const result = await create({ amount: 1050, currency: 'USD' });
    // Assess
    assert.equal(result.statusCode, 201);
    const read = ddb.commandCalls(BatchGetItemCommand)[0]?.args[0].input.RequestItems?.['payments-unit'];
    assert.equal(read?.ConsistentRead, true);
    assert.equal(read?.Keys?.length, 64, 'the 64 shards of stripe only: sandbox has no quota');
    const shards = read?.Keys?.map(
      (k) => /^QUOTA#m_1#stripe#USD#\d{4}-\d{2}-\d{2}#(\d+)$/.exec(k.PK?.S ?? '')?.[1],
    );
    assert.deepEqual(new Set(shards), new Set(Array.from({ length: 64 }, (_, i) => String(i))));
    assert.equal(ddb.commandCalls(PutItemCommand).length, 0);
    const items = ddb.commandCalls(TransactWriteItemsCommand)[0]?.args[0].input.TransactItems ?? [];
    assert.equal(items.length, 2);
    assert.equal(items[0]?.Put?.ConditionExpression, 'attribute_not_exists(PK)');
    assert.match(
      items[1]?.Update?.Key?.PK?.S ?? '',
      /^QUOTA#m_1#stripe#USD#\d{4}-\d{2}-\d{2}#([0-9]|[1-5][0-9]|6[0-3])$/,
    );
    assert.equal(items[1]?.Update?.ExpressionAttributeValues?.[':amount']?.N, '1050');
  });

  it('routes past a channel whose quota has no room, and counts nothing on it', async () => {
    // Prepare
    storedConfig({
      default: { strategy: 'priority', channels: ['stripe', 'sandbox'] },
      quotas: { stripe: { USD: 10_000 } },
    });
    usage({ stripe: 9_000 });
    // Act
    const payment = JSON.parse((await create({ amount: 1050, currency: 'USD' })).body);
    // Assess
    assert.equal(payment.channel, 'sandbox');
    assert.match(payment.routing.reason, /skipped stripe \(daily quota reached\)/);
    assert.equal(ddb.commandCalls(TransactWriteItemsCommand).length, 0, 'sandbox has no quota: one PutItem');
  });

  it('stores a payment no channel can take as failed with channel_unavailable, channel null', async () => {
    // Prepare
    storedConfig({
      default: { strategy: 'priority', channels: ['alipay', 'wechatpay'] },
      quotas: { alipay: { CNY: 0 }, wechatpay: { CNY: 0 } },
    });
    usage({});
    // Act
    const result = await create({ amount: 1050, currency: 'CNY' });
    // Assess
    assert.equal(result.statusCode, 201);
    const payment = JSON.parse(result.body);
    assert.equal(payment.status, 'failed');
    assert.equal(payment.failureCode, 'channel_unavailable');
    assert.equal(payment.channel, null);
    assert.deepEqual(payment.routing.candidates, []);
    assert.equal(payment.routing.chosen, null);
    assert.deepEqual(payment.routing.attempts, []);
    assert.equal(stored().status, 'failed');
    assert.equal(stored().channel, undefined);
  });

  it('refuses a pinned payment over its channel quota with a stored 422 channel-quota-exceeded', async () => {
    // Prepare
    storedConfig({ quotas: { stripe: { USD: 1_000 } } });
    usage({ stripe: 0 });
    // Act
    const result = await create({ amount: 1050, currency: 'USD', channel: 'stripe' });
    // Assess
    assert.equal(result.statusCode, 422);
    assert.match(problemOf(result).type, /\/channel-quota-exceeded$/);
    assert.equal(stored().entity, 'refusal');
    assert.equal(ddb.commandCalls(TransactWriteItemsCommand).length, 0);
  });

  it('refuses a payment pinned to a channel that does not take its currency with a stored 422', async () => {
    // Act
    const result = await create({ amount: 1050, currency: 'USD', channel: 'alipay' });
    // Assess
    assert.equal(result.statusCode, 422);
    const problem = problemOf(result);
    assert.match(problem.type, /\/currency-not-supported$/);
    assert.equal(problem.detail, 'alipay does not take USD.');
    assert.equal(stored().entity, 'refusal');
  });

  it('pins a payment that names its channel, with no failover candidate', async () => {
    // Prepare
    storedConfig({ default: { strategy: 'priority', channels: ['stripe', 'sandbox'] } });
    // Act
    const payment = JSON.parse((await create({ amount: 1050, currency: 'USD', channel: 'sandbox' })).body);
    // Assess
    assert.equal(payment.routing.strategy, 'pinned');
    assert.deepEqual(payment.routing.candidates, ['sandbox']);
  });

  it('reads the facts of the listed channels through the injected source and routes around an open breaker', async () => {
    // Prepare
    const asked: ChannelFactsInput[] = [];
    setChannelFactsSource(async (input) => {
      asked.push(input);
      const openedAt = input.now - 1_000;
      return {
        stripe: {
          breaker: {
            state: { state: 'open', openedAt, failures: [], probeTakenAt: null },
            settings: DEFAULT_BREAKER_SETTINGS,
          },
        },
      };
    });
    storedConfig({ default: { strategy: 'priority', channels: ['stripe', 'sandbox'] } });
    // Act
    const payment = JSON.parse((await create({ amount: 1050, currency: 'USD' })).body);
    // Assess
    assert.deepEqual(
      asked.map(({ merchantId, currency, channels }) => ({ merchantId, currency, channels })),
      [{ merchantId: 'm_1', currency: 'USD', channels: ['stripe', 'sandbox'] }],
    );
    assert.equal(payment.channel, 'sandbox');
    assert.match(payment.routing.reason, /skipped stripe \(breaker open\)/);
  });

  it('routes by the lowest fee the channel facts give, and fails open when the source throws', async () => {
    // Prepare
    storedConfig({ default: { strategy: 'lowest_fee', channels: ['sandbox', 'stripe'] } });
    setChannelFactsSource(async () => ({
      sandbox: { fees: { USD: { percentBps: 290, fixed: 30 } } },
      stripe: { fees: { USD: { percentBps: 150, fixed: 10 } } },
    }));
    // Act
    const cheaper = JSON.parse((await create({ amount: 10_000, currency: 'USD' }, 'fee-1')).body);
    setChannelFactsSource(async () => {
      throw new Error('store down');
    });
    const open = await create({ amount: 10_000, currency: 'USD' }, 'fee-2');
    // Assess
    assert.equal(cheaper.routing.chosen, 'stripe');
    assert.match(cheaper.routing.reason, /fee 160 is the lowest/);
    assert.equal(open.statusCode, 201);
    assert.equal(JSON.parse(open.body).routing.chosen, 'sandbox', 'no fee known: first listed');
  });
});
