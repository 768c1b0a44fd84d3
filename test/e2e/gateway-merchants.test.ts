/**
 * Merchant onboarding and API keys through the local runtime: ops create a merchant, approve it, issue it
 * a key, the merchant takes a payment with it; the key is rolled (both work during the overlap, the old
 * one answers 401 after it), revoked (401 within 10 s), the merchant suspended (403 merchant-suspended
 * within 10 s) and reinstated. Rejections, illegal transitions and bad input answer as the contract says.
 *
 * Each function container trusts a key for at most 5 s (shared/http/api-key-resolver.ts): revocation and
 * suspension are polled until they show, and the time they took is held to the contract's 10 s.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { useLocalRuntime } from '../support/e2e.js';
import { eventually } from '../support/eventually.js';
import { isProblem, MERCHANT_1, type Reply, uniqueKey } from '../support/http.js';

/** Every line the runtime and the functions logged (at DEBUG), to show no secret is ever in them. */
const logged: string[] = [];
let functionLines = 0;
/** Every secret issued in this file. */
const secrets: string[] = [];
const e2e = useLocalRuntime({
  logLevel: 'DEBUG',
  log: {
    info: (line) => logged.push(line),
    error: (line) => logged.push(line),
    fn: (id, line) => {
      functionLines += 1;
      logged.push(`[${id}] ${line}`);
    },
  },
});
const BODY = {
  name: 'Gateway Test GmbH',
  country: 'DE',
  website: 'https://shop.example',
  mcc: '5734',
  expectedMonthlyVolume: { EUR: 2_000_000 },
};
const REVOCATION_BOUND_MS = 10_000;

const createMerchant = (body: unknown = BODY, idempotencyKey = uniqueKey('mer')) =>
  e2e.ops.post('/v1/ops/merchants', body, { idempotencyKey });
const review = (id: string, body: unknown) => e2e.ops.post(`/v1/ops/merchants/${id}/review`, body);
async function issueKey(id: string, idempotencyKey = uniqueKey('key')) {
  const reply = await e2e.ops.post(`/v1/ops/merchants/${id}/api-keys`, undefined, { idempotencyKey });
  if (reply.body?.secret) secrets.push(reply.body.secret);
  return reply;
}
/** A merchant request with `key`: its payments list. */
const asMerchant = (key: string) => e2e.api.get('/v1/payments?limit=1', { key });

/** Polls until `key` answers `status`; returns how long it took. */
async function untilStatus(key: string, status: number): Promise<{ ms: number; reply: Reply }> {
  const started = Date.now();
  const reply = await eventually(
    async () => {
      const r = await asMerchant(key);
      return r.status === status ? r : undefined;
    },
    REVOCATION_BOUND_MS + 5_000,
    `HTTP ${status}`,
    250,
  );
  return { ms: Date.now() - started, reply };
}

async function activeMerchant(rating?: string) {
  const created = await createMerchant();
  assert.equal(created.status, 201, created.text);
  const approved = await review(created.body.id, {
    decision: 'approve',
    ...(rating ? { riskRating: rating } : {}),
    note: 'KYC ok',
  });
  assert.equal(approved.status, 200, approved.text);
  return approved.body;
}

describe('merchant onboarding and keys, end to end', () => {
  it('onboards, issues a key that takes a payment, rolls, expires, revokes, suspends and reinstates', async (t) => {
    // Create (idempotent) and approve
    const idem = uniqueKey('mer');
    const created = await createMerchant(BODY, idem);
    assert.equal(created.status, 201, created.text);
    assert.match(created.body.id, /^m_/);
    assert.equal(created.body.object, 'merchant');
    assert.equal(created.body.status, 'pending_review');
    const replay = await createMerchant(BODY, idem);
    assert.equal(replay.status, 201);
    assert.equal(replay.headers.get('idempotent-replayed'), 'true');
    assert.deepEqual(replay.body, created.body);
    const id = created.body.id as string;
    const early = await issueKey(id);
    assert.ok(isProblem(early, 409), early.text);
    assert.match(early.body.type, /\/merchant-not-active$/);
    const approved = await review(id, {
      decision: 'approve',
      riskRating: 'low',
      note: 'KYC documents checked',
    });
    assert.equal(approved.status, 200, approved.text);
    assert.equal(approved.body.status, 'active');
    assert.equal(approved.body.riskRating, 'low');
    const profile = await e2e.ops.get(`/v1/ops/merchants/${id}/risk-profile`);
    assert.equal(profile.body.singleTransactionLimit.USD, 1_000_000, 'the rating’s limits');

    // Issue a key (shown once, replayed by its Idempotency-Key) and take a payment with it
    const keyIdem = uniqueKey('key');
    const issued = await issueKey(id, keyIdem);
    assert.equal(issued.status, 201, issued.text);
    assert.match(issued.body.id, /^key_/);
    assert.match(issued.body.secret, /^sk_/);
    assert.equal(issued.body.last4, issued.body.secret.slice(-4));
    assert.equal(issued.body.expiresAt, null);
    assert.deepEqual((await issueKey(id, keyIdem)).body, issued.body);
    const first = issued.body.secret as string;
    const payment = await e2e.api.createPayment({ amount: 2_500, currency: 'EUR' }, { key: first });
    assert.equal(payment.status, 201, payment.text);
    assert.equal(payment.body.merchantId, id);
    assert.equal((await e2e.api.get(`/v1/payments/${payment.body.id}`)).status, 404, 'not merchant 1’s');

    // Roll with a 4 s overlap: both work, then the old one answers 401
    const rolled = await e2e.ops.post(`/v1/ops/merchants/${id}/api-keys/${issued.body.id}/roll`, {
      expiresInSeconds: 4,
    });
    assert.equal(rolled.status, 201, rolled.text);
    const second = rolled.body.secret as string;
    secrets.push(second);
    assert.equal((await asMerchant(first)).status, 200);
    assert.equal((await asMerchant(second)).status, 200);
    const listed = await e2e.ops.get(`/v1/ops/merchants/${id}/api-keys`);
    assert.deepEqual(
      listed.body.data.map((k: any) => [k.id, k.status, k.secret]),
      [
        [rolled.body.id, 'active', undefined],
        [issued.body.id, 'expiring', undefined],
      ],
    );
    assert.ok(!listed.text.includes(first) && !listed.text.includes(second), 'no secret listed');
    await sleep(Date.parse(listed.body.data[1].expiresAt) - Date.now() + 50);
    assert.ok(isProblem(await asMerchant(first), 401), 'expired');
    assert.equal((await asMerchant(second)).status, 200);

    // Revoke: 401 within 10 s
    const revoked = await e2e.ops.request('DELETE', `/v1/ops/merchants/${id}/api-keys/${rolled.body.id}`);
    assert.equal(revoked.status, 200, revoked.text);
    assert.equal(revoked.body.status, 'revoked');
    const revocation = await untilStatus(second, 401);
    assert.ok(revocation.ms < REVOCATION_BOUND_MS, `revocation took ${revocation.ms} ms`);

    // Suspend: 403 merchant-suspended within 10 s; no key issued meanwhile; reinstate: works again
    const thirdKey = (await issueKey(id)).body;
    const third = thirdKey.secret as string;
    assert.equal((await asMerchant(third)).status, 200);
    const suspended = await e2e.ops.post(`/v1/ops/merchants/${id}/suspend`, { note: 'chargeback spike' });
    assert.equal(suspended.status, 200, suspended.text);
    assert.equal(suspended.body.status, 'suspended');
    const suspension = await untilStatus(third, 403);
    assert.ok(suspension.ms < REVOCATION_BOUND_MS, `suspension took ${suspension.ms} ms`);
    assert.ok(isProblem(suspension.reply, 403));
    assert.match(suspension.reply.body.type, /\/merchant-suspended$/);
    const refusedPayment = await e2e.api.createPayment({ amount: 100, currency: 'EUR' }, { key: third });
    assert.match(refusedPayment.body.type, /\/merchant-suspended$/);
    assert.match((await issueKey(id)).body.type, /\/merchant-not-active$/);
    assert.ok(isProblem(await e2e.ops.post(`/v1/ops/merchants/${id}/suspend`, {}), 409));
    const reinstated = await e2e.ops.post(`/v1/ops/merchants/${id}/reinstate`, { note: 'resolved' });
    assert.equal(reinstated.status, 200, reinstated.text);
    const back = await untilStatus(third, 200);
    assert.ok(back.ms < REVOCATION_BOUND_MS, `reinstatement took ${back.ms} ms`);
    t.diagnostic(
      `revoked → 401 in ${revocation.ms} ms; suspended → 403 in ${suspension.ms} ms; reinstated → 200 in ${back.ms} ms`,
    );

    // The history: who, when, why
    const merchant = await e2e.ops.get(`/v1/ops/merchants/${id}`);
    assert.equal(merchant.status, 200, merchant.text);
    const changes = merchant.body.history.filter((c: any) => !c.action.endsWith('_key'));
    assert.deepEqual(
      changes.map((c: any) => [c.action, c.from, c.to, c.by, c.note]),
      [
        ['create', null, 'pending_review', 'ops', null],
        ['approve', 'pending_review', 'active', 'ops', 'KYC documents checked'],
        ['suspend', 'active', 'suspended', 'ops', 'chargeback spike'],
        ['reinstate', 'suspended', 'active', 'ops', 'resolved'],
      ],
    );
    assert.ok(merchant.body.history.every((c: any) => !Number.isNaN(Date.parse(c.at))));
    const keyChanges = merchant.body.history.filter((c: any) => c.action.endsWith('_key'));
    assert.deepEqual(
      keyChanges.map((c: any) => [c.action, c.keyId, c.newKeyId, c.by]),
      [
        ['issue_key', issued.body.id, undefined, 'ops'],
        ['roll_key', issued.body.id, rolled.body.id, 'ops'],
        ['revoke_key', rolled.body.id, undefined, 'ops'],
        ['issue_key', thirdKey.id, undefined, 'ops'],
      ],
    );
  });

  it('rejects: a rejected merchant is never issued keys, never reviewed again, never suspended', async () => {
    const created = await createMerchant();
    const id = created.body.id as string;
    const rejected = await review(id, { decision: 'reject', note: 'sanctioned country' });
    assert.equal(rejected.status, 200, rejected.text);
    assert.equal(rejected.body.status, 'rejected');
    for (const reply of [
      await review(id, { decision: 'approve' }),
      await e2e.ops.post(`/v1/ops/merchants/${id}/suspend`, {}),
      await e2e.ops.post(`/v1/ops/merchants/${id}/reinstate`, {}),
      await issueKey(id),
    ]) {
      assert.ok(isProblem(reply, 409), reply.text);
    }
    const again = await review((await activeMerchant()).id, { decision: 'reject' });
    assert.match(again.body.type, /\/merchant-state-conflict$/);
  });

  it('rolls with a day of overlap by default, once per key; a retry with the same Idempotency-Key replays', async () => {
    const { id } = await activeMerchant();
    const key = (await issueKey(id)).body;
    const rollPath = `/v1/ops/merchants/${id}/api-keys/${key.id}/roll`;
    const idem = uniqueKey('roll');
    const rolled = await e2e.ops.request('POST', rollPath, { idempotencyKey: idem });
    assert.equal(rolled.status, 201, rolled.text);
    const replay = await e2e.ops.request('POST', rollPath, { idempotencyKey: idem });
    assert.equal(replay.headers.get('idempotent-replayed'), 'true');
    assert.deepEqual(replay.body, rolled.body);
    const again = await e2e.ops.request('POST', rollPath);
    assert.ok(isProblem(again, 409), again.text);
    assert.match(again.body.type, /\/api-key-not-active$/);
    const listed = await e2e.ops.get(`/v1/ops/merchants/${id}/api-keys`);
    assert.equal(listed.body.nextCursor, null);
    const old = listed.body.data.find((k: any) => k.id === key.id);
    const overlap = Date.parse(old.expiresAt) - Date.parse(rolled.body.createdAt);
    assert.equal(old.status, 'expiring');
    assert.ok(Math.abs(overlap - 86_400_000) < 1_000, `overlap ${overlap} ms`);
  });

  it('lists merchants by status, newest first, with an opaque cursor', async () => {
    const a = await activeMerchant('high');
    const b = await activeMerchant();
    const page1 = await e2e.ops.get('/v1/ops/merchants?status=active&limit=1');
    assert.equal(page1.status, 200, page1.text);
    assert.deepEqual(
      page1.body.data.map((m: any) => m.id),
      [b.id],
    );
    const page2 = await e2e.ops.get(
      `/v1/ops/merchants?status=active&limit=1&cursor=${page1.body.nextCursor}`,
    );
    assert.deepEqual(
      page2.body.data.map((m: any) => m.id),
      [a.id],
    );
    const all = await e2e.ops.get('/v1/ops/merchants?limit=100');
    assert.ok(
      all.body.data.some((m: any) => m.id === MERCHANT_1.id && m.status === 'active'),
      'the demo merchants are active',
    );
  });

  it('answers 400 problem+json to bad input, 404 to an unknown merchant or key, and 403 to a merchant key', async () => {
    const cases: [Reply, string][] = [
      [await createMerchant({ ...BODY, country: 'Germany' }), 'country'],
      [await createMerchant({ ...BODY, vip: true }), 'vip'],
      [await createMerchant({ ...BODY, expectedMonthlyVolume: { EUR: -1 } }), 'expectedMonthlyVolume.EUR'],
      [await e2e.ops.post('/v1/ops/merchants', BODY), 'Idempotency-Key'],
      [await review(MERCHANT_1.id, { decision: 'maybe' }), 'decision'],
      [await review(MERCHANT_1.id, { decision: 'approve', riskRating: 'extreme' }), 'riskRating'],
      [await e2e.ops.get('/v1/ops/merchants?status=sleeping'), 'status'],
      [await e2e.ops.get('/v1/ops/merchants?cursor=bm9wZQ'), 'cursor'],
      [
        await e2e.ops.post(`/v1/ops/merchants/${MERCHANT_1.id}/api-keys/key_demo_1/roll`, {
          expiresInSeconds: -1,
        }),
        'expiresInSeconds',
      ],
    ];
    for (const [reply, path] of cases) {
      assert.ok(isProblem(reply, 400), `${path}: ${reply.status} ${reply.text}`);
      assert.ok(
        reply.body.errors?.some((e: any) => e.path === path),
        `${path}: ${reply.text}`,
      );
    }
    assert.ok(isProblem(await e2e.ops.get('/v1/ops/merchants/m_nobody'), 404));
    assert.ok(isProblem(await review('m_nobody', { decision: 'approve' }), 404));
    assert.ok(
      isProblem(
        await e2e.ops.request('DELETE', `/v1/ops/merchants/${MERCHANT_1.id}/api-keys/key_nothere`),
        404,
      ),
    );
    assert.ok(isProblem(await e2e.api.get('/v1/ops/merchants'), 403));
  });

  it('never logs a secret, at any log level (runs last: it reads what the tests above logged)', () => {
    assert.ok(functionLines > 0, 'the functions’ logs are captured');
    assert.ok(secrets.length >= 5, `secrets issued: ${secrets.length}`);
    for (const secret of secrets) {
      assert.ok(!logged.some((line) => line.includes(secret)), 'a secret was logged');
      assert.ok(!logged.some((line) => line.includes(secret.slice(3, 23))), 'part of a secret was logged');
    }
  });
});
