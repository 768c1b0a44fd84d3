import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ApiContext, buildHttpEvent, clfTime, type IncomingRequest } from '../src/http-event.js';

const api: ApiContext = {
  apiId: 'abc123defg',
  accountId: '000000000000',
  region: 'us-east-1',
  localPort: 3000,
};

function request(overrides: Partial<IncomingRequest> = {}): IncomingRequest {
  return {
    method: 'POST',
    rawPath: '/v1/payments/pay_1/refunds',
    rawQueryString: 'limit=10&status=a&status=b',
    headers: [
      ['Host', '127.0.0.1:3000'],
      ['Content-Type', 'application/json'],
      ['X-Multi', 'one'],
      ['x-multi', 'two'],
      ['Cookie', 'a=1; b=2'],
      ['User-Agent', 'curl/8'],
    ],
    body: Buffer.from('{"amount":5}'),
    sourceIp: '127.0.0.1',
    protocol: 'HTTP/1.1',
    requestId: 'JKJaXmPLvHcESHA=',
    timeEpoch: Date.UTC(2020, 2, 12, 19, 3, 58),
    ...overrides,
  };
}

describe('API Gateway payload 2.0 events', () => {
  it('builds the integration event like API Gateway', () => {
    // Act
    const event = buildHttpEvent(
      request(),
      api,
      'POST /v1/payments/{id}/refunds',
      { id: 'pay_1' },
      {
        lambda: { merchantId: 'm_1' },
      },
    ) as Record<string, any>;

    // Assess
    assert.equal(event.version, '2.0');
    assert.equal(event.routeKey, 'POST /v1/payments/{id}/refunds');
    assert.equal(event.rawPath, '/v1/payments/pay_1/refunds');
    assert.equal(event.rawQueryString, 'limit=10&status=a&status=b');
    assert.deepEqual(event.cookies, ['a=1', 'b=2']);
    assert.equal(event.headers['content-type'], 'application/json');
    assert.equal(event.headers['x-multi'], 'one,two');
    assert.equal(event.headers.cookie, undefined);
    assert.equal(event.headers['x-forwarded-for'], '127.0.0.1');
    assert.deepEqual(event.queryStringParameters, { limit: '10', status: 'a,b' });
    assert.deepEqual(event.pathParameters, { id: 'pay_1' });
    assert.equal(event.body, '{"amount":5}');
    assert.equal(event.isBase64Encoded, false);
    assert.deepEqual(event.requestContext.http, {
      method: 'POST',
      path: '/v1/payments/pay_1/refunds',
      protocol: 'HTTP/1.1',
      sourceIp: '127.0.0.1',
      userAgent: 'curl/8',
    });
    assert.equal(event.requestContext.stage, '$default');
    assert.equal(event.requestContext.time, '12/Mar/2020:19:03:58 +0000');
    assert.equal(event.requestContext.timeEpoch, Date.UTC(2020, 2, 12, 19, 3, 58));
    assert.equal(event.requestContext.requestId, 'JKJaXmPLvHcESHA=');
    assert.deepEqual(event.requestContext.authorizer, { lambda: { merchantId: 'm_1' } });
  });

  it('omits absent parts rather than sending them empty', () => {
    const event = buildHttpEvent(
      request({ rawQueryString: '', headers: [['Host', 'h']], body: Buffer.alloc(0), method: 'GET' }),
      api,
      'GET /health',
      undefined,
      undefined,
    ) as Record<string, any>;
    assert.equal('cookies' in event, false);
    assert.equal('queryStringParameters' in event, false);
    assert.equal('pathParameters' in event, false);
    assert.equal('body' in event, false);
    assert.equal('authorizer' in event.requestContext, false);
    assert.equal(event.isBase64Encoded, false);
  });

  it('base64-encodes bodies that are not text', () => {
    const binary = Buffer.from([0, 1, 2, 255]);
    const event = buildHttpEvent(
      request({ headers: [['Content-Type', 'application/octet-stream']], body: binary }),
      api,
      '$default',
      undefined,
      undefined,
    ) as Record<string, any>;
    assert.equal(event.isBase64Encoded, true);
    assert.equal(event.body, binary.toString('base64'));
    const csv = buildHttpEvent(
      request({ headers: [['Content-Type', 'text/csv']], body: Buffer.from('a,b') }),
      api,
      '$default',
      undefined,
      undefined,
    ) as Record<string, any>;
    assert.equal(csv.isBase64Encoded, false);
    assert.equal(csv.body, 'a,b');
  });

  it('formats requestContext.time as API Gateway does', () => {
    assert.equal(clfTime(Date.UTC(2024, 0, 5, 3, 4, 5)), '05/Jan/2024:03:04:05 +0000');
  });
});
