/**
 * The hand-written S3 object client without a server: URL building (virtual-hosted vs path-style, key
 * encoding), the endpoint and credentials taken from the environment, retries, and S3 error codes.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { createS3Objects, objectUrl, S3ObjectError } from '../../../shared/aws/s3-objects.js';

const credentials = () => ({ accessKeyId: 'a', secretAccessKey: 'b' });

/** A fetch that answers from a list and records the requests. */
function scripted(...responses: Array<() => Response>) {
  const calls: Array<{ url: string; init: RequestInit | undefined }> = [];
  const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(input), init });
    const next = responses.shift();
    if (!next) throw new Error('no more scripted responses');
    return next();
  }) as typeof globalThis.fetch;
  return { calls, fetch };
}

const s3Error = (status: number, code: string) => () =>
  new Response(
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>m</Message></Error>`,
    {
      status,
    },
  );

describe('S3 object URLs', () => {
  it('addresses a bucket virtual-hosted on its regional endpoint by default', () => {
    assert.equal(
      objectUrl('payments-statements', 'statements/sandbox/2025-01-02.csv', { region: 'eu-west-1' }).href,
      'https://payments-statements.s3.eu-west-1.amazonaws.com/statements/sandbox/2025-01-02.csv',
    );
  });

  it('addresses path-style under an endpoint, without doubling its trailing slash', () => {
    assert.equal(
      objectUrl('b', 'statements/x.csv', { endpoint: 'http://127.0.0.1:4566/', region: 'us-east-1' }).href,
      'http://127.0.0.1:4566/b/statements/x.csv',
    );
  });

  it('addresses a bucket whose name has dots path-style, which the TLS certificate covers', () => {
    assert.equal(
      objectUrl('my.bucket', 'k', { region: 'us-east-1' }).href,
      'https://s3.us-east-1.amazonaws.com/my.bucket/k',
    );
  });

  it('encodes each key segment as S3 canonicalizes it, keeping the slashes', () => {
    assert.equal(
      objectUrl('b', "a b/c+d/é!'()*/x.csv", { region: 'us-east-1' }).pathname,
      '/a%20b/c%2Bd/%C3%A9%21%27%28%29%2A/x.csv',
    );
  });

  it('refuses keys a URL cannot carry: empty, or with a dot segment', () => {
    for (const key of ['', 'a/../b', './a', 'a/.']) {
      assert.throws(() => objectUrl('b', key, { region: 'us-east-1' }), RangeError, key);
    }
  });
});

describe('S3 object client', () => {
  const saved = { ...process.env };
  beforeEach(() => {
    for (const name of ['AWS_ENDPOINT_URL_S3', 'AWS_ENDPOINT_URL', 'AWS_SESSION_TOKEN'])
      delete process.env[name];
    process.env.AWS_REGION = 'eu-central-1';
    process.env.AWS_ACCESS_KEY_ID = 'AKIDENV';
    process.env.AWS_SECRET_ACCESS_KEY = 'secret';
  });
  afterEach(() => {
    process.env = { ...saved };
  });

  it('goes to AWS_ENDPOINT_URL_S3 path-style, signing with the environment’s credentials and region', async () => {
    // Prepare
    process.env.AWS_ENDPOINT_URL_S3 = 'http://127.0.0.1:9000';
    process.env.AWS_SESSION_TOKEN = 'session';
    const { calls, fetch } = scripted(() => new Response(null, { status: 200, headers: { etag: '"e"' } }));
    // Act
    const put = await createS3Objects({ fetch }).putObject('b', 'k.csv', 'x', 'text/csv');
    // Assess
    assert.deepEqual(put, { etag: '"e"' });
    assert.equal(calls[0]?.url, 'http://127.0.0.1:9000/b/k.csv');
    const headers = calls[0]?.init?.headers as Record<string, string>;
    assert.match(
      headers.authorization ?? '',
      /^AWS4-HMAC-SHA256 Credential=AKIDENV\/\d{8}\/eu-central-1\/s3\//,
    );
    assert.equal(headers['x-amz-security-token'], 'session');
    assert.equal(headers['content-type'], 'text/csv');
    assert.equal(headers.host, undefined, 'fetch sets host from the URL');
  });

  it('goes to the virtual-hosted endpoint without AWS_ENDPOINT_URL_S3', async () => {
    const { calls, fetch } = scripted(() => new Response(null, { status: 204 }));
    await createS3Objects({ fetch }).deleteObject('payments-statements', 'k');
    assert.equal(calls[0]?.url, 'https://payments-statements.s3.eu-central-1.amazonaws.com/k');
    assert.equal(calls[0]?.init?.method, 'DELETE');
  });

  it('retries a 503 SlowDown and a network error, then succeeds', async () => {
    const { calls, fetch } = scripted(
      s3Error(503, 'SlowDown'),
      () => {
        throw new TypeError('fetch failed');
      },
      () => new Response('ok', { status: 200 }),
    );
    const body = await createS3Objects({ fetch, credentials }).getObject('b', 'k');
    assert.ok(body);
    assert.equal(calls.length, 3);
  });

  it('gives up after the last attempt with the S3 error code', async () => {
    const { fetch } = scripted(s3Error(503, 'SlowDown'), s3Error(503, 'SlowDown'), s3Error(503, 'SlowDown'));
    await assert.rejects(createS3Objects({ fetch, credentials }).putObject('b', 'k', 'x', 'text/plain'), {
      name: 'S3ObjectError',
      code: 'SlowDown',
      status: 503,
    });
  });

  it('throws a typed error for a network failure that persists', async () => {
    const failing = () => {
      throw new TypeError('fetch failed');
    };
    const { fetch } = scripted(failing, failing);
    await assert.rejects(
      createS3Objects({ fetch, credentials, maxAttempts: 2 }).headObject('b', 'k'),
      (error: unknown) =>
        error instanceof S3ObjectError && error.code === 'NetworkError' && error.cause instanceof TypeError,
    );
  });

  it('reads a missing key as undefined, but not a missing bucket or a denied read', async () => {
    const { fetch } = scripted(
      s3Error(404, 'NoSuchKey'),
      s3Error(404, 'NoSuchBucket'),
      s3Error(403, 'AccessDenied'),
    );
    const s3 = createS3Objects({ fetch, credentials });
    assert.equal(await s3.getObject('b', 'k'), undefined);
    await assert.rejects(s3.getObject('b', 'k'), { code: 'NoSuchBucket', status: 404 });
    await assert.rejects(s3.getObject('b', 'k'), { code: 'AccessDenied', status: 403 });
  });

  it('names a body-less HEAD failure by its status', async () => {
    const { fetch } = scripted(() => new Response(null, { status: 403 }));
    await assert.rejects(createS3Objects({ fetch, credentials }).headObject('b', 'k'), { code: 'Http403' });
  });

  it('reads size, last modification, type and ETag from a HEAD', async () => {
    const { fetch } = scripted(
      () =>
        new Response(null, {
          status: 200,
          headers: {
            'content-length': '1234',
            'last-modified': 'Thu, 02 Jan 2025 03:04:05 GMT',
            'content-type': 'text/csv',
            etag: '"abc"',
          },
        }),
    );
    assert.deepEqual(await createS3Objects({ fetch, credentials }).headObject('b', 'k'), {
      size: 1234,
      lastModified: new Date('2025-01-02T03:04:05Z'),
      contentType: 'text/csv',
      etag: '"abc"',
    });
  });

  it('refuses to sign without credentials in the environment', async () => {
    delete process.env.AWS_ACCESS_KEY_ID;
    const { fetch } = scripted();
    await assert.rejects(createS3Objects({ fetch }).headObject('b', 'k'), /AWS_ACCESS_KEY_ID/);
  });
});
