/**
 * Card data refused by the one middleware of apiHandler, through real handlers with a mocked table: the
 * 400 names each field by its JSON path, nothing is written, and neither the answer nor the log holds
 * the number.
 */
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { DynamoDBClient, GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { cardDataFields } from '../../../shared/http/card-data.js';
import { logger } from '../../../shared/http/logger.js';
import { CREATE_PAYMENT_READS, serveInProcess } from '../../support/in-process-functions.js';
import { apiEvent, context, jsonHeaders, problemOf } from '../functions/fixtures.js';

process.env.TABLE_NAME = 'payments-unit';
process.env.RISK_PROFILE_TTL_MS = '0';
process.env.ROUTING_CONFIG_TTL_MS = '0';
const ddb = mockClient(DynamoDBClient);
// The risk profile and routing reads are the owners' functions', run here on the mocked client.
await serveInProcess(CREATE_PAYMENT_READS);
const createPayment = (await import('../../../functions/api/create-payment.js')).handler;
const createRefund = (await import('../../../functions/api/create-refund.js')).handler;
const listPayments = (await import('../../../functions/api/list-payments.js')).handler;

const PAN = '4111 1111 1111 1111';
const DIGITS = '4111111111111111';

/**
 * Everything the function hands the logger while `act` runs, whatever the log level (which the logger
 * resets on every warm invocation): each call's arguments, errors with their message, stack and cause.
 */
async function logged<T>(act: () => Promise<T>): Promise<{ result: T; lines: string }> {
  const calls: string[] = [];
  const methods = ['debug', 'info', 'warn', 'error', 'critical'] as const;
  const originals = methods.map((m) => logger[m]);
  const serialize = (value: unknown): string =>
    JSON.stringify(value, (_key, v) =>
      v instanceof Error
        ? { name: v.name, message: v.message, stack: v.stack, cause: serialize(v.cause) }
        : v,
    );
  for (const m of methods) {
    logger[m] = ((...args: unknown[]) => {
      calls.push(`${m} ${serialize(args)}`);
    }) as (typeof logger)[typeof m];
  }
  try {
    const result = await act();
    return { result, lines: calls.join('\n') };
  } finally {
    methods.forEach((m, i) => {
      logger[m] = originals[i] as (typeof logger)[typeof m];
    });
  }
}

function assertNoNumber(text: string) {
  assert.ok(!text.replace(/[\s-]/g, '').includes(DIGITS), 'the card number must not appear');
  assert.ok(!text.includes('1111 1111'), 'nor any part of it as sent');
}

describe('card data refusal', () => {
  beforeEach(() => {
    ddb.reset();
    ddb.on(QueryCommand).resolves({ Items: [] });
    ddb.on(GetItemCommand).resolves({});
  });

  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['description', { description: `Order for card ${PAN}` }, 'description'],
    ['a metadata value', { metadata: { order: '1001', note: `pan ${PAN}` } }, 'metadata.note'],
    ['a customer field', { customer: { id: `cus-${DIGITS}` } }, 'customer.id'],
  ];
  for (const [where, extra, path] of cases) {
    it(`refuses a payment with a card number in ${where}, naming ${path}, writing and logging nothing`, async () => {
      // Act
      const { result, lines } = await logged(() =>
        createPayment(
          apiEvent({
            headers: jsonHeaders({ 'idempotency-key': 'k1' }),
            body: JSON.stringify({ amount: 1050, currency: 'USD', ...extra }),
          }),
          context,
        ),
      );
      // Assess
      assert.equal(result.statusCode, 400);
      const problem = problemOf(result);
      assert.equal(problem.type, 'https://payments.example/problems/card-data-refused');
      assert.deepEqual(problem.errors, [{ path, message: 'holds a card number' }]);
      assert.match(problem.detail, new RegExp(path.replace('.', '\\.')));
      assertNoNumber(result.body);
      assert.equal(ddb.calls().length, 0, 'no read or write of the table at all');
      assert.match(lines, /card-data-refused/, 'the refusal is logged by its code');
      assertNoNumber(lines);
    });
  }

  it('refuses a refund whose reason holds a card number', async () => {
    const result = await createRefund(
      apiEvent({
        path: '/v1/payments/pay_abcdefghijklmnopqrstuvwxyz/refunds',
        pathParameters: { id: 'pay_abcdefghijklmnopqrstuvwxyz' },
        headers: jsonHeaders({ 'idempotency-key': 'r1' }),
        body: JSON.stringify({ reason: `refund to ${DIGITS.slice(0, 8)}-${DIGITS.slice(8)}` }),
      }),
      context,
    );
    assert.equal(result.statusCode, 400);
    assert.deepEqual(problemOf(result).errors, [{ path: 'reason', message: 'holds a card number' }]);
    assert.equal(ddb.calls().length, 0);
  });

  it('refuses a card number in the query string, before validation', async () => {
    const result = await listPayments(
      apiEvent({ method: 'GET', path: '/v1/payments', query: { cursor: DIGITS } }),
      context,
    );
    assert.equal(result.statusCode, 400);
    const problem = problemOf(result);
    assert.equal(problem.type, 'https://payments.example/problems/card-data-refused');
    assert.deepEqual(problem.errors, [{ path: 'cursor', message: 'holds a card number' }]);
    assertNoNumber(result.body);
  });

  it('lets ordinary numbers through to validation and the handler', async () => {
    ddb.on(GetItemCommand).resolves({});
    const result = await createPayment(
      apiEvent({
        headers: jsonHeaders({ 'idempotency-key': 'k2' }),
        body: JSON.stringify({
          amount: 1050,
          currency: 'USD',
          description: 'Order 1001, call +1 555 123-4567',
          metadata: { order: '4111111111111112' },
        }),
      }),
      context,
    );
    assert.notEqual(result.statusCode, 400, result.body);
  });
});

describe('cardDataFields', () => {
  it('names nested fields and array items by JSON path, and a field name at its object', () => {
    const fields = cardDataFields({
      a: { b: [{ c: 'ok' }, { c: `x ${PAN}` }] },
      list: ['fine', DIGITS],
      map: { [DIGITS]: 'value' },
      number: 4111111111111111,
    });
    assert.deepEqual(fields, [
      { path: 'a.b[1].c', message: 'holds a card number' },
      { path: 'list[1]', message: 'holds a card number' },
      { path: 'map', message: 'has a field name that holds a card number' },
    ]);
  });

  it('walks nesting of any depth without recursion', () => {
    let deep: unknown = DIGITS;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    assert.equal(cardDataFields(deep).length, 1);
  });

  it('scans a 64 KB body (parsed, every string) in about a millisecond', (t) => {
    // A create body grown to 64 KB: 20 metadata values of ~3 KB of prose with numbers, no card number.
    const prose = 'Order 1001, 2 items; call +1 555 123-4567 on 2026-12-06. ';
    const metadata = Object.fromEntries(
      Array.from({ length: 20 }, (_, i) => [`k${i}`, prose.repeat(60).slice(0, 3_200)]),
    );
    const raw = JSON.stringify({ amount: 1050, currency: 'USD', description: 'x'.repeat(500), metadata });
    assert.ok(raw.length > 64_000 && raw.length <= 65_536, String(raw.length));
    const runs: number[] = [];
    for (let i = 0; i < 50; i++) {
      const started = performance.now();
      assert.deepEqual(cardDataFields(JSON.parse(raw)), []);
      runs.push(performance.now() - started);
    }
    runs.sort((a, b) => a - b);
    t.diagnostic(`64 KB body parsed and scanned: median ${runs[25]?.toFixed(3)} ms`);
    assert.ok((runs[25] as number) < 50, 'a bound far above the figure, to catch a scan gone quadratic');
  });

  it('names at most 20 fields', () => {
    assert.equal(cardDataFields(Array.from({ length: 50 }, () => DIGITS)).length, 20);
  });
});
