import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RouteTable } from '../src/routes.js';

const table = (...keys: string[]) => new RouteTable(keys.map((routeKey) => ({ routeKey, target: routeKey })));

describe('HTTP API route matching', () => {
  it('matches method and exact path', () => {
    const t = table('GET /health', 'POST /v1/payments', 'GET /v1/payments');
    assert.equal(t.match('POST', '/v1/payments')?.route.target, 'POST /v1/payments');
    assert.equal(t.match('GET', '/v1/payments')?.route.target, 'GET /v1/payments');
    assert.equal(t.match('DELETE', '/v1/payments'), undefined);
  });

  it('extracts path parameters, decoded', () => {
    const t = table('GET /v1/payments/{id}', 'POST /v1/payments/{id}/refunds');
    const m = t.match('POST', '/v1/payments/pay_%41BC/refunds');
    assert.equal(m?.route.target, 'POST /v1/payments/{id}/refunds');
    assert.deepEqual(m?.pathParameters, { id: 'pay_ABC' });
  });

  it('prefers an exact path over a path variable, and a variable over a greedy variable', () => {
    const t = table('GET /v1/{proxy+}', 'GET /v1/payments/{id}', 'GET /v1/payments/latest');
    assert.equal(t.match('GET', '/v1/payments/latest')?.route.target, 'GET /v1/payments/latest');
    assert.equal(t.match('GET', '/v1/payments/pay_1')?.route.target, 'GET /v1/payments/{id}');
    const greedy = t.match('GET', '/v1/payments/pay_1/refunds');
    assert.equal(greedy?.route.target, 'GET /v1/{proxy+}');
    assert.deepEqual(greedy?.pathParameters, { proxy: 'payments/pay_1/refunds' });
  });

  it('prefers a route for the method over ANY', () => {
    const t = table('ANY /v1/payments', 'GET /v1/payments');
    assert.equal(t.match('GET', '/v1/payments')?.route.target, 'GET /v1/payments');
    assert.equal(t.match('PATCH', '/v1/payments')?.route.target, 'ANY /v1/payments');
  });

  it('falls back to $default, and to nothing without it', () => {
    assert.equal(table('GET /health', '$default').match('GET', '/nope')?.route.target, '$default');
    assert.equal(table('GET /health').match('GET', '/nope'), undefined);
  });

  it('does not match an empty path variable', () => {
    const t = table('GET /v1/payments/{id}', 'GET /health');
    assert.equal(t.match('GET', '/v1/payments/'), undefined);
  });

  it('routes a path with a trailing slash to the route without it, as API Gateway does', () => {
    // A route key cannot end with a slash; `/console/` is served by `GET /console`.
    const t = table('GET /v1/payments/{id}', 'GET /console', 'GET /console/{proxy+}', '$default');
    assert.equal(t.match('GET', '/console/')?.route.target, 'GET /console');
    assert.equal(t.match('GET', '/console/payments/')?.route.target, 'GET /console/{proxy+}');
    assert.equal(t.match('GET', '/v1/payments/')?.route.target, '$default');
    assert.equal(t.match('POST', '/console/')?.route.target, '$default');
  });
});
