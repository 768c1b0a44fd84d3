/**
 * The OpenAPI document: the committed docs/openapi.json is what the zod schemas build today, it is a
 * valid OpenAPI 3.1 document, and it states the contract's rules (routes, callers, idempotency, strict
 * bodies, amount bounds, problem+json, 503 with Retry-After), the merchant webhooks and the bus events.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import { ValidationError } from '../../shared/http/errors.js';
import { readIdempotencyKey } from '../../shared/http/idempotency-key.js';
import { PUBLISHED_DETAIL_TYPES } from '../../shared/schemas/events.js';
import { buildOpenApi, eventDetailComponent } from '../../shared/schemas/openapi.js';
import { WEBHOOK_EVENT_TYPES } from '../../shared/schemas/webhooks.js';
import { signPayload } from '../../shared/webhooks/signature.js';

type Json = Record<string, any>;

const built = JSON.parse(JSON.stringify(buildOpenApi())) as Json;
const committed = JSON.parse(
  readFileSync(new URL('../../docs/openapi.json', import.meta.url), 'utf8'),
) as Json;

/** Follows a local `$ref` (`#/components/...`) to what it names. */
function deref(doc: Json, value: Json): Json {
  if (typeof value.$ref !== 'string') return value;
  return value.$ref
    .slice(2)
    .split('/')
    .reduce((node: Json, key: string) => node[key], doc);
}

function parametersOf(doc: Json, path: string, method: string): Json[] {
  return (doc.paths[path][method].parameters ?? []).map((p: Json) => deref(doc, p));
}

/**
 * Every route of the stack (infra/constructs: api, channels, risk, risk-consumer, webhooks, dead-letters,
 * reconciliation, settlement);
 * test/infra/openapi-routes.test.ts checks the template's routes against the document.
 */
const CONTRACT_ROUTES: Record<string, string[]> = {
  '/health': ['get'],
  '/v1/payments': ['get', 'post'],
  '/v1/payments/{id}': ['get'],
  '/v1/payments/{id}/refunds': ['get', 'post'],
  '/v1/payments/{id}/fraud-reports': ['post'],
  '/v1/webhook-endpoints': ['post'],
  '/v1/webhook-endpoints/{id}/deliveries': ['get'],
  '/v1/ops/merchants/{merchantId}/risk-profile': ['get', 'put'],
  '/v1/ops/merchants/{merchantId}/routing': ['get', 'put'],
  '/v1/ops/merchants/{merchantId}/request-signing': ['put'],
  '/v1/ops/merchants/{merchantId}/limits': ['get', 'put'],
  '/v1/ops/merchants/{merchantId}/risk-summary': ['get'],
  '/v1/ops/merchants': ['get', 'post'],
  '/v1/ops/merchants/{merchantId}': ['get'],
  '/v1/ops/merchants/{merchantId}/review': ['post'],
  '/v1/ops/merchants/{merchantId}/suspend': ['post'],
  '/v1/ops/merchants/{merchantId}/reinstate': ['post'],
  '/v1/ops/merchants/{merchantId}/api-keys': ['get', 'post'],
  '/v1/ops/merchants/{merchantId}/api-keys/{keyId}': ['delete'],
  '/v1/ops/merchants/{merchantId}/api-keys/{keyId}/roll': ['post'],
  '/v1/ops/payments/{id}/review': ['post'],
  '/v1/ops/payments': ['get'],
  '/v1/ops/payments/{id}': ['get'],
  '/v1/ops/dead-letter-queues': ['get'],
  '/v1/ops/overview': ['get'],
  '/v1/ops/payments/{id}/events': ['get'],
  '/v1/ops/dead-letter-queues/{name}/messages': ['get'],
  '/v1/ops/dead-letter-queues/{name}/redrive': ['post'],
  '/v1/ops/dead-letter-queues/{name}/redrives': ['get'],
  '/v1/ops/reconciliation/statements': ['post'],
  '/v1/ops/reconciliation/runs': ['get', 'post'],
  '/v1/ops/reconciliation/runs/{id}': ['get'],
  '/v1/ops/reconciliation/runs/{id}/discrepancies': ['get'],
  '/v1/ops/reconciliation/discrepancies/{id}/resolve': ['post'],
  '/v1/ops/settlements/runs': ['get', 'post'],
  '/v1/ops/settlements/runs/{id}': ['get'],
  '/v1/settlements': ['get'],
  '/v1/settlements/{id}': ['get'],
  '/v1/channels/{channel}/callbacks': ['post'],
  '/v1/ops/channels': ['get'],
  '/v1/ops/channels/{channel}': ['get', 'put'],
  '/v1/ops/merchants/{merchantId}/usage': ['get'],
  '/v1/ops/billing/prices': ['get', 'put'],
  '/v1/billing/statements/{month}': ['get'],
};

/** The POSTs that create something, so require `Idempotency-Key` (contract: Idempotency). */
const CREATING_POSTS = new Set([
  'post /v1/ops/merchants',
  'post /v1/ops/merchants/{merchantId}/api-keys',
  'post /v1/payments',
  'post /v1/payments/{id}/refunds',
  'post /v1/payments/{id}/fraud-reports',
  'post /v1/webhook-endpoints',
  'post /v1/ops/reconciliation/runs',
  'post /v1/ops/settlements/runs',
]);

function* operations(): Generator<[path: string, method: string, operation: Json]> {
  for (const [path, methods] of Object.entries(CONTRACT_ROUTES)) {
    for (const method of methods) yield [path, method, built.paths[path][method]];
  }
}

function callerOf(path: string): 'public' | 'ops' | 'merchant' {
  if (path === '/health' || path.startsWith('/v1/channels/')) return 'public';
  return path.startsWith('/v1/ops/') ? 'ops' : 'merchant';
}

describe('OpenAPI document', () => {
  it('is committed as generated from the current zod schemas', () => {
    // Assess
    assert.deepEqual(
      committed,
      built,
      'docs/openapi.json is stale: run `npm run openapi` and commit the result',
    );
  });

  it('is a valid OpenAPI 3.1 document whose references all resolve', async () => {
    // Prepare
    const validator = new Validator();
    // Act
    const result = await validator.validate(structuredClone(built));
    // Assess
    assert.deepEqual(result.errors, undefined);
    assert.equal(result.valid, true);
    assert.equal(validator.version, '3.1');
    assert.doesNotThrow(() => validator.resolveRefs());
  });

  it('describes every route of the stack with its methods, and no other', () => {
    // Assess
    assert.deepEqual(Object.keys(built.paths).sort(), Object.keys(CONTRACT_ROUTES).sort());
    for (const [path, methods] of Object.entries(CONTRACT_ROUTES)) {
      const documented = Object.keys(built.paths[path]).sort();
      assert.deepEqual(documented, methods, path);
    }
  });

  it('requires Idempotency-Key on the creating POSTs and on nothing else', () => {
    // Assess
    for (const [path, method] of operations()) {
      const key = parametersOf(built, path, method).find((p) => p.name === 'Idempotency-Key');
      const creates = CREATING_POSTS.has(`${method} ${path}`);
      assert.equal(key?.in, creates ? 'header' : undefined, `${method} ${path}`);
      if (creates) assert.equal(key?.required, true, `${method} ${path}`);
    }
  });

  it('lets every route but /health answer 503 service-unavailable with Retry-After', () => {
    // Assess
    for (const [path, method, operation] of operations()) {
      const unavailable = operation.responses['503'];
      if (path === '/health') {
        assert.equal(unavailable, undefined);
        continue;
      }
      assert.match(unavailable?.description ?? '', /`service-unavailable`/, `${method} ${path}`);
      const retryAfter = deref(built, unavailable.headers['Retry-After']);
      assert.equal(retryAfter.schema.type, 'integer', `${method} ${path}`);
    }
  });

  it('documents the 422 risk-rejected of a create with its reasons, replayed like the first answer', () => {
    // Prepare
    const refused = built.paths['/v1/payments'].post.responses['422'];
    // Act
    const problem = deref(built, refused.content['application/problem+json'].schema);
    // Assess
    assert.match(refused.description, /`risk-rejected`/);
    assert.ok(refused.headers['Idempotent-Replayed']);
    assert.deepEqual(problem.properties.reasons, { type: 'array', items: { type: 'string' } });
    const payment = deref(built, built.components.schemas.Payment.properties.risk);
    assert.deepEqual(payment.required, ['score', 'decision', 'reasons', 'assessedAt']);
  });

  it('answers each risk and webhook route with the statuses its handler can give', () => {
    // Prepare
    const statuses = (path: string, method: string) =>
      Object.keys(built.paths[path][method].responses).map(Number);
    // Assess
    assert.deepEqual(
      statuses('/v1/ops/payments/{id}/review', 'post'),
      [200, 400, 401, 403, 404, 409, 415, 503],
    );
    assert.deepEqual(
      statuses('/v1/payments/{id}/fraud-reports', 'post'),
      [201, 400, 401, 403, 404, 409, 415, 422, 429, 503],
    );
    assert.deepEqual(
      statuses('/v1/ops/merchants/{merchantId}/risk-summary', 'get'),
      [200, 400, 401, 403, 404, 503],
    );
    assert.deepEqual(
      statuses('/v1/webhook-endpoints', 'post'),
      [201, 400, 401, 403, 409, 415, 422, 429, 503],
    );
    assert.deepEqual(
      statuses('/v1/webhook-endpoints/{id}/deliveries', 'get'),
      [200, 400, 401, 403, 404, 429, 503],
    );
    assert.match(
      built.paths['/v1/ops/payments/{id}/review'].post.responses['409'].description,
      /payment-not-in-review/,
    );
  });

  it('lets every merchant-key route answer 429 rate-limited with Retry-After, and no ops or public route', () => {
    for (const [path, methods] of Object.entries(built.paths as Record<string, Record<string, any>>)) {
      for (const [method, op] of Object.entries(methods)) {
        const merchant = JSON.stringify(op.security) === JSON.stringify([{ merchantKey: [] }]);
        const limited = op.responses['429'];
        assert.equal(Boolean(limited), merchant, `${method} ${path}`);
        if (limited) {
          assert.match(limited.description, /rate-limited/);
          assert.ok(limited.headers?.['Retry-After'], `${method} ${path} Retry-After`);
        }
      }
    }
  });

  it('answers each dead-letter route with the statuses its handler can give', () => {
    // Prepare
    const statuses = (path: string, method: string) =>
      Object.keys(built.paths[path][method].responses).map(Number);
    const base = '/v1/ops/dead-letter-queues';
    // Assess
    assert.deepEqual(statuses(base, 'get'), [200, 401, 403, 503]);
    assert.deepEqual(statuses(`${base}/{name}/messages`, 'get'), [200, 400, 401, 403, 404, 503]);
    assert.deepEqual(statuses(`${base}/{name}/redrive`, 'post'), [202, 400, 401, 403, 404, 409, 415, 503]);
    assert.deepEqual(statuses(`${base}/{name}/redrives`, 'get'), [200, 401, 403, 404, 503]);
    const conflict = built.paths[`${base}/{name}/redrive`].post.responses['409'].description;
    assert.match(conflict, /`redrive-in-progress`/);
    assert.match(conflict, /`redrive-not-supported`/);
    // `{}` and no body both start a redrive at SQS's rate.
    assert.equal(built.paths[`${base}/{name}/redrive`].post.requestBody.required, false);
    const limit = parametersOf(built, `${base}/{name}/messages`, 'get').find((p) => p.name === 'limit')!;
    assert.deepEqual(
      [limit.in, limit.required, limit.schema.minimum, limit.schema.maximum, limit.schema.default],
      ['query', false, 1, 10, 10],
    );
  });

  it('states the Risk-Rating header in the form the risk-profile route writes it', () => {
    // Prepare
    const ok = built.paths['/v1/ops/merchants/{merchantId}/risk-profile'].get.responses['200'];
    // Act
    const pattern = new RegExp(deref(built, ok.headers['Risk-Rating']).schema.pattern);
    // Assess
    assert.ok(pattern.test('standard; fraud-reports-30d=0'));
    assert.ok(pattern.test('tightened; fraud-reports-30d=12'));
    assert.ok(!pattern.test('lenient; fraud-reports-30d=1'));
  });

  it('describes what merchant endpoints receive: every webhook type, signed with Payments-Signature', () => {
    // Prepare
    const entries = Object.values<Json>(built.webhooks).map((w) => w.post);
    // Act
    const types = entries.flatMap((post) => {
      const payload = deref(built, post.requestBody.content['application/json'].schema);
      assert.deepEqual(payload.required, ['id', 'type', 'createdAt', 'data']);
      return payload.properties.type.enum as string[];
    });
    // Assess
    assert.deepEqual(types.sort(), [...WEBHOOK_EVENT_TYPES].sort());
    for (const post of entries) {
      const signature = deref(built, post.parameters[0]);
      assert.deepEqual(
        [signature.name, signature.in, signature.required],
        ['Payments-Signature', 'header', true],
      );
      assert.match(signPayload('whsec_test', 1_700_000_000, '{}'), new RegExp(signature.schema.pattern));
      assert.ok(post.responses['2XX'] && post.responses.default);
      assert.deepEqual(post.security, []);
    }
  });

  it('describes the detail of every event on the bus, for consumers', () => {
    // Assess
    for (const detailType of PUBLISHED_DETAIL_TYPES) {
      const detail = built.components.schemas[eventDetailComponent(detailType)];
      assert.ok(detail, detailType);
      // A channel's breaker belongs to no merchant: its events are the only ones without merchantId.
      const merchantLess = detailType === 'ChannelBreakerOpened' || detailType === 'ChannelBreakerClosed';
      assert.deepEqual(
        detail.required,
        merchantLess
          ? ['eventId', 'occurredAt', 'version', 'data']
          : ['eventId', 'occurredAt', 'merchantId', 'version', 'data'],
        detailType,
      );
      // Consumers ignore fields they do not know: no schema of an event forbids them.
      assert.equal(detail.additionalProperties, undefined, detailType);
    }
  });

  it('states the Idempotency-Key rule the handlers apply (1–255 printable ASCII characters)', () => {
    // Prepare
    const schema = parametersOf(built, '/v1/payments', 'post').find((p) => p.name === 'Idempotency-Key')!
      .schema as Json;
    const documented = (value: string) =>
      value.length >= schema.minLength &&
      value.length <= schema.maxLength &&
      new RegExp(schema.pattern).test(value);
    const accepted = (value: string) => {
      try {
        readIdempotencyKey({ headers: { 'idempotency-key': value } } as any);
        return true;
      } catch (error) {
        assert.ok(error instanceof ValidationError);
        return false;
      }
    };
    // Act & Assess
    for (const value of ['', 'a', 'order 1001 ~!', 'x'.repeat(255), 'x'.repeat(256), 'tab\there', 'café']) {
      assert.equal(documented(value), accepted(value), JSON.stringify(value));
    }
  });

  it('refuses unknown fields in the payment body and bounds its amount', () => {
    // Prepare
    const media = built.paths['/v1/payments'].post.requestBody.content['application/json'];
    // Act
    const body = deref(built, media.schema);
    // Assess
    assert.equal(body.additionalProperties, false);
    assert.deepEqual(body.required, ['amount', 'currency']);
    const { amount } = body.properties;
    assert.equal(amount.type, 'integer');
    assert.ok(amount.exclusiveMinimum === 0 || amount.minimum === 1, 'amount must be positive');
    assert.equal(amount.maximum, 10 ** 12);
    // No default channel: a payment without one is routed by its merchant's configuration.
    assert.equal(body.properties.channel.default, undefined);
    assert.deepEqual(body.properties.channel.enum, ['sandbox', 'stripe', 'alipay', 'wechatpay']);
  });

  it('answers errors as application/problem+json and successes as application/json', () => {
    // Assess
    for (const [path, method, operation] of operations()) {
      for (const [status, response] of Object.entries<Json>(operation.responses)) {
        const types = Object.keys(response.content);
        const expected = Number(status) >= 400 ? 'application/problem+json' : 'application/json';
        assert.deepEqual(types, [expected], `${method} ${path} ${status}`);
      }
    }
  });

  it('secures merchant routes with a merchant key and /v1/ops/ with an ops key, as bearer tokens', () => {
    // Assess
    for (const name of ['merchantKey', 'opsKey']) {
      const { type, scheme } = built.components.securitySchemes[name];
      assert.deepEqual({ type, scheme }, { type: 'http', scheme: 'bearer' }, name);
    }
    const security = { merchant: [{ merchantKey: [] }], ops: [{ opsKey: [] }], public: [] };
    for (const [path, method, operation] of operations()) {
      const caller = callerOf(path);
      assert.deepEqual(operation.security, security[caller], `${method} ${path}`);
      assert.equal('401' in operation.responses, path !== '/health', `${method} ${path}`);
      // A key of the other role answers 403.
      assert.equal('403' in operation.responses, caller !== 'public', `${method} ${path}`);
    }
  });

  it('lets list responses be read page by page', () => {
    // Act
    const list = deref(
      built,
      built.paths['/v1/payments'].get.responses['200'].content['application/json'].schema,
    );
    const query = parametersOf(built, '/v1/payments', 'get');
    // Assess
    assert.deepEqual(list.properties.data.items, { $ref: '#/components/schemas/Payment' });
    assert.deepEqual(list.properties.nextCursor.type, ['string', 'null']);
    assert.deepEqual(
      query.map((p) => [p.name, p.in, p.required]),
      [
        ['limit', 'query', false],
        ['cursor', 'query', false],
        ['status', 'query', false],
      ],
    );
    assert.equal(query[0]?.schema.default, 10);
  });
});
