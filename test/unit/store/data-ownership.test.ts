import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  allowedKeys,
  DATA_EXCEPTIONS,
  DATA_OWNERSHIP,
  type DataResource,
  keyMatches,
  patternCovers,
  READ_ACTIONS,
  SERVICES,
  type Service,
} from '../../../infra/services/data-ownership.js';
import { FUNCTION_SERVICES, serviceOf } from '../../../infra/services/function-services.js';
import { backOfficeKeys, keys } from '../../../shared/store/keys.js';
import { riskKeys } from '../../../shared/store/risk-keys.js';

/** The owners of a partition key: the services one of whose patterns matches it. */
function ownersOf(resource: DataResource, pk: string): Service[] {
  return SERVICES.filter((s) =>
    DATA_OWNERSHIP[s].some((o) => o.resource === resource && keyMatches(o.pattern, pk)),
  );
}

/** One partition key of every item and index entry of shared/store/keys.ts and risk-keys.ts. */
const EVERY_KEY: [DataResource, string][] = [
  ['table', keys.object('slot').PK],
  ['table', keys.refund('slot', 're_1').PK],
  ['table', keys.mismatch('slot', 'evt').PK],
  ['table', keys.conflict('slot', 'evt').PK],
  ['table', keys.apiKey('hash').PK],
  ['table', keys.merchant('m_1').PK],
  ['table', keys.merchantChange('m_1', 1).PK],
  ['table', keys.merchantKeyChange('m_1', 'key_1', 'issue').PK],
  ['table', keys.merchantListEntry('2026-01-01', 'm_1').PK],
  ['table', keys.merchantApiKey('m_1', 'key_1').PK],
  ['table', keys.riskProfile('m_1').PK],
  ['table', keys.routingConfig('m_1').PK],
  ['table', keys.requestSigning('m_1').PK],
  ['table', keys.quotaUsage('m_1', 'sandbox', 'USD', '2026-01-01', 0).PK],
  ['table', keys.riskCounter('m_1', 'AMT', '2026-01-01', 'USD').PK],
  ['table', keys.hold('m_1', 'pay_1').PK],
  ['table', keys.merchantRegistry('m_1').PK],
  ['table', keys.settlement('m_1', '2026-01-01', 'USD').PK],
  ['table', keys.discrepancy('sandbox', '2026-01-01', 'dsc_1').PK],
  ['table', keys.channelSettings('sandbox').PK],
  ['table', keys.channelBreaker('sandbox').PK],
  ['table', keys.flowLimits('m_1').PK],
  ['table', keys.flowBucket('m_1', 0).PK],
  ['table', keys.channelOutcomeCounts('sandbox', 0, 0).PK],
  ['table', backOfficeKeys.fraudReportDay('m_1', '2026-01-01').PK],
  ['table', backOfficeKeys.settlementState('m_1').PK],
  ['table', backOfficeKeys.ledger('m_1', 'USD', 'stl_1', 'payout').PK],
  ['table', backOfficeKeys.runListEntry('reconciliation', '2026', 'rcr_1').PK],
  ['table', backOfficeKeys.runListEntry('settlement', '2026', 'str_1').PK],
  ['table', backOfficeKeys.webhookEndpoint('m_1', 'we_1').PK],
  ['table', backOfficeKeys.webhookDelivery('we_1', 0, '2026', 'a').PK],
  ['table', backOfficeKeys.webhookDelivered('we_1', 0, 'evt').PK],
  ['table', backOfficeKeys.webhookDeliveries('we_1')],
  ['table', backOfficeKeys.usageCounter('m_1', 0, '2026-01-01', 'r').PK],
  ['table', backOfficeKeys.usageBatch('b', 0).PK],
  ['table', backOfficeKeys.billingPrices().PK],
  ['table', riskKeys.velocity('m_1', 'e', 'v').PK],
  ['table', riskKeys.customer('m_1', 'c').PK],
  ['table', riskKeys.summary('m_1', '2026-01-01', 3).PK],
  ['table', riskKeys.refusalCounted('m_1', '2026-01-01', 'a'.repeat(26)).PK],
  ['GSI1', keys.merchantPayments('m_1', 'pay_1')],
  ['GSI1', backOfficeKeys.merchantPaymentShards('m_1').at(-1) ?? ''],
  ['GSI2', keys.settlementLines('m_1', 'pay_1')],
  ['GSI3', keys.outcome('sandbox', '2026-01-01', 'payment', 'pay_1').GSI3PK],
  ['GSI4', keys.allPayments('pay_1')],
  ['GSI4', backOfficeKeys.reviewQueue('pay_1')],
];

describe('data ownership map', () => {
  for (const [resource, pk] of EVERY_KEY) {
    it(`gives ${resource} key ${pk} exactly one owner`, () => {
      assert.equal(ownersOf(resource, pk).length, 1, `owners: ${ownersOf(resource, pk).join(', ')}`);
    });
  }

  it("keeps a merchant's risk profile, routing and endpoints out of the gateway's merchant partition", () => {
    assert.deepEqual(ownersOf('table', keys.riskProfile('m_1').PK), ['risk']);
    assert.deepEqual(ownersOf('table', backOfficeKeys.fraudReportDay('m_1', '2026-01-01').PK), ['risk']);
    assert.deepEqual(ownersOf('table', keys.routingConfig('m_1').PK), ['channels']);
    assert.deepEqual(ownersOf('table', backOfficeKeys.webhookEndpoint('m_1', 'we_1').PK), ['webhooks']);
    assert.deepEqual(ownersOf('table', keys.merchant('m_1').PK), ['gateway']);
  });

  it('lets no two services own overlapping patterns of one table or index', () => {
    const all = SERVICES.flatMap((s) => DATA_OWNERSHIP[s].map((o) => ({ ...o, service: s })));
    for (const a of all) {
      for (const b of all) {
        if (a === b || a.resource !== b.resource) continue;
        assert.ok(
          !patternCovers(a.pattern, b.pattern),
          `${a.service} ${a.pattern} covers ${b.service} ${b.pattern}`,
        );
      }
    }
  });

  it('grants read exceptions read actions only, and never to the owner itself', () => {
    for (const e of DATA_EXCEPTIONS) {
      if (e.kind === 'read')
        assert.deepEqual(
          e.actions.filter((a) => !READ_ACTIONS.has(a)),
          [],
          e.why,
        );
      assert.ok(!e.users.includes(e.owner), e.why);
      assert.ok(e.why.length > 20 && e.removedBy.length > 10);
      for (const p of e.patterns) {
        assert.ok(
          DATA_OWNERSHIP[e.owner].some((o) => o.resource === e.resource && patternCovers(o.pattern, p)),
          `${p} is not ${e.owner}'s`,
        );
      }
    }
  });

  it("allows a service its own keys for every action, another's only through a declared exception", () => {
    assert.deepEqual(allowedKeys('webhooks', 'table', 'dynamodb:PutItem'), ['WEBHOOKS#*', 'WHE#*', 'OBJ#*']);
    assert.deepEqual(allowedKeys('risk', 'table', 'dynamodb:DeleteItem'), [
      'RISK#*',
      'RISKVEL#*',
      'RISKCUS#*',
      'RISKSUM#*',
      'HOLD#*',
    ]);
    assert.ok(!allowedKeys('console', 'table', 'dynamodb:PutItem').length);
    assert.ok(!allowedKeys('settlement', 'table', 'dynamodb:PutItem').includes('HOLD#*'));
    // Settlement asks risk's held-payments function for its holds: no read of them of its own.
    assert.ok(!allowedKeys('settlement', 'table', 'dynamodb:Query').includes('HOLD#*'));
    assert.deepEqual(allowedKeys('reconciliation', 'GSI2', 'dynamodb:Query'), []);
    // Risk asks core's functions for payments (payment-customer, payment-events) and scores a payment as
    // its event carries it: no read of OBJ# of its own; a fraud report only puts its slot.
    for (const action of ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:BatchGetItem'])
      assert.ok(!allowedKeys('risk', 'table', action).includes('OBJ#*'), action);
    assert.ok(allowedKeys('risk', 'table', 'dynamodb:PutItem').includes('OBJ#*'));
    // The channels ask core's object-states function where a payment or refund stands: no read of core's.
    for (const action of ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'])
      assert.ok(!allowedKeys('channels', 'table', action).includes('OBJ#*'), action);
    // Flow-control leases are the gateway's writes (its flow-lease function for the other services).
    const bucket = keys.flowBucket('m_1', 0).PK;
    for (const service of SERVICES)
      for (const action of ['dynamodb:UpdateItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'])
        assert.equal(
          allowedKeys(service, 'table', action).some((p) => keyMatches(p, bucket)),
          service === 'gateway',
          `${service} ${action}`,
        );
  });

  it('places every handler in a service by its entry or source path', () => {
    assert.equal(serviceOf('functions/api/create-payment.ts'), 'core');
    assert.equal(serviceOf('events/risk'), 'risk');
    assert.throws(() => serviceOf('api/unknown'), /belongs to no service/);
    for (const service of Object.values(FUNCTION_SERVICES)) assert.ok(SERVICES.includes(service));
  });

  it('matches StringLike patterns as IAM does: * spans anything, everything else is literal', () => {
    assert.ok(keyMatches('RISK#*', 'RISK#m_1'));
    assert.ok(!keyMatches('RISK#*', 'RISKVEL#m_1'));
    assert.ok(!keyMatches('MER#*', 'MERLIST#ALL'));
    assert.ok(keyMatches('MERCHANTS', 'MERCHANTS'));
    assert.ok(!keyMatches('MERCHANTS', 'MERCHANTS2'));
    assert.ok(!keyMatches('A.B', 'AxB'));
    assert.ok(patternCovers('RUNS#*', 'RUNS#settlement'));
    assert.ok(!patternCovers('RUNS#settlement', 'RUNS#*'));
  });
});
