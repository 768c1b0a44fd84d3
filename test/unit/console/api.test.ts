import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError, type Fetch, OpsApi } from '../../../console/src/api.js';

interface Call {
  input: string;
  init: RequestInit | undefined;
}

function stub(
  status: number,
  body: string,
  contentType = 'application/json',
): { fetch: Fetch; calls: Call[] } {
  const calls: Call[] = [];
  const fetch: Fetch = async (input, init) => {
    calls.push({ input, init });
    return new Response(body === '' ? null : body, { status, headers: { 'Content-Type': contentType } });
  };
  return { fetch, calls };
}

const rejection = async (promise: Promise<unknown>): Promise<ApiError> => {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ApiError, String(error));
    return error;
  }
  assert.fail('the request did not fail');
};

describe('console API client', () => {
  it('sends the ops key as a bearer token and answers the parsed JSON', async () => {
    // Prepare
    const { fetch, calls } = stub(200, '{"data":[],"nextCursor":null}');
    // Act
    const answer = await new OpsApi('sk_test_ops', fetch).get('/v1/ops/channels');
    // Assess
    assert.deepEqual(answer, { data: [], nextCursor: null });
    assert.equal(calls[0]?.input, '/v1/ops/channels');
    assert.equal((calls[0]!.init!.headers as Record<string, string>).Authorization, 'Bearer sk_test_ops');
  });

  it('posts JSON, with a fresh Idempotency-Key when the route creates something', async () => {
    const { fetch, calls } = stub(202, '{"id":"str_1","status":"running"}');
    const api = new OpsApi('k', fetch, () => 'key-1');
    await api.post('/v1/ops/settlements/runs', { date: '2026-01-02' }, true);
    await api.post('/v1/ops/payments/pay_1/review', { decision: 'release' });
    const [create, review] = calls.map((c) => c.init?.headers as Record<string, string>);
    assert.equal(create?.['Idempotency-Key'], 'key-1');
    assert.equal(create?.['Content-Type'], 'application/json');
    assert.equal(calls[0]?.init?.body, '{"date":"2026-01-02"}');
    assert.equal(review?.['Idempotency-Key'], undefined);
  });

  it('turns a problem answer into an error with its title, detail and field errors', async () => {
    const problem = {
      type: 'https://payments.example/problems/validation',
      title: 'Invalid request',
      status: 400,
      detail: 'The body is invalid.',
      errors: [{ path: 'note', message: 'Required' }],
    };
    const { fetch } = stub(400, JSON.stringify(problem), 'application/problem+json');
    const error = await rejection(new OpsApi('k', fetch).post('/x', {}));
    assert.equal(error.kind, 'invalid');
    assert.equal(error.status, 400);
    assert.equal(error.message, 'Invalid request — The body is invalid. — note: Required');
    assert.deepEqual(error.problem, problem);
  });

  it('classifies refusals: 401/403 unauthorized, 404 not found, 409 conflict, 5xx server', async () => {
    const kinds = [];
    for (const status of [401, 403, 404, 409, 500, 503]) {
      const { fetch } = stub(status, JSON.stringify({ title: 'T', status }), 'application/problem+json');
      kinds.push((await rejection(new OpsApi('k', fetch).get('/x'))).kind);
    }
    assert.deepEqual(kinds, ['unauthorized', 'unauthorized', 'not-found', 'conflict', 'server', 'server']);
  });

  it('names the status of a failure without a JSON body, and a success that is not JSON', async () => {
    const failed = await rejection(
      new OpsApi('k', stub(502, '<html>Bad gateway</html>', 'text/html').fetch).get('/x'),
    );
    assert.equal(failed.kind, 'server');
    assert.equal(failed.message, 'HTTP 502');
    const odd = await rejection(new OpsApi('k', stub(200, 'not json', 'text/plain').fetch).get('/x'));
    assert.match(odd.message, /not JSON/);
  });

  it('reports an unreachable API as a network error', async () => {
    const fetch: Fetch = async () => {
      throw new TypeError('fetch failed');
    };
    const error = await rejection(new OpsApi('k', fetch).get('/x'));
    assert.equal(error.kind, 'network');
    assert.equal(error.status, 0);
    assert.match(error.message, /could not be reached: fetch failed/);
  });

  it('answers null for an empty success (204)', async () => {
    const { fetch } = stub(204, '');
    assert.equal(await new OpsApi('k', fetch).delete('/x'), null);
  });
});
