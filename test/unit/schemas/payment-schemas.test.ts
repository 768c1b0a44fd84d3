/**
 * The contract's rules for request bodies and the list query string, pinned at the schema boundary
 * (through `validate`, so paths and messages are the ones a client reads in problem `errors`).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ValidationError } from '../../../shared/http/errors.js';
import { validate } from '../../../shared/http/validation.js';
import { createPaymentBody, listPaymentsQuery } from '../../../shared/schemas/payment.js';
import { createRefundBody } from '../../../shared/schemas/refund.js';

type Errors = readonly { path: string; message: string }[];

function errorsOf(schema: Parameters<typeof validate>[0], value: unknown): Errors {
  try {
    validate(schema, value, 'body');
  } catch (e) {
    assert.ok(e instanceof ValidationError);
    return e.errors;
  }
  assert.fail(`expected ${JSON.stringify(value)} to be refused`);
}

const valid = { amount: 1000, currency: 'USD' };

describe('payment request schemas', () => {
  it('accepts a minimal payment and leaves its channel unset, for routing to decide', () => {
    // Act
    const body = validate(createPaymentBody, valid, 'body');
    // Assess
    assert.deepEqual(body, { amount: 1000, currency: 'USD' });
  });

  it('accepts every channel of the catalogue as a pinned channel, and names them for another', () => {
    // Act & Assess
    for (const channel of ['sandbox', 'stripe', 'alipay', 'wechatpay']) {
      assert.equal(validate(createPaymentBody, { ...valid, channel }, 'body').channel, channel);
    }
    assert.deepEqual(errorsOf(createPaymentBody, { ...valid, channel: 'paypal' }), [
      { path: 'channel', message: 'must be one of: sandbox, stripe, alipay, wechatpay' },
    ]);
  });

  it('accepts a zero-decimal currency such as JPY and the largest allowed amount', () => {
    // Act & Assess
    assert.equal(validate(createPaymentBody, { amount: 500, currency: 'JPY' }, 'body').currency, 'JPY');
    assert.equal(validate(createPaymentBody, { ...valid, amount: 10 ** 12 }, 'body').amount, 10 ** 12);
  });

  it('refuses an amount that is not a positive integer of at most 10^12', () => {
    // Act & Assess
    const cases: [unknown, string][] = [
      [0, 'must be positive'],
      [-5, 'must be positive'],
      [1.5, 'must be an integer number of minor units'],
      ['100', 'must be an integer number of minor units'],
      [10 ** 12 + 1, 'must be at most 1000000000000'],
    ];
    for (const [amount, message] of cases) {
      assert.deepEqual(errorsOf(createPaymentBody, { ...valid, amount }), [{ path: 'amount', message }]);
    }
    assert.deepEqual(errorsOf(createPaymentBody, { currency: 'USD' }), [
      { path: 'amount', message: 'must be an integer number of minor units' },
    ]);
  });

  it('refuses a currency that is not an upper-case active ISO 4217 code', () => {
    // Act & Assess
    assert.deepEqual(errorsOf(createPaymentBody, { ...valid, currency: 'usd' }), [
      { path: 'currency', message: 'must be an upper-case ISO 4217 code, e.g. USD' },
      { path: 'currency', message: 'is not an active ISO 4217 currency' },
    ]);
    assert.deepEqual(errorsOf(createPaymentBody, { ...valid, currency: 'USX' }), [
      { path: 'currency', message: 'is not an active ISO 4217 currency' },
    ]);
    assert.deepEqual(errorsOf(createPaymentBody, { ...valid, currency: 840 }), [
      { path: 'currency', message: 'must be an ISO 4217 currency code' },
    ]);
  });

  it('refuses unknown fields, naming each one, at the top level and inside customer', () => {
    // Act
    const errors = errorsOf(createPaymentBody, { ...valid, amout: 1, customer: { emial: 'a@b.co' } });
    // Assess
    assert.deepEqual(errors.map((e) => e.path).sort(), ['amout', 'customer.emial']);
    assert.ok(errors.every((e) => e.message === 'is not a known field'));
  });

  it('keeps the English default messages of zod for rules without a custom one', () => {
    // Act & Assess
    assert.deepEqual(errorsOf(createPaymentBody, { ...valid, metadata: { a: 1 } }), [
      { path: 'metadata.a', message: 'Invalid input: expected string, received number' },
    ]);
    assert.deepEqual(errorsOf(createPaymentBody, { ...valid, customer: { id: '' } }), [
      { path: 'customer.id', message: 'Too small: expected string to have >=1 characters' },
    ]);
  });

  it('accepts at most 20 metadata pairs of strings', () => {
    // Prepare
    const pairs = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 'v']));
    // Act & Assess
    assert.equal(
      Object.keys(validate(createPaymentBody, { ...valid, metadata: pairs(20) }, 'body').metadata ?? {})
        .length,
      20,
    );
    assert.deepEqual(errorsOf(createPaymentBody, { ...valid, metadata: pairs(21) }), [
      { path: 'metadata', message: 'at most 20 keys' },
    ]);
    assert.deepEqual(errorsOf(createPaymentBody, { ...valid, metadata: ['a'] }), [
      { path: 'metadata', message: 'must be an object of string values' },
    ]);
  });

  it('accepts a description of up to 500 characters', () => {
    // Act & Assess
    assert.equal(
      validate(createPaymentBody, { ...valid, description: 'd'.repeat(500) }, 'body').description?.length,
      500,
    );
    assert.deepEqual(errorsOf(createPaymentBody, { ...valid, description: 'd'.repeat(501) }), [
      { path: 'description', message: 'must be at most 500 characters' },
    ]);
  });

  it('checks customer email, IP address and country formats', () => {
    // Act & Assess
    const customer = { id: 'c_1', email: 'a@b.co', ip: '2001:db8::1', country: 'FR' };
    assert.deepEqual(validate(createPaymentBody, { ...valid, customer }, 'body').customer, customer);
    assert.deepEqual(
      errorsOf(createPaymentBody, { ...valid, customer: { email: 'x', ip: '1.2.3.999', country: 'fr' } }),
      [
        { path: 'customer.email', message: 'must be an email address' },
        { path: 'customer.ip', message: 'must be an IPv4 or IPv6 address' },
        { path: 'customer.country', message: 'must be an upper-case ISO 3166-1 alpha-2 code' },
      ],
    );
  });

  it('refuses a refund with an invalid amount or an unknown field', () => {
    // Act & Assess
    assert.deepEqual(validate(createRefundBody, {}, 'body'), {});
    assert.deepEqual(errorsOf(createRefundBody, { amount: 0, note: 'x' }), [
      { path: 'amount', message: 'must be positive' },
      { path: 'note', message: 'is not a known field' },
    ]);
  });
});

describe('list payments query schema', () => {
  it('defaults limit to 10 and coerces it from the query string', () => {
    // Act & Assess
    assert.deepEqual(validate(listPaymentsQuery, {}, 'query string'), { limit: 10 });
    assert.equal(validate(listPaymentsQuery, { limit: '1' }, 'query string').limit, 1);
    assert.equal(validate(listPaymentsQuery, { limit: '100' }, 'query string').limit, 100);
  });

  it('refuses a limit outside 1–100 or not an integer', () => {
    // Act & Assess
    for (const limit of ['0', '101', '1.5', 'ten']) {
      assert.deepEqual(errorsOf(listPaymentsQuery, { limit }), [
        { path: 'limit', message: 'must be an integer from 1 to 100' },
      ]);
    }
  });

  it('takes only plain decimal digits as a limit, one error for any other spelling', () => {
    // Act & Assess
    for (const limit of ['0x10', '1e1', ' 16 ', '+16', '16.0', '-1', '', '\u0661\u0666', '9'.repeat(400)]) {
      assert.deepEqual(errorsOf(listPaymentsQuery, { limit }), [
        { path: 'limit', message: 'must be an integer from 1 to 100' },
      ]);
    }
    assert.equal(validate(listPaymentsQuery, { limit: '016' }, 'query string').limit, 16);
  });

  it('accepts only the statuses of the contract', () => {
    // Act & Assess
    for (const status of ['processing', 'succeeded', 'failed', 'canceled']) {
      assert.equal(validate(listPaymentsQuery, { status }, 'query string').status, status);
    }
    assert.deepEqual(errorsOf(listPaymentsQuery, { status: 'paid' }), [
      { path: 'status', message: 'must be one of: processing, succeeded, failed, canceled' },
    ]);
    assert.deepEqual(errorsOf(listPaymentsQuery, { state: 'paid' }), [
      { path: 'state', message: 'is not a known field' },
    ]);
  });
});
