/**
 * The OpenAPI document: the committed docs/openapi.json is what the zod schemas build today, it is a
 * valid OpenAPI 3.1 document, and it states the contract's rules (routes, idempotency, strict bodies,
 * amount bounds, problem+json).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import { ValidationError } from '../../shared/http/errors.js';
import { readIdempotencyKey } from '../../shared/http/idempotency-key.js';
import { buildOpenApi } from '../../shared/schemas/openapi.js';

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

const CONTRACT_ROUTES: Record<string, string[]> = {
  '/health': ['get'],
  '/v1/payments': ['get', 'post'],
  '/v1/payments/{id}': ['get'],
  '/v1/payments/{id}/refunds': ['get', 'post'],
  '/v1/channels/{channel}/callbacks': ['post'],
};

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

  it('describes every route of the contract with its methods', () => {
    // Assess
    for (const [path, methods] of Object.entries(CONTRACT_ROUTES)) {
      assert.ok(built.paths[path], `${path} is missing`);
      const documented = Object.keys(built.paths[path]).sort();
      assert.deepEqual(documented, methods, path);
    }
  });

  it('requires Idempotency-Key on the creating POSTs and on nothing else', () => {
    // Assess
    for (const [path, methods] of Object.entries(CONTRACT_ROUTES)) {
      for (const method of methods) {
        const key = parametersOf(built, path, method).find((p) => p.name === 'Idempotency-Key');
        const creates = method === 'post' && path.startsWith('/v1/payments');
        assert.equal(key?.in, creates ? 'header' : undefined, `${method} ${path}`);
        if (creates) assert.equal(key?.required, true, `${method} ${path}`);
      }
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
    // Defaults make a field optional on input: the channel defaults to sandbox.
    assert.equal(body.properties.channel.default, 'sandbox');
  });

  it('answers errors as application/problem+json and successes as application/json', () => {
    // Assess
    for (const [path, methods] of Object.entries(CONTRACT_ROUTES)) {
      for (const method of methods) {
        for (const [status, response] of Object.entries<Json>(built.paths[path][method].responses)) {
          const types = Object.keys(response.content);
          const expected = Number(status) >= 400 ? 'application/problem+json' : 'application/json';
          assert.deepEqual(types, [expected], `${method} ${path} ${status}`);
        }
      }
    }
  });

  it('secures merchant routes with the API key as bearer token, and neither /health nor callbacks', () => {
    // Assess
    const { type, scheme } = built.components.securitySchemes.apiKey;
    assert.deepEqual({ type, scheme }, { type: 'http', scheme: 'bearer' });
    for (const [path, methods] of Object.entries(CONTRACT_ROUTES)) {
      for (const method of methods) {
        const operation = built.paths[path][method];
        const merchant = path.startsWith('/v1/payments');
        assert.deepEqual(operation.security, merchant ? [{ apiKey: [] }] : [], `${method} ${path}`);
        assert.equal('401' in operation.responses, path !== '/health', `${method} ${path}`);
      }
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
