/**
 * Merchant onboarding and API keys on DynamoDB Local: creation at the Idempotency-Key's slot, concurrent
 * reviews of which exactly one wins, the approval's risk profile and settlement registration, the history
 * and its events, and keys issued, rolled, revoked and refused as the merchant's status says.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GetItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { MerchantNotActiveError, MerchantStateError } from '../../shared/domain/merchants/errors.js';
import { RISK_RATING_LIMITS } from '../../shared/domain/merchants/risk-ratings.js';
import { eventsFromChange } from '../../shared/events/derive.js';
import type { CreateMerchantBody, Merchant } from '../../shared/schemas/merchants.js';
import { resolveApiKey } from '../../shared/store/api-keys.js';
import { DynamoMerchantApiKeyStore } from '../../shared/store/dynamodb/merchant-api-keys.js';
import { DynamoMerchantStore } from '../../shared/store/dynamodb/merchants.js';
import { MerchantNotFoundError } from '../../shared/store/dynamodb/risk-profiles.js';
import { ConcurrentModificationError, IdempotencyKeyReusedError } from '../../shared/store/errors.js';
import { requestFingerprint } from '../../shared/store/idempotency.js';
import { keys } from '../../shared/store/keys.js';
import { startTestTable, type TestTable } from '../support/dynamodb.js';

const BODY: CreateMerchantBody = { name: 'Acme', country: 'DE', expectedMonthlyVolume: { EUR: 5_000_000 } };
let counter = 0;

describe('merchant onboarding and API keys on DynamoDB Local', () => {
  let table: TestTable;
  let merchants: DynamoMerchantStore;
  let apiKeys: DynamoMerchantApiKeyStore;
  before(async () => {
    table = await startTestTable();
    merchants = new DynamoMerchantStore(table);
    apiKeys = new DynamoMerchantApiKeyStore(table);
  });
  after(async () => table.stop());

  async function create(body: CreateMerchantBody = BODY, key = `k-${++counter}`) {
    return merchants.create({
      callerId: 'ops',
      idempotencyKey: key,
      requestFingerprint: requestFingerprint('POST', '/v1/ops/merchants', body),
      body,
      now: new Date(),
    });
  }
  const review = (merchantId: string, command: Parameters<DynamoMerchantStore['change']>[0]['command']) =>
    merchants.change({ merchantId, command, by: 'ops', note: 'checked', now: new Date() });
  const issue = (merchantId: string, idempotencyKey?: string) =>
    apiKeys.issue({
      merchantId,
      callerId: 'ops',
      idempotencyKey,
      requestFingerprint: requestFingerprint('POST', `/v1/ops/merchants/${merchantId}/api-keys`, {}),
      now: new Date(),
    });
  const resolve = (secret: string, now?: () => number) =>
    resolveApiKey(table.client, table.tableName, secret, now);

  it('creates a merchant pending review once per Idempotency-Key, and refuses the key for another body', async () => {
    // Act
    const first = await create(BODY, 'same-key');
    const again = await create(BODY, 'same-key');
    // Assess
    assert.match(first.merchant.id, /^m_[a-z2-7]{26}$/);
    assert.equal(first.merchant.status, 'pending_review');
    assert.equal(first.replayed, false);
    assert.deepEqual(again, { merchant: first.merchant, replayed: true });
    await assert.rejects(create({ ...BODY, name: 'Other' }, 'same-key'), IdempotencyKeyReusedError);
  });

  it('lets exactly one of concurrent reviews win; the others answer 409', async () => {
    // Prepare
    const { merchant } = await create();
    // Act
    const results = await Promise.allSettled([
      ...Array.from({ length: 4 }, () => review(merchant.id, { kind: 'approve', riskRating: 'high' })),
      ...Array.from({ length: 4 }, () => review(merchant.id, { kind: 'reject' })),
    ]);
    // Assess
    const won = results.filter((r) => r.status === 'fulfilled');
    assert.equal(won.length, 1, JSON.stringify(results.map((r) => r.status)));
    for (const r of results) {
      if (r.status === 'rejected')
        assert.ok(
          r.reason instanceof MerchantStateError || r.reason instanceof ConcurrentModificationError,
          String(r.reason),
        );
    }
    const stored = await merchants.getWithHistory(merchant.id);
    assert.equal(stored.status, (won[0] as PromiseFulfilledResult<{ status: string }>).value.status);
    assert.deepEqual(
      stored.history?.map((c) => c.action),
      ['create', stored.status === 'active' ? 'approve' : 'reject'],
    );
  });

  it('approves with the rating’s risk limits, registers the merchant for settlement, and records who, when and why', async () => {
    // Prepare
    const { merchant } = await create();
    // Act
    const active = await review(merchant.id, { kind: 'approve' });
    // Assess
    assert.equal(active.status, 'active');
    assert.equal(active.riskRating, 'medium');
    const get = async (key: { PK: string; SK: string }) => {
      const out = await table.client.send(
        new GetItemCommand({ TableName: table.tableName, Key: marshall(key) }),
      );
      return out.Item ? unmarshall(out.Item) : undefined;
    };
    const profile = (await get(keys.riskProfile(merchant.id)))?.profile;
    assert.deepEqual(profile.singleTransactionLimit, RISK_RATING_LIMITS.medium.singleTransactionLimit);
    assert.equal(profile.singleTransactionLimit.USD, 500_000);
    assert.ok(await get(keys.merchantRegistry(merchant.id)), 'settlement lists it');
    const change = await get(keys.merchantChange(merchant.id, 2));
    assert.equal(change?.by, 'ops');
    assert.equal(change?.note, 'checked');
    assert.equal(change?.riskRating, 'medium');
    const [event] = eventsFromChange({ eventName: 'INSERT', newImage: change });
    assert.equal(event?.detailType, 'MerchantOnboarded');
    assert.equal(event?.detail.merchantId, merchant.id);
    assert.deepEqual(
      eventsFromChange({ eventName: 'INSERT', newImage: await get(keys.merchantChange(merchant.id, 1)) }),
      [],
    );
  });

  it('issues keys only to active merchants and stores only their digest and last 4', async () => {
    // Prepare
    const { merchant } = await create();
    await assert.rejects(issue(merchant.id), MerchantNotActiveError);
    await assert.rejects(issue('m_nobody'), MerchantNotFoundError);
    await review(merchant.id, { kind: 'approve', riskRating: 'low' });
    // Act
    const { key } = await issue(merchant.id, 'issue-1');
    const replay = await issue(merchant.id, 'issue-1');
    // Assess
    assert.match(key.id, /^key_[a-z2-7]{26}$/);
    assert.match(key.secret ?? '', /^sk_[A-Za-z0-9_-]{43}$/);
    assert.equal(key.last4, key.secret?.slice(-4));
    assert.deepEqual(replay, { key, replayed: true }, 'a retry replays the first answer, secret included');
    assert.deepEqual(await resolve(key.secret ?? ''), {
      merchantId: merchant.id,
      role: 'merchant',
      keyId: key.id,
    });
    const scan = await table.client.send(new ScanCommand({ TableName: table.tableName }));
    assert.ok(!JSON.stringify(scan.Items).includes(key.secret ?? '?'), 'the secret is nowhere in the table');
  });

  it('rolls with an overlap, revokes, and tells a suspended merchant’s keys apart', async () => {
    // Prepare
    const { merchant } = await create();
    await review(merchant.id, { kind: 'approve' });
    const { key: old } = await issue(merchant.id);
    // Act: roll with a 60 s overlap
    const t0 = Date.now();
    const { key: next } = await apiKeys.roll({
      merchantId: merchant.id,
      keyId: old.id,
      expiresInSeconds: 60,
      callerId: 'ops',
      requestFingerprint: 'x',
      now: new Date(t0),
    });
    // Assess
    assert.ok(await resolve(old.secret ?? ''), 'the old key still works during the overlap');
    assert.equal(await resolve(old.secret ?? '', () => t0 + 60_000), undefined, 'and not after');
    assert.equal((await resolve(next.secret ?? ''))?.keyId, next.id);
    const listed = await apiKeys.list(merchant.id, new Date(t0));
    assert.deepEqual(
      listed.map((k) => [k.id, k.status]),
      [
        [next.id, 'active'],
        [old.id, 'expiring'],
      ],
    );
    assert.ok(listed.every((k) => k.secret === undefined));
    await assert.rejects(
      apiKeys.roll({
        merchantId: merchant.id,
        keyId: old.id,
        expiresInSeconds: 0,
        callerId: 'ops',
        requestFingerprint: 'y',
        now: new Date(),
      }),
      /only an active key can be rolled/,
    );
    // Suspended: recognised (403), and no key is issued
    await review(merchant.id, { kind: 'suspend' });
    assert.deepEqual(await resolve(next.secret ?? ''), {
      merchantId: merchant.id,
      role: 'merchant',
      keyId: next.id,
      merchantSuspended: true,
    });
    await assert.rejects(issue(merchant.id), MerchantNotActiveError);
    await review(merchant.id, { kind: 'reinstate' });
    assert.equal((await resolve(next.secret ?? ''))?.merchantSuspended, undefined);
    // Revoked: unknown
    const revoked = await apiKeys.revoke(merchant.id, next.id, 'ops', new Date());
    assert.equal(revoked.status, 'revoked');
    assert.equal(await resolve(next.secret ?? ''), undefined);
    assert.equal(
      (await apiKeys.revoke(merchant.id, next.id, 'ops', new Date())).revokedAt,
      revoked.revokedAt,
    );
    // Every key change is in the merchant's history, once, beside its own changes
    const { history } = await merchants.getWithHistory(merchant.id);
    assert.deepEqual(
      history?.map((c) => [c.action, 'keyId' in c ? c.keyId : null]),
      [
        ['create', null],
        ['approve', null],
        ['issue_key', old.id],
        ['roll_key', old.id],
        ['suspend', null],
        ['reinstate', null],
        ['revoke_key', next.id],
      ],
    );
  });

  it('lists merchants newest first by status, page by page with an opaque cursor', async () => {
    // Prepare
    const created: Merchant[] = [];
    for (let i = 0; i < 5; i++) created.push((await create({ ...BODY, name: `List ${i}` })).merchant);
    await review(created[1]!.id, { kind: 'reject' });
    // Act
    const pages = [];
    let cursor: string | undefined;
    do {
      const page = await merchants.list({ limit: 2, status: 'pending_review', cursor });
      pages.push(...page.data);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    const rejected = await merchants.list({ limit: 10, status: 'rejected' });
    // Assess
    const ours = pages.filter((m) => created.some((c) => c.id === m.id)).map((m) => m.name);
    assert.deepEqual(ours, ['List 4', 'List 3', 'List 2', 'List 0']);
    assert.ok(pages.every((m) => m.status === 'pending_review'));
    assert.ok(rejected.data.some((m) => m.id === created[1]!.id && m.status === 'rejected'));
    const first = await merchants.list({ limit: 1, status: 'pending_review' });
    await assert.rejects(
      merchants.list({ limit: 1, status: 'active', cursor: first.nextCursor ?? '' }),
      /another status filter/,
    );
  });
});
