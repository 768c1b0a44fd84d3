import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_RISK_PROFILE, type RiskProfile } from '../../shared/schemas/risk-profile.js';
import { putMerchant } from '../../shared/store/api-keys.js';
import {
  cachingRiskProfiles,
  DynamoRiskProfileStore,
  MerchantNotFoundError,
} from '../../shared/store/dynamodb/risk-profiles.js';
import { startTestTable, type TestTable } from '../support/dynamodb.js';

describe('risk profile store on DynamoDB Local', () => {
  let table: TestTable;
  let profiles: DynamoRiskProfileStore;

  before(async () => {
    table = await startTestTable();
    profiles = new DynamoRiskProfileStore({ client: table.client, tableName: table.tableName });
    for (const merchantId of ['m_rp_1', 'm_rp_2', 'm_rp_3', 'm_rp_4'])
      await putMerchant(table.client, table.tableName, { merchantId });
  });
  after(async () => table.stop());

  it('answers the documented defaults for a merchant that never set a profile', async () => {
    // Act
    const effective = await profiles.get('m_rp_1');
    const view = await profiles.getStored('m_rp_1');
    // Assess
    assert.deepEqual(effective, DEFAULT_RISK_PROFILE);
    assert.deepEqual(view.stored, DEFAULT_RISK_PROFILE);
    assert.equal(view.rating, 'standard');
  });

  it('stores a profile whole and answers it back', async () => {
    // Prepare
    const profile: RiskProfile = {
      ...DEFAULT_RISK_PROFILE,
      singleTransactionLimit: { USD: 500_000 },
      customerPaymentsPerMinute: 3,
      blockedCountries: ['KP'],
    };
    // Act
    const stored = await profiles.put('m_rp_2', profile);
    // Assess
    assert.deepEqual(stored, profile);
    assert.deepEqual(await profiles.get('m_rp_2'), profile);
  });

  it('refuses to store or read the profile of a merchant that does not exist', async () => {
    await assert.rejects(profiles.put('m_nobody', DEFAULT_RISK_PROFILE), MerchantNotFoundError);
    await assert.rejects(profiles.getStored('m_nobody'), MerchantNotFoundError);
  });

  it('appends to the blocklists without duplicates, emails case-insensitively, under concurrency', async () => {
    // Prepare
    await profiles.put('m_rp_3', { ...DEFAULT_RISK_PROFILE, blockedEmails: ['Fraud@Example.com'] });
    // Act
    const added = await Promise.all([
      profiles.addToBlocklists('m_rp_3', { customerId: 'cus_1', email: 'fraud@example.com', ip: '10.0.0.1' }),
      profiles.addToBlocklists('m_rp_3', { customerId: 'cus_1', ip: '10.0.0.1' }),
      profiles.addToBlocklists('m_rp_3', { customerId: 'cus_2', email: 'OTHER@example.com' }),
    ]);
    const profile = await profiles.get('m_rp_3');
    // Assess
    assert.deepEqual([...profile.blockedCustomers].sort(), ['cus_1', 'cus_2']);
    assert.deepEqual([...profile.blockedEmails].sort(), ['Fraud@Example.com', 'other@example.com']);
    assert.deepEqual(profile.blockedIps, ['10.0.0.1']);
    assert.equal(added.filter((a) => a.customerId === 'cus_1').length, 1);
  });

  it('creates a default profile holding the entries when none was stored', async () => {
    // Act
    await profiles.addToBlocklists('m_rp_4', { ip: '192.0.2.7' });
    // Assess
    assert.deepEqual(await profiles.get('m_rp_4'), { ...DEFAULT_RISK_PROFILE, blockedIps: ['192.0.2.7'] });
  });

  it('tightens every limit once fraud reports of the last 30 days reach the threshold', async () => {
    // Prepare
    const merchantId = 'm_rp_rating';
    await putMerchant(table.client, table.tableName, { merchantId });
    await profiles.put(merchantId, {
      ...DEFAULT_RISK_PROFILE,
      singleTransactionLimit: { USD: 1001 },
      customerPaymentsPerMinute: 3,
      fraudReportThreshold: 2,
      tightenedLimitPercent: 50,
    });
    const now = new Date('2026-11-26T10:00:00Z');
    // Act: one report 40 days ago (outside the window), then two inside it.
    await profiles.recordFraudReport(merchantId, new Date('2026-10-17T10:00:00Z'));
    await profiles.recordFraudReport(merchantId, new Date('2026-10-28T23:00:00Z'));
    const beforeThreshold = await profiles.view(merchantId, now);
    await profiles.recordFraudReport(merchantId, now);
    const atThreshold = await profiles.view(merchantId, now);
    // Assess
    assert.equal(beforeThreshold.fraudReports, 1);
    assert.equal(beforeThreshold.rating, 'standard');
    assert.equal(atThreshold.fraudReports, 2);
    assert.equal(atThreshold.rating, 'tightened');
    assert.deepEqual(atThreshold.effective.singleTransactionLimit, { USD: 500 });
    assert.equal(atThreshold.effective.customerPaymentsPerMinute, 1);
    assert.deepEqual(
      atThreshold.stored.singleTransactionLimit,
      { USD: 1001 },
      'the stored profile is untouched',
    );
  });

  it('caches a profile for its TTL and shares one read between concurrent misses', async () => {
    // Prepare
    let clock = 0;
    let reads = 0;
    const cached = cachingRiskProfiles(
      async (m) => {
        reads += 1;
        return profiles.get(m);
      },
      { ttlMs: 1000, now: () => clock },
    );
    // Act
    await Promise.all([cached('m_rp_2'), cached('m_rp_2'), cached('m_rp_2')]);
    // Before 80 % of the TTL: no read at all (past it, a background read refreshes the profile:
    // test/unit/store/container-cache.test.ts).
    clock = 799;
    await cached('m_rp_2');
    const readsWithinTtl = reads;
    clock = 1000;
    await cached('m_rp_2');
    // Assess
    assert.equal(readsWithinTtl, 1);
    assert.equal(reads, 2);
  });
});
