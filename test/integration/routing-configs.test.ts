/**
 * The routing configuration store on DynamoDB Local: one item per merchant, stored whole and validated,
 * the default answered (as a valid PUT body) when none is stored, unknown merchants refused.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { type RoutingConfigBody, routingConfigSchema } from '../../shared/schemas/routing.js';
import { putMerchant } from '../../shared/store/api-keys.js';
import { MerchantNotFoundError } from '../../shared/store/dynamodb/risk-profiles.js';
import {
  DEFAULT_ROUTING_CONFIG_BODY,
  DynamoRoutingConfigStore,
  readRoutingConfig,
} from '../../shared/store/dynamodb/routing-configs.js';
import { CorruptItemError } from '../../shared/store/errors.js';
import { keys } from '../../shared/store/keys.js';
import { startTestTable, type TestTable } from '../support/dynamodb.js';

const CONFIG: RoutingConfigBody = routingConfigSchema.parse({
  rules: [
    {
      name: 'cny',
      when: { currencies: ['CNY'] },
      strategy: 'volume_split',
      channels: ['alipay', 'wechatpay'],
      weights: { alipay: 70, wechatpay: 30 },
    },
    {
      name: 'big-eu',
      when: { amountMin: 100_000, countries: ['DE', 'FR'] },
      strategy: 'lowest_fee',
      channels: ['stripe', 'sandbox'],
    },
  ],
  default: { strategy: 'priority', channels: ['stripe', 'sandbox'] },
  quotas: { stripe: { USD: 5_000_000 }, alipay: { CNY: 0 } },
});

describe('routing configuration store on DynamoDB Local', () => {
  let table: TestTable;
  let configs: DynamoRoutingConfigStore;

  before(async () => {
    table = await startTestTable();
    configs = new DynamoRoutingConfigStore({ client: table.client, tableName: table.tableName });
    for (const merchantId of ['m_rt_1', 'm_rt_2', 'm_rt_3'])
      await putMerchant(table.client, table.tableName, { merchantId });
  });
  after(async () => table.stop());

  it('answers the default, priority over sandbox, for a merchant that never set one; create reads none', async () => {
    // Act
    const stored = await configs.getStored('m_rt_1');
    // Assess
    assert.deepEqual(stored, {
      rules: [],
      default: { strategy: 'priority', channels: ['sandbox'] },
      quotas: {},
    });
    assert.deepEqual(stored, DEFAULT_ROUTING_CONFIG_BODY);
    assert.equal(await readRoutingConfig(table, 'm_rt_1'), null);
  });

  it('stores a configuration whole and answers it back, rules in their order, to ops and to create', async () => {
    // Act
    const answered = await configs.put('m_rt_2', CONFIG);
    // Assess
    assert.deepEqual(answered, CONFIG);
    assert.deepEqual(await configs.getStored('m_rt_2'), CONFIG);
    assert.deepEqual(await readRoutingConfig(table, 'm_rt_2'), CONFIG);
    assert.deepEqual(
      routingConfigSchema.parse(await configs.getStored('m_rt_2')),
      CONFIG,
      'GET is a valid PUT body',
    );
  });

  it('replaces the whole configuration on a second PUT, and `{}` resets it to the default', async () => {
    // Act
    await configs.put('m_rt_3', CONFIG);
    await configs.put('m_rt_3', routingConfigSchema.parse({}));
    // Assess
    assert.deepEqual(await configs.getStored('m_rt_3'), DEFAULT_ROUTING_CONFIG_BODY);
  });

  it('refuses to store or read the configuration of a merchant that does not exist, and stores nothing', async () => {
    await assert.rejects(configs.put('m_nobody', CONFIG), MerchantNotFoundError);
    await assert.rejects(configs.getStored('m_nobody'), MerchantNotFoundError);
    assert.equal(await readRoutingConfig(table, 'm_nobody'), null);
  });

  it('refuses to store an invalid configuration whatever the caller', async () => {
    const invalid = { ...CONFIG, quotas: { alipay: { USD: 10 } } } as unknown as RoutingConfigBody;
    await assert.rejects(configs.put('m_rt_1', invalid), TypeError);
  });

  it('reports a stored document that no longer validates as a corrupt item, never routes by it', async () => {
    // Prepare
    await table.client.send(
      new PutItemCommand({
        TableName: table.tableName,
        Item: marshall({ ...keys.routingConfig('m_rt_1'), entity: 'routingConfig', config: { rules: 'x' } }),
      }),
    );
    // Act & Assess
    await assert.rejects(readRoutingConfig(table, 'm_rt_1'), CorruptItemError);
  });
});
