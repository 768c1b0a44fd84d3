/**
 * The gateway checks of apiHandler, on a handler of their own: security headers on every answer, request
 * signatures of merchants that sign, and the failure paths (the key store or the signing store cannot be
 * read: 503 with Retry-After, the handler never runs).
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as z from 'zod/mini';
import { apiHandler } from '../../../shared/http/api-handler.js';
import {
  type ApiKeyResolver,
  cachingResolver,
  setApiKeyResolver,
} from '../../../shared/http/api-key-resolver.js';
import { NotFoundError } from '../../../shared/http/errors.js';
import { signRequest } from '../../../shared/http/request-signature.js';
import {
  type SigningRequirementReader,
  setSigningRequirementReader,
} from '../../../shared/http/request-signing.js';
import { json } from '../../../shared/http/responses.js';
import { resolveApiKey } from '../../../shared/store/api-keys.js';
import { cachePerContainer } from '../../../shared/store/container-cache.js';
import { readSigningRequirement } from '../../../shared/store/dynamodb/request-signing-reads.js';
import { apiEvent, context, jsonHeaders, problemOf } from '../functions/fixtures.js';

process.env.TABLE_NAME = 'payments-unit';

const HEADERS = {
  'Strict-Transport-Security': 'max-age=63072000; includeSubDomains',
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-store',
};
const SECRET = 'rss_unit_secret';

let ran = 0;
const merchantRoute = apiHandler(
  { role: 'merchant', body: z.object({ note: z.optional(z.string()) }), idempotencyKey: true },
  async ({ body }) => {
    ran++;
    if (body.note === 'missing') throw new NotFoundError('No such thing.');
    return json(201, { ok: true });
  },
);
const opsRoute = apiHandler({ role: 'ops' }, async () => {
  ran++;
  return json(200, { ok: true });
});
const publicRoute = apiHandler({}, async () =>
  json(200, { status: 'ok' }, { 'Cache-Control': 'max-age=60' }),
);

const TEST_KEYS: ApiKeyResolver = async (apiKey) => {
  const [prefix, merchantId, role] = apiKey.split('|');
  if (prefix !== 'test' || !merchantId || (role !== 'merchant' && role !== 'ops')) return undefined;
  return { merchantId, role };
};
const NOT_REQUIRED: SigningRequirementReader = async () => ({ required: false });

/** A DynamoDB client whose endpoint refuses connections: the store is unreachable. */
const unreachable = new DynamoDBClient({
  endpoint: 'http://127.0.0.1:1',
  region: 'us-east-1',
  maxAttempts: 1,
  credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
});
const unreachableTable = { client: unreachable, tableName: 'payments-unit' };

const body = '{"note":"hello"}';
const post = (headers: Record<string, string> = {}, raw = body, base64 = false) =>
  merchantRoute(
    apiEvent({
      method: 'POST',
      path: '/v1/things',
      query: { expand: 'all' },
      headers: jsonHeaders({ 'idempotency-key': 'k', ...headers }),
      body: base64 ? Buffer.from(raw).toString('base64') : raw,
      isBase64Encoded: base64,
    }),
    context,
  );
const signature = (t: number, raw = body) =>
  `t=${t},v1=${signRequest(SECRET, t, { method: 'POST', pathWithQuery: '/v1/things?expand=all', body: Buffer.from(raw) })}`;
const now = () => Math.floor(Date.now() / 1000);

afterEach(() => {
  setApiKeyResolver(TEST_KEYS);
  setSigningRequirementReader(NOT_REQUIRED);
  ran = 0;
});

describe('security headers', () => {
  it('are on successes and on every problem, whoever raised it', async () => {
    const answers = [
      await post(),
      await post({}, '{"note":"missing"}'),
      await post({}, '{"note":1}'),
      await post({}, '{'),
      await post({ authorization: 'Bearer nope' }),
      await post({ authorization: 'Bearer test|ops|ops' }),
      await opsRoute(apiEvent({ method: 'GET', auth: { merchantId: 'ops', role: 'ops' } }), context),
    ];
    assert.deepEqual(
      answers.map((a) => a.statusCode),
      [201, 404, 400, 400, 401, 403, 200],
    );
    for (const answer of answers) {
      for (const [name, value] of Object.entries(HEADERS)) assert.equal(answer.headers?.[name], value, name);
    }
  });

  it('keep a Cache-Control the handler chose', async () => {
    const answer = await publicRoute(apiEvent({ method: 'GET', path: '/health', auth: null }), context);
    assert.equal(answer.headers?.['Cache-Control'], 'max-age=60');
    assert.equal(answer.headers?.['X-Content-Type-Options'], 'nosniff');
  });
});

describe('request signatures', () => {
  const requireSigning = () => setSigningRequirementReader(async () => ({ required: true, secret: SECRET }));

  it('are not asked of merchants that do not sign, nor of ops keys', async () => {
    assert.equal((await post()).statusCode, 201);
    requireSigning();
    const ops = await opsRoute(
      apiEvent({ method: 'GET', auth: { merchantId: 'ops', role: 'ops' } }),
      context,
    );
    assert.equal(ops.statusCode, 200);
  });

  it('let a correctly signed request through, the body as received (base64 undone)', async () => {
    requireSigning();
    assert.equal((await post({ 'payments-request-signature': signature(now()) })).statusCode, 201);
    const base64 = await post({ 'Payments-Request-Signature': signature(now()) }, body, true);
    assert.equal(base64.statusCode, 201);
  });

  it('answer 401 invalid-request-signature when missing, wrong, stale or for another body, before the handler', async () => {
    requireSigning();
    const answers = [
      await post(),
      await post({ 'payments-request-signature': 'garbage' }),
      await post({ 'payments-request-signature': signature(now() - 301) }),
      await post({ 'payments-request-signature': signature(now() + 301) }),
      await post({ 'payments-request-signature': signature(now(), '{"note":"other"}') }),
    ];
    for (const answer of answers) {
      assert.equal(answer.statusCode, 401);
      assert.equal(problemOf(answer).type, 'https://payments.example/problems/invalid-request-signature');
      assert.equal(answer.headers?.['Cache-Control'], 'no-store');
    }
    assert.equal(ran, 0);
  });
});

describe('failure paths: fail closed', () => {
  it('answers 503 with Retry-After when the key store is unreachable, and never runs the handler', async () => {
    // Prepare: the real key lookup, against a table that cannot be reached.
    setApiKeyResolver((apiKey) => resolveApiKey(unreachable, 'payments-unit', apiKey));
    // Act
    const merchant = await post();
    const ops = await opsRoute(
      apiEvent({ method: 'GET', auth: { merchantId: 'ops', role: 'ops' } }),
      context,
    );
    // Assess
    for (const answer of [merchant, ops]) {
      assert.equal(answer.statusCode, 503);
      assert.equal(answer.headers?.['Retry-After'], '1');
      assert.equal(problemOf(answer).type, 'https://payments.example/problems/service-unavailable');
      assert.doesNotMatch(answer.body, /127\.0\.0\.1|ECONNREFUSED|payments-unit/);
    }
    assert.equal(ran, 0);
  });

  it('answers 503 when the signing store is unreachable, whether or not the merchant signs', async () => {
    setSigningRequirementReader((merchantId) => readSigningRequirement(unreachableTable, merchantId));
    const answer = await post({ 'payments-request-signature': signature(now()) });
    assert.equal(answer.statusCode, 503);
    assert.equal(answer.headers?.['Retry-After'], '1');
    assert.equal(ran, 0);
  });

  it('serves a key the cache holds through an outage only until its entry expires, then 503', async () => {
    // Prepare: the key is read once while the store is up, then the store goes down.
    let clock = 0;
    let up = true;
    setApiKeyResolver(
      cachingResolver(
        async (apiKey) => {
          if (!up) return resolveApiKey(unreachable, 'payments-unit', apiKey);
          return TEST_KEYS(apiKey);
        },
        { ttlMs: 10_000, now: () => clock },
      ),
    );
    // Act
    const before = await post();
    up = false;
    clock = 9_999;
    const cached = await post();
    clock = 10_001;
    const expired = await post();
    const again = await post();
    // Assess
    assert.deepEqual(
      [before, cached, expired, again].map((a) => a.statusCode),
      [201, 201, 503, 503],
      'a failed lookup is not cached: every request after expiry asks the store again, and is refused',
    );
  });

  it('checks signatures with the cached requirement through an outage until it expires, then 503', async () => {
    let clock = 0;
    let up = true;
    setSigningRequirementReader(
      cachePerContainer(
        async (merchantId) => {
          if (!up) return readSigningRequirement(unreachableTable, merchantId);
          return { required: true, secret: SECRET };
        },
        { ttlMs: 2_000, now: () => clock },
      ),
    );
    const signed = () => post({ 'payments-request-signature': signature(now()) });
    const before = await signed();
    up = false;
    clock = 1_999;
    const unsignedDuringOutage = await post();
    const cached = await signed();
    clock = 2_001;
    const expired = await signed();
    assert.deepEqual(
      [before, unsignedDuringOutage, cached, expired].map((a) => a.statusCode),
      [201, 401, 201, 503],
    );
  });

  it('still answers 401 for an unknown key, and a coded answer of the lookup as it is: only failures become 503', async () => {
    assert.equal((await post({ authorization: 'Bearer unknown' })).statusCode, 401);
    setApiKeyResolver(async () => {
      throw new NotFoundError('coded answers pass unchanged');
    });
    assert.equal((await post()).statusCode, 404);
    assert.equal(ran, 0);
  });
});
