/** The `$default` route tells an unknown path (404) from a known path with another method (405). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allowedMethods } from '../../../shared/http/route-table.js';

const ROUTES = [
  'GET /health',
  'POST /v1/payments',
  'GET /v1/payments',
  'GET /v1/payments/{id}',
  'POST /v1/payments/{id}/refunds',
  'GET /v1/payments/{id}/refunds',
];

describe('route table of the $default route', () => {
  it('answers the methods allowed on a known path, variables included', () => {
    // Act & Assess
    assert.deepEqual(allowedMethods(ROUTES, '/v1/payments'), ['GET', 'POST']);
    assert.deepEqual(allowedMethods(ROUTES, '/v1/payments/pay_1'), ['GET']);
    assert.deepEqual(allowedMethods(ROUTES, '/v1/payments/pay%201/refunds'), ['GET', 'POST']);
  });

  it('answers nothing for a path no route has', () => {
    // Act & Assess
    for (const path of ['/', '/v1', '/v1/payments/', '/v1/payments//refunds', '/v1/nope', '/health/x']) {
      assert.deepEqual(allowedMethods(ROUTES, path), [], path);
    }
  });
});
