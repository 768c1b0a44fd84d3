/**
 * Path parameters are checked in the shared pipeline, before any handler code runs: an id that cannot
 * be ours answers 404 (never a DynamoDB ValidationException over its key size).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { apiHandler } from '../../../shared/http/api-handler.js';
import { MERCHANT_ID, malformedPathParameters, prefixedId } from '../../../shared/http/path-parameters.js';
import { json } from '../../../shared/http/responses.js';
import { apiEvent, context, problemOf } from '../functions/fixtures.js';

process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';

describe('path parameters', () => {
  it('holds an undeclared parameter to the generic id shape', () => {
    // Act & Assess
    assert.deepEqual(malformedPathParameters({ id: 'dsc_sandbox_20260301_abcdefghijklmnopqrstuvwxyz' }), []);
    for (const id of ['x'.repeat(129), 'a/b', 'a b', 'é', '', 'a#b', 'a.b']) {
      assert.deepEqual(malformedPathParameters({ id }), ['id'], id);
    }
  });

  it('holds a declared parameter to its own pattern', () => {
    // Act & Assess
    const patterns = { id: prefixedId('pay'), merchantId: MERCHANT_ID };
    assert.deepEqual(malformedPathParameters({ id: 'pay_abc', merchantId: 'm_demo_1' }, patterns), []);
    assert.deepEqual(malformedPathParameters({ id: 're_abc', merchantId: 'm'.repeat(65) }, patterns), [
      'id',
      'merchantId',
    ]);
    assert.deepEqual(malformedPathParameters({ id: `pay_${'a'.repeat(3000)}` }, patterns), ['id']);
  });

  it('answers 404 problem+json before the handler runs, without echoing the id', async () => {
    // Prepare
    let ran = false;
    const handler = apiHandler({ role: 'ops', path: { merchantId: MERCHANT_ID } }, async () => {
      ran = true;
      return json(200, {});
    });
    const long = 'm'.repeat(3000);
    // Act
    const answer = await handler(
      apiEvent({
        method: 'GET',
        pathParameters: { merchantId: long },
        auth: { merchantId: 'ops', role: 'ops' },
      }),
      context,
    );
    // Assess
    assert.equal(answer.statusCode, 404);
    assert.equal(ran, false);
    assert.ok(!answer.body.includes(long));
    assert.match(problemOf(answer).type, /\/not-found$/);
  });

  it('still answers 401 first to a caller without a key', async () => {
    // Prepare
    const handler = apiHandler({ role: 'merchant' }, async () => json(200, {}));
    // Act
    const answer = await handler(apiEvent({ pathParameters: { id: 'x'.repeat(3000) }, auth: null }), context);
    // Assess
    assert.equal(answer.statusCode, 401);
  });
});
