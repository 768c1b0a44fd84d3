import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Authorizer, type AuthorizerConfig } from '../src/authorizer.js';

const config: AuthorizerConfig = {
  logicalId: 'MerchantAuthorizer',
  functionLogicalId: 'AuthorizerFunction',
  identitySource: ['$request.header.Authorization'],
  ttlSeconds: 300,
  simpleResponses: true,
};
const routeArn = 'arn:aws:execute-api:us-east-1:000000000000:api/$default/POST/v1/payments';

function counting(payload: unknown, ok = true) {
  const calls: string[][] = [];
  return {
    calls,
    invoke: async (ids: string[]) => {
      calls.push(ids);
      return { ok, payload };
    },
  };
}

describe('HTTP API Lambda authorizer', () => {
  it('answers 401 without invoking when the identity source is missing or empty', async () => {
    const fn = counting({ isAuthorized: true });
    for (const headers of [{}, { authorization: '' }] as Array<Record<string, string>>) {
      const d = await new Authorizer(config).authorize({ headers, routeArn }, fn.invoke);
      assert.equal(d.allowed, false);
      if (!d.allowed) {
        assert.equal(d.response.statusCode, 401);
        assert.equal(d.response.body.toString(), '{"message":"Unauthorized"}');
      }
    }
    assert.equal(fn.calls.length, 0);
  });

  it('answers 403 when the function says isAuthorized: false', async () => {
    const d = await new Authorizer(config).authorize(
      { headers: { authorization: 'Bearer x' }, routeArn },
      counting({ isAuthorized: false }).invoke,
    );
    assert.equal(d.allowed, false);
    if (!d.allowed) assert.equal(d.response.body.toString(), '{"message":"Forbidden"}');
    if (!d.allowed) assert.equal(d.response.statusCode, 403);
  });

  it('passes the context on as requestContext.authorizer.lambda', async () => {
    const fn = counting({ isAuthorized: true, context: { merchantId: 'm_1' } });
    const d = await new Authorizer(config).authorize(
      { headers: { authorization: 'Bearer k' }, routeArn },
      fn.invoke,
    );
    assert.deepEqual(d, { allowed: true, authorizer: { lambda: { merchantId: 'm_1' } } });
    assert.deepEqual(fn.calls, [['Bearer k']]);
  });

  it('caches decisions per identity source value for the TTL', async () => {
    let now = 0;
    const authorizer = new Authorizer(config, () => now);
    const fn = counting({ isAuthorized: true, context: {} });
    await authorizer.authorize({ headers: { authorization: 'Bearer a' }, routeArn }, fn.invoke);
    await authorizer.authorize({ headers: { authorization: 'Bearer a' }, routeArn }, fn.invoke);
    await authorizer.authorize({ headers: { authorization: 'Bearer b' }, routeArn }, fn.invoke);
    now = 300_001;
    await authorizer.authorize({ headers: { authorization: 'Bearer a' }, routeArn }, fn.invoke);
    assert.deepEqual(fn.calls, [['Bearer a'], ['Bearer b'], ['Bearer a']]);
  });

  it('answers 500 for a failed invocation or a malformed answer, and caches neither failure', async () => {
    const authorizer = new Authorizer(config);
    const failing = counting(undefined, false);
    for (let i = 0; i < 2; i++) {
      const d = await authorizer.authorize(
        { headers: { authorization: 'Bearer a' }, routeArn },
        failing.invoke,
      );
      if (!d.allowed) assert.equal(d.response.statusCode, 500);
    }
    assert.equal(failing.calls.length, 2);
    const malformed = await new Authorizer(config).authorize(
      { headers: { authorization: 'Bearer a' }, routeArn },
      counting({ statusCode: 401 }).invoke,
    );
    assert.equal(malformed.allowed, false);
    if (!malformed.allowed) assert.equal(malformed.response.statusCode, 500);
  });

  it('evaluates IAM policy answers when simple responses are off', async () => {
    const policy = (Effect: string) => ({
      principalId: 'm_1',
      policyDocument: {
        Version: '2012-10-17',
        Statement: [{ Action: 'execute-api:Invoke', Effect, Resource: ['arn:aws:execute-api:*'] }],
      },
      context: { merchantId: 'm_1' },
    });
    const iam = { ...config, simpleResponses: false, ttlSeconds: 0 };
    const allow = await new Authorizer(iam).authorize(
      { headers: { authorization: 'x' }, routeArn },
      counting(policy('Allow')).invoke,
    );
    assert.deepEqual(allow, {
      allowed: true,
      authorizer: { lambda: { merchantId: 'm_1' }, principalId: 'm_1' },
    });
    const deny = await new Authorizer(iam).authorize(
      { headers: { authorization: 'x' }, routeArn },
      counting(policy('Deny')).invoke,
    );
    if (!deny.allowed) assert.equal(deny.response.statusCode, 403);
  });
});
