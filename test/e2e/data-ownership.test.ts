/**
 * Services own their data, checked on what the shipped functions really do: lifecycles run through the
 * local runtime (create → channel callback → risk → merchant webhooks, a refund, a reconciliation run, a
 * settlement run) with every function's DynamoDB calls going through a recording proxy, and each recorded
 * call (function, action, table or index, partition keys) must be allowed by that function's synthesized
 * IAM policy (test/support/dynamo-policy.ts evaluates it). DynamoDB Local checks no IAM: this is the check
 * that the LeadingKeys grants of infra/services/data-ownership.ts would not refuse a call in AWS.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startLocalRuntime } from '../../local/src/runtime.js';
import type { LocalRuntime } from '../../local/src/runtime-options.js';
import { ASSEMBLY_DIR } from '../../local/src/synth.js';
import { loadTemplate } from '../../local/src/template.js';
import { isAllowed, roleStatements, tableArn } from '../support/dynamo-policy.js';
import { type DynamoRecorder, startDynamoRecorder } from '../support/dynamo-recorder.js';
import { eventually } from '../support/eventually.js';
import { Api, MERCHANT_1, uniqueKey } from '../support/http.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

let runtime: LocalRuntime;
let recorder: DynamoRecorder | undefined;
let receiver: WebhookReceiver;

before(async () => {
  receiver = await startWebhookReceiver();
  runtime = await startLocalRuntime({
    port: 0,
    quiet: process.env.LOCAL_RUNTIME_LOGS !== '1',
    callbackDelayMs: 200,
    stepFunctionsTimeScale: 0.01,
    functionsDynamoEndpoint: async (endpoint, logicalId) => {
      recorder ??= await startDynamoRecorder(endpoint);
      return recorder.endpointFor(logicalId);
    },
  });
});
after(async () => {
  await runtime?.stop();
  await recorder?.close();
  await receiver?.close();
});

const today = () => new Date().toISOString().slice(0, 10);

/** A request to the sandbox PSP's test controls (its statement's discrepancies). */
async function psp(path: string, body: unknown) {
  const response = await fetch(`${runtime.pspUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.ok(response.ok, `${path}: ${response.status}`);
}

/**
 * The assembly's resources as the runtime merged them (every stack, SSM parameters resolved to what their
 * producer writes, logical ids as the runtime names the functions): the policies the recorded calls face.
 */
function assemblyResources(): Record<string, { Type: string; Properties: Record<string, any> }> {
  return loadTemplate(ASSEMBLY_DIR).template.Resources as never;
}

/** A merchant created, approved (its initial risk profile) and given a key. */
async function onboardMerchant(ops: Api) {
  const created = await ops.post(
    '/v1/ops/merchants',
    { name: 'Acme', country: 'DE', expectedMonthlyVolume: { EUR: 5_000_000 } },
    { idempotencyKey: uniqueKey('mer') },
  );
  assert.equal(created.status, 201, created.text);
  const path = `/v1/ops/merchants/${created.body.id}`;
  const approved = await ops.post(`${path}/review`, {
    decision: 'approve',
    riskRating: 'low',
    note: 'KYC ok',
  });
  assert.equal(approved.status, 200, approved.text);
  const key = await ops.post(`${path}/api-keys`, {}, { idempotencyKey: uniqueKey('key') });
  assert.equal(key.status, 201, key.text);
}

/**
 * A fraud report blocklists an email (its retry replays it); a near miss of it is held for review; ops
 * release it and read its timeline. The payment is core's: risk asks core's functions for it.
 */
async function holdForReviewAndRelease(api: Api, ops: Api) {
  const local = uniqueKey('mallory').replace(/[^a-z0-9]/gi, '');
  const customer = (email: string) => ({ id: uniqueKey('cus'), email });
  const first = await api.createPayment({
    amount: 1_000,
    currency: 'USD',
    customer: customer(`${local}@gmail.com`),
  });
  assert.equal(first.status, 201, first.text);
  const reportKey = uniqueKey('fr');
  const report = await api.post(
    `/v1/payments/${first.body.id}/fraud-reports`,
    { reason: 'card holder disputed' },
    { idempotencyKey: reportKey },
  );
  assert.equal(report.status, 201, report.text);
  const replayed = await api.post(
    `/v1/payments/${first.body.id}/fraud-reports`,
    { reason: 'card holder disputed' },
    { idempotencyKey: reportKey },
  );
  assert.equal(replayed.status, 201, replayed.text);
  assert.equal(replayed.headers.get('idempotent-replayed'), 'true');
  const second = await api.createPayment({
    amount: 150_000,
    currency: 'USD',
    customer: customer(`${local.slice(0, 3)}.${local.slice(3)}+second@gmail.com`),
  });
  assert.equal(second.status, 201, second.text);
  const held = await api.waitForPayment(second.body.id, (p) => p.risk && p.status === 'succeeded');
  assert.equal(held.risk.decision, 'review');
  const released = await ops.post(`/v1/ops/payments/${second.body.id}/review`, { decision: 'release' });
  assert.equal(released.status, 200, released.text);
  const timeline = await ops.get(`/v1/ops/payments/${second.body.id}/events?limit=100`);
  assert.equal(timeline.status, 200, timeline.text);
  assert.ok(timeline.body.data.some((e: { detailType: string }) => e.detailType === 'RiskAssessed'));
}

/**
 * A create the before-checks refuse (a blocklisted email, then the profile as it was): its count in the
 * merchant's daily risk summary is written by risk's count-refusal function, invoked by create-payment.
 */
async function refuseBlockedEmail(api: Api, ops: Api) {
  const path = `/v1/ops/merchants/${MERCHANT_1.id}/risk-profile`;
  const email = `${uniqueKey('blocked').replace(/[^a-z0-9]/gi, '')}@example.com`;
  const stored = await ops.get(path);
  const blocked = { ...stored.body, blockedEmails: [...stored.body.blockedEmails, email] };
  assert.equal((await ops.request('PUT', path, { body: blocked })).status, 200);
  // create-payment caches a profile for up to 1 s per container.
  await new Promise((resolve) => setTimeout(resolve, 1_100));
  const refused = await api.createPayment({ amount: 900, currency: 'USD', customer: { email } });
  assert.equal(refused.status, 422, refused.text);
  assert.equal((await ops.request('PUT', path, { body: stored.body })).status, 200);
  const summary = `${path.replace('risk-profile', 'risk-summary')}?date=${today()}`;
  await eventually(
    async () => ((await ops.get(summary)).body.refusedBefore >= 1 ? true : undefined),
    10_000,
    'the refusal counted in the daily summary',
  );
  await new Promise((resolve) => setTimeout(resolve, 1_100));
}

/** Quotas on two channels; the first is down for a payment, which fails over with its quota count. */
async function failOverWithQuotas(api: Api, ops: Api) {
  const routing = await ops.request('PUT', `/v1/ops/merchants/${MERCHANT_1.id}/routing`, {
    body: {
      default: { strategy: 'priority', channels: ['stripe', 'sandbox'] },
      quotas: { stripe: { GBP: 50_000 }, sandbox: { GBP: 50_000 } },
    },
  });
  assert.equal(routing.status, 200, routing.text);
  const created = await api.createPayment({
    amount: 4_200,
    currency: 'GBP',
    metadata: { sandbox_outcome_stripe: 'unavailable' },
  });
  assert.equal(created.status, 201, created.text);
  const done = await api.waitForPayment(created.body.id, (p) => p.status !== 'processing');
  assert.equal(done.channel, 'sandbox');
  const reset = await ops.request('PUT', `/v1/ops/merchants/${MERCHANT_1.id}/routing`, { body: {} });
  assert.equal(reset.status, 200, reset.text);
}

describe('every DynamoDB call of a lifecycle is allowed by its function IAM policy', () => {
  it('runs payments, a refund, webhooks, a reconciliation and a settlement within each function grants', async (t) => {
    // Prepare: a webhook endpoint of merchant 1, so its events are delivered
    const api = new Api(runtime.url, MERCHANT_1.key);
    const ops = new Api(runtime.url, 'sk_test_ops');
    const endpoint = await api.post(
      '/v1/webhook-endpoints',
      { url: receiver.url, events: ['payment.succeeded', 'refund.succeeded'] },
      { idempotencyKey: uniqueKey('we') },
    );
    assert.equal(endpoint.status, 201, endpoint.text);
    receiver.setSecret(endpoint.body.secret);

    // Act: lifecycles through the channel, risk and webhooks (one never called back); a refund
    const created = await Promise.all(
      [1_100, 1_200, 1_300].map((amount) => api.createPayment({ amount, currency: 'USD' })),
    );
    const missed = await api.createPayment({
      amount: 1_400,
      currency: 'USD',
      metadata: { sandbox_outcome: 'none' },
    });
    for (const p of [...created, missed]) assert.equal(p.status, 201, p.text);
    for (const p of created) await api.waitForPayment(p.body.id, (x) => x.status === 'succeeded');
    const refund = await api.post(
      `/v1/payments/${created[0]?.body.id}/refunds`,
      { amount: 100 },
      { idempotencyKey: uniqueKey('re') },
    );
    assert.equal(refund.status, 201, refund.text);
    assert.equal((await api.get('/v1/payments?limit=5')).status, 200);
    await eventually(
      () => (receiver.deliveries.length >= 3 ? true : undefined),
      20_000,
      'webhook deliveries',
    );

    // ... ops reads and writes of each service's configuration
    const merchant = `/v1/ops/merchants/${MERCHANT_1.id}`;
    for (const path of [
      `${merchant}/risk-profile`,
      `${merchant}/risk-summary?date=${today()}`,
      '/v1/ops/overview',
    ]) {
      assert.equal((await ops.get(path)).status, 200, path);
    }
    assert.equal((await ops.get('/v1/ops/payments?risk=review')).status, 200);
    await onboardMerchant(ops);
    await holdForReviewAndRelease(api, ops);
    await refuseBlockedEmail(api, ops);
    await failOverWithQuotas(api, ops);

    // ... a reconciliation run finding a mismatch (a hold) and repairing the missed callback, ops resolving
    await psp(`/statements/${today()}/discrepancies`, {
      alter: [{ reference: created[1]?.body.id, amount: 1_201 }],
      add: [
        {
          channelReference: 'sbx_missed_1',
          reference: missed.body.id,
          type: 'payment',
          amount: 1_400,
          currency: 'USD',
          status: 'succeeded',
          fee: 68,
          occurredAt: new Date().toISOString(),
        },
      ],
    });
    const recon = await ops.post(
      '/v1/ops/reconciliation/runs',
      { channel: 'sandbox', date: today() },
      { idempotencyKey: uniqueKey('rcr') },
    );
    assert.equal(recon.status, 202, recon.text);
    const reconciled = await eventually(
      async () => {
        const r = await ops.get(`/v1/ops/reconciliation/runs/${recon.body.id}`);
        return r.body.status === 'running' ? undefined : r.body;
      },
      30_000,
      'the reconciliation run to end',
    );
    assert.equal(reconciled.status, 'completed', JSON.stringify(reconciled));
    assert.equal(reconciled.counts.mismatched, 1, JSON.stringify(reconciled.counts));
    assert.equal(reconciled.repaired, 1);
    const found = await ops.get(`/v1/ops/reconciliation/runs/${recon.body.id}/discrepancies?limit=10`);
    const mismatch = found.body.data.find((d: { kind: string }) => d.kind === 'mismatch');
    const resolved = await ops.post(`/v1/ops/reconciliation/discrepancies/${mismatch?.id}/resolve`, {
      note: 'ok',
    });
    assert.equal(resolved.status, 200, resolved.text);

    // ... and a settlement run
    const settle = await ops.post(
      '/v1/ops/settlements/runs',
      { date: today() },
      { idempotencyKey: uniqueKey('stl') },
    );
    assert.equal(settle.status, 202, settle.text);
    const settled = await eventually(
      async () => {
        const r = await ops.get(`/v1/ops/settlements/runs/${settle.body.id}`);
        return r.body.status === 'running' ? undefined : r.body;
      },
      60_000,
      'the settlement run to end',
    );
    assert.equal(settled.status, 'succeeded', JSON.stringify(settled));

    // Assess: every recorded call against its function's policy
    const resources = assemblyResources();
    const tableId = Object.entries(resources).find(([, r]) => r.Type === 'AWS::DynamoDB::Table')?.[0] ?? '';
    const calls = recorder?.calls ?? [];
    const refused = calls.flatMap((call) => {
      const fn = resources[call.caller];
      const roleId = fn?.Properties.Role?.['Fn::GetAtt']?.[0] ?? '';
      const ok =
        call.table === runtime.tableName &&
        isAllowed(roleStatements(resources, roleId), {
          action: call.action,
          resource: tableArn(tableId, call.index),
          leadingKeys: call.leadingKeys,
        });
      return ok
        ? []
        : [`${call.caller} ${call.action} ${call.index ?? 'table'} ${call.leadingKeys.join(',')}`];
    });
    assert.deepEqual([...new Set(refused)], []);

    // ... and the calls covered every service of the lifecycle, so the check above examined them
    const callers = [...new Set(calls.map((c) => c.caller))].join(' ');
    t.diagnostic(
      `${calls.length} DynamoDB requests of ${new Set(calls.map((c) => c.caller)).size} functions checked`,
    );
    for (const fn of [
      'ReviewMerchant',
      'ReviewPayment',
      'CreateFraudReport',
      'Dispatch',
      'ResolveDiscrepancy',
      // The overview's and the ops search's reads, by their owners' functions
      'ChannelHealthSummary',
      'MerchantRegistry',
      'HoldCounts',
      'OpenDiscrepancies',
      'ReviewQueue',
      'PutRoutingConfig',
      'CreatePayment',
      'ApplyChannelOutcomes',
      'EventsRisk',
      'ApplyRiskDecisions',
      'MerchantWebhooks',
      'CreateRefund',
      'ReconciliationRuns',
      'SettleMerchant',
      // What reconciliation and settlement read of core's and the channels' items, by their functions
      'ChannelDayOutcomes',
      'SettlementLines',
      'ChannelFees',
      // ... and of risk's holds
      'HeldPayments',
      // Where the dispatcher's payments stand, by core's function
      'ObjectStates',
      // A refusal's count in risk's daily summary, by risk's function
      'CountRefusal',
      // What risk reads of payments, by core's functions (a fraud report's payment, the ops timeline)
      'PaymentCustomer',
      'PaymentEvents',
      // What create-payment checks and routes by, read by risk's and the channels' functions
      'MerchantRiskProfile',
      'RoutingConfig',
      'ChannelFacts',
    ]) {
      assert.match(callers, new RegExp(fn), `no DynamoDB call of ${fn} was recorded`);
    }
    // ... and settlement's holds were risk's reads: no settlement task touched a hold item itself.
    assert.deepEqual(
      [
        ...new Set(
          calls
            .filter(
              (c) => /SettleMerchant/.test(c.caller) && c.leadingKeys.some((k) => k.startsWith('HOLD#')),
            )
            .map((c) => `${c.caller} ${c.action}`),
        ),
      ],
      [],
      'a settlement task read the hold registry',
    );
    // ... and create-payment itself no longer touches risk's daily summary, nor reads the risk profile,
    // the routing configuration or the channels' records and counts: their owners' functions do.
    assert.deepEqual(
      [
        ...new Set(
          calls
            .filter(
              (c) =>
                /CreatePayment/.test(c.caller) &&
                c.leadingKeys.some((k) => /^(RISKSUM|RISK|ROUTING|CHANNEL|HLT)#/.test(k)),
            )
            .map((c) => `${c.caller} ${c.action} ${c.leadingKeys.join(',')}`),
        ),
      ],
      [],
      "create-payment touched risk's or the channels' items",
    );
    // ... and no risk function read a payment (OBJ#): the fraud report only put itself at its slot.
    const riskOnPayments = calls
      .filter(
        (c) =>
          /ReviewPayment|CreateFraudReport|EventsRisk/.test(c.caller) &&
          c.leadingKeys.some((k) => k.startsWith('OBJ#')),
      )
      .map((c) => `${/CreateFraudReport/.test(c.caller) ? 'CreateFraudReport' : c.caller} ${c.action}`);
    assert.deepEqual([...new Set(riskOnPayments)], ['CreateFraudReport dynamodb:PutItem']);
    // ... and the channels' outcomes were core's writes, the states they act on core's reads: the callback
    // touched no item, no channels function touched a payment or refund (OBJ#), and the dispatcher's
    // reads of them were core's object-states function's.
    assert.doesNotMatch(callers, /Callback/, 'the channel callback called DynamoDB');
    assert.deepEqual(
      [
        ...new Set(
          calls
            .filter((c) => c.caller.startsWith('Channels') && c.leadingKeys.some((k) => k.startsWith('OBJ#')))
            .map((c) => `${c.caller} ${c.action}`),
        ),
      ],
      [],
      'a channels function touched a payment or refund',
    );
    assert.ok(
      calls.some(
        (c) =>
          /ObjectStates/.test(c.caller) &&
          c.action === 'dynamodb:BatchGetItem' &&
          c.leadingKeys.some((k) => k.startsWith('OBJ#')),
      ),
      "core's object-states function read no payment for the dispatcher",
    );
  });
});
