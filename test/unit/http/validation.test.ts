import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HttpProblemError, ValidationError } from '../../../shared/http/errors.js';
import { parseJsonObject } from '../../../shared/http/json-body.js';
import { toProblemResponse } from '../../../shared/http/problem-errors.js';
import { validate } from '../../../shared/http/validation.js';
import { createPaymentBody, listPaymentsQuery } from '../../../shared/schemas/payment.js';
import { riskProfileSchema } from '../../../shared/schemas/risk-profile.js';
import { IdempotencyKeyReusedError, InvalidCursorError } from '../../../shared/store/errors.js';
import { apiEvent } from '../functions/fixtures.js';

describe('request parsing and problem mapping', () => {
  it('reports nested and unknown fields with dotted paths', () => {
    // Act
    const error = (() => {
      try {
        validate(
          createPaymentBody,
          { amount: 1, currency: 'USD', customer: { emial: 'x' }, metadata: { a: 1 } },
          'body',
        );
      } catch (e) {
        return e as ValidationError;
      }
    })();
    // Assess
    assert.ok(error instanceof ValidationError);
    assert.deepEqual(error.errors.map((e) => e.path).sort(), ['customer.emial', 'metadata.a']);
  });

  it('coerces and bounds list query parameters', () => {
    // Act & Assess
    assert.deepEqual(validate(listPaymentsQuery, {}, 'query string'), { limit: 10 });
    assert.equal(validate(listPaymentsQuery, { limit: '100' }, 'query string').limit, 100);
    for (const limit of ['0', '101', '1.5', 'ten']) {
      assert.throws(() => validate(listPaymentsQuery, { limit }, 'query string'), ValidationError);
    }
    assert.throws(() => validate(listPaymentsQuery, { status: 'paid' }, 'query string'), ValidationError);
  });

  it('reads an absent body as an empty object and a base64 body as its bytes', () => {
    // Act & Assess
    assert.deepEqual(parseJsonObject(apiEvent({ body: undefined, headers: {} })), {});
    const body = Buffer.from('{"amount":1}').toString('base64');
    const event = apiEvent({
      body,
      isBase64Encoded: true,
      headers: { 'Content-Type': 'application/json; charset=utf-8' },
    });
    assert.deepEqual(parseJsonObject(event), { amount: 1 });
  });

  it('refuses a __proto__ key a schema would drop silently, and keeps one a schema keeps', () => {
    // Prepare
    const dropped = JSON.parse('{"singleTransactionLimit":{"__proto__":{"USD":5}}}');
    const kept = JSON.parse('{"amount":1,"currency":"USD","metadata":{"__proto__":"x"}}');
    // Act & Assess
    assert.throws(
      () => validate(riskProfileSchema, dropped, 'body'),
      (e: unknown) =>
        e instanceof ValidationError &&
        e.errors[0]?.path === 'singleTransactionLimit.__proto__' &&
        e.errors[0]?.message === 'is not a known field',
    );
    const body = validate(createPaymentBody, kept, 'body');
    assert.equal(JSON.stringify(body.metadata), '{"__proto__":"x"}');
  });

  it('maps store errors to their problem types and anything else to a bare 500', () => {
    // Act
    const reused = toProblemResponse(new IdempotencyKeyReusedError());
    const cursor = toProblemResponse(new InvalidCursorError('tampered'));
    const crash = toProblemResponse(new TypeError('x is undefined'));
    const forbidden = toProblemResponse(new HttpProblemError('forbidden', 'no'));
    // Assess
    assert.equal(reused.statusCode, 422);
    assert.equal(cursor.statusCode, 400);
    assert.deepEqual(JSON.parse(cursor.body).errors[0].path, 'cursor');
    assert.equal(forbidden.statusCode, 403);
    assert.deepEqual(JSON.parse(crash.body), {
      type: 'https://payments.example/problems/internal-error',
      title: 'Something went wrong on our side',
      status: 500,
      detail: 'The request could not be completed. It may be retried.',
    });
  });
});
