import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Context } from 'aws-lambda';
import type { ApiEvent } from '../../../shared/http/api-event.js';
import { byRoute } from '../../../shared/http/by-route.js';

const context = {} as Context;
const event = (routeKey: string) => ({ routeKey }) as ApiEvent;

describe('byRoute', () => {
  it('runs the handler of the route API Gateway matched', async () => {
    // Prepare
    const handler = byRoute({
      'GET /v1/ops/reconciliation/runs': async () => 'list',
      'GET /v1/ops/reconciliation/runs/{id}': async () => 'get',
    });
    // Act / Assess
    assert.equal(await handler(event('GET /v1/ops/reconciliation/runs/{id}'), context), 'get');
    assert.equal(await handler(event('GET /v1/ops/reconciliation/runs'), context), 'list');
  });

  it('refuses a route it was not given, even one named like an object property', () => {
    const handler = byRoute({ 'GET /v1/ops/overview': async () => 'overview' });
    for (const key of ['POST /v1/ops/overview', 'constructor', '__proto__', ''])
      assert.throws(() => handler(event(key), context), /serves no route/);
  });
});
