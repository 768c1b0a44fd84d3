import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mapLambdaResult } from '../src/http-response.js';

describe('payload 2.0 response mapping', () => {
  it('sends a structured response as given, cookies as set-cookie headers', () => {
    const r = mapLambdaResult({
      statusCode: 201,
      headers: { 'Content-Type': 'application/json', 'Idempotent-Replayed': true },
      cookies: ['a=1', 'b=2; HttpOnly'],
      body: '{"id":"pay_1"}',
    });
    assert.equal(r?.statusCode, 201);
    assert.deepEqual(r?.headers, [
      ['content-type', 'application/json'],
      ['idempotent-replayed', 'true'],
      ['set-cookie', 'a=1'],
      ['set-cookie', 'b=2; HttpOnly'],
    ]);
    assert.equal(r?.body.toString(), '{"id":"pay_1"}');
  });

  it('treats a result without statusCode as a 200 JSON body', () => {
    const r = mapLambdaResult({ status: 'ok' });
    assert.equal(r?.statusCode, 200);
    assert.deepEqual(r?.headers, [['content-type', 'application/json']]);
    assert.equal(r?.body.toString(), '{"status":"ok"}');
    assert.equal(mapLambdaResult('Hello from Lambda!')?.body.toString(), 'Hello from Lambda!');
  });

  it('decodes a base64 body', () => {
    const r = mapLambdaResult({
      statusCode: 200,
      isBase64Encoded: true,
      body: Buffer.from([1, 2]).toString('base64'),
    });
    assert.deepEqual([...(r?.body ?? [])], [1, 2]);
  });

  it('refuses malformed structured responses (API Gateway answers 500)', () => {
    assert.equal(mapLambdaResult({ statusCode: 'abc' }), undefined);
    assert.equal(mapLambdaResult({ statusCode: 200, body: { not: 'a string' } }), undefined);
    assert.equal(mapLambdaResult({ statusCode: 200, headers: { a: ['x'] } }), undefined);
  });
});
