/**
 * The local S3 endpoint through the functions' own S3 client (shared/aws/s3-objects.ts): put, head, get
 * (streamed), delete and the 404s; ListObjectsV2, ranges and persistence with plain HTTP; the SigV4
 * header the client sends, checked against an independent computation; the template's buckets.
 */
import assert from 'node:assert/strict';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createS3Objects, S3ObjectError, type S3Objects } from '../../shared/aws/s3-objects.js';
import { createLogger } from '../src/log.js';
import type { ResolveContext } from '../src/resolve.js';
import { type S3Endpoint, startS3Endpoint } from '../src/s3.js';
import { bucketConfigs, bucketResolution } from '../src/s3-buckets.js';
import type { CfnTemplate } from '../src/template.js';

const BUCKET = 'payments-statementsbucket';
const logged: string[] = [];
const log = createLogger({ quiet: true, write: (line) => logged.push(line) });
const ENV = [
  'AWS_ENDPOINT_URL_S3',
  'AWS_REGION',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
];

async function collect(stream: AsyncIterable<Uint8Array>): Promise<{ bytes: Buffer; chunks: number }> {
  const parts: Uint8Array[] = [];
  for await (const chunk of stream) parts.push(chunk);
  return { bytes: Buffer.concat(parts), chunks: parts.length };
}

describe('local S3 endpoint', () => {
  let endpoint: S3Endpoint;
  let s3: S3Objects;
  const saved: Record<string, string | undefined> = {};

  before(async () => {
    endpoint = await startS3Endpoint({ buckets: [{ logicalId: 'StatementsBucket', name: BUCKET }], log });
    for (const name of ENV) saved[name] = process.env[name];
    process.env.AWS_ENDPOINT_URL_S3 = endpoint.url;
    process.env.AWS_REGION = 'us-east-1';
    process.env.AWS_ACCESS_KEY_ID = 'local';
    process.env.AWS_SECRET_ACCESS_KEY = 'local';
    delete process.env.AWS_SESSION_TOKEN;
    s3 = createS3Objects();
  });

  after(async () => {
    for (const name of ENV) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
    await endpoint.close();
  });

  it('stores an object and answers head and get with its bytes, type, size and ETag', async () => {
    // Prepare
    const body = 'reference,amount,currency\npay_1,1000,EUR\n';
    // Act
    const put = await s3.putObject(BUCKET, 'statements/sandbox/2025-01-02.csv', body, 'text/csv');
    const head = await s3.headObject(BUCKET, 'statements/sandbox/2025-01-02.csv');
    const got = await s3.getObject(BUCKET, 'statements/sandbox/2025-01-02.csv');
    // Assess
    assert.equal(put.etag, `"${createHash('md5').update(body).digest('hex')}"`);
    assert.equal(head?.size, Buffer.byteLength(body));
    assert.equal(head?.contentType, 'text/csv');
    assert.equal(head?.etag, put.etag);
    assert.ok(head && Math.abs(head.lastModified.getTime() - Date.now()) < 5000);
    assert.ok(got);
    assert.equal((await collect(got)).bytes.toString('utf8'), body);
  });

  it('streams a 5 MB body back intact, in several chunks', async () => {
    // Prepare
    const body = randomBytes(5 * 1024 * 1024);
    await s3.putObject(BUCKET, 'statements/big/2025-01-02.csv', body, 'text/csv');
    // Act
    const got = await s3.getObject(BUCKET, 'statements/big/2025-01-02.csv');
    // Assess
    assert.ok(got);
    const { bytes, chunks } = await collect(got);
    assert.equal(bytes.length, body.length);
    assert.ok(bytes.equals(body));
    assert.ok(chunks > 1, `expected a stream, got ${chunks} chunk`);
  });

  it('lets a reader stop early without the endpoint reporting an error', async () => {
    // Prepare
    await s3.putObject(BUCKET, 'statements/early/2025-01-02.csv', randomBytes(4 * 1024 * 1024), 'text/csv');
    const got = await s3.getObject(BUCKET, 'statements/early/2025-01-02.csv');
    assert.ok(got);
    // Act
    for await (const chunk of got) {
      assert.ok(chunk.length > 0);
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    // Assess
    assert.deepEqual(logged, []);
    assert.equal((await s3.headObject(BUCKET, 'statements/early/2025-01-02.csv'))?.size, 4 * 1024 * 1024);
  });

  it('answers undefined for a missing key, and deleting a missing key succeeds', async () => {
    assert.equal(await s3.getObject(BUCKET, 'statements/none/2025-01-02.csv'), undefined);
    assert.equal(await s3.headObject(BUCKET, 'statements/none/2025-01-02.csv'), undefined);
    await s3.deleteObject(BUCKET, 'statements/none/2025-01-02.csv');
  });

  it('deletes an object', async () => {
    await s3.putObject(BUCKET, 'to-delete.txt', 'x', 'text/plain');
    await s3.deleteObject(BUCKET, 'to-delete.txt');
    assert.equal(await s3.headObject(BUCKET, 'to-delete.txt'), undefined);
    assert.equal(await s3.getObject(BUCKET, 'to-delete.txt'), undefined);
  });

  it('replaces an object on overwrite and keeps one data file for it', async () => {
    const before = (await readdir(join(endpoint.dir, BUCKET, 'data'))).length;
    await s3.putObject(BUCKET, 'overwritten.txt', 'first', 'text/plain');
    await s3.putObject(BUCKET, 'overwritten.txt', 'second', 'text/plain');
    const got = await s3.getObject(BUCKET, 'overwritten.txt');
    assert.ok(got);
    assert.equal((await collect(got)).bytes.toString(), 'second');
    assert.equal((await readdir(join(endpoint.dir, BUCKET, 'data'))).length, before + 1);
  });

  it('refuses an unknown bucket with NoSuchBucket', async () => {
    await assert.rejects(s3.getObject('no-such-bucket', 'k'), (error: unknown) => {
      assert.ok(error instanceof S3ObjectError);
      assert.equal(error.code, 'NoSuchBucket');
      assert.equal(error.status, 404);
      assert.equal(error.bucket, 'no-such-bucket');
      return true;
    });
    await assert.rejects(s3.putObject('no-such-bucket', 'k', 'x', 'text/plain'), { code: 'NoSuchBucket' });
  });

  it('answers 404 with S3 error XML for a missing key and an unknown bucket', async () => {
    const missingKey = await fetch(`${endpoint.url}/${BUCKET}/missing.csv`);
    const missingBucket = await fetch(`${endpoint.url}/nope/missing.csv`);
    assert.equal(missingKey.status, 404);
    assert.match(await missingKey.text(), /<Error><Code>NoSuchKey<\/Code>.*<Key>missing\.csv<\/Key>/);
    assert.equal(missingBucket.status, 404);
    assert.match(
      await missingBucket.text(),
      /<Error><Code>NoSuchBucket<\/Code>.*<BucketName>nope<\/BucketName>/,
    );
  });

  it('stores keys with spaces, unicode and reserved characters under exactly that key', async () => {
    for (const key of ['a b/c+d.csv', 'é/日本.txt', "x!'()*/y=z&w?#.csv", 'a//b', '.hidden/..x']) {
      await s3.putObject(BUCKET, `odd/${key}`, key, 'text/plain');
      const listed = await fetch(
        `${endpoint.url}/${BUCKET}?list-type=2&encoding-type=url&prefix=${encodeURIComponent('odd/')}`,
      );
      const keys = [...(await listed.text()).matchAll(/<Key>([^<]+)<\/Key>/g)].map((m) =>
        decodeURIComponent((m[1] ?? '').replaceAll('&apos;', "'").replaceAll('&amp;', '&')),
      );
      assert.deepEqual(keys, [`odd/${key}`]);
      const got = await s3.getObject(BUCKET, `odd/${key}`);
      assert.ok(got, key);
      assert.equal((await collect(got)).bytes.toString(), key);
      await s3.deleteObject(BUCKET, `odd/${key}`);
    }
  });

  it('lists keys under a prefix (ListObjectsV2), a page at a time', async () => {
    // Prepare
    for (const day of ['2025-03-01', '2025-03-02', '2025-03-03']) {
      await s3.putObject(BUCKET, `statements/stripe/${day}.csv`, day, 'text/csv');
    }
    await s3.putObject(BUCKET, 'statements/alipay/2025-03-01.csv', 'x', 'text/csv');
    // Act
    const first = await fetch(`${endpoint.url}/${BUCKET}?list-type=2&prefix=statements/stripe/&max-keys=2`);
    const firstXml = await first.text();
    const token = /<NextContinuationToken>([^<]+)</.exec(firstXml)?.[1] ?? '';
    const second = await fetch(
      `${endpoint.url}/${BUCKET}?list-type=2&prefix=statements/stripe/&continuation-token=${token}`,
    );
    const secondXml = await second.text();
    // Assess
    const keys = (xml: string) => [...xml.matchAll(/<Key>([^<]+)<\/Key>/g)].map((m) => m[1]);
    assert.equal(first.status, 200);
    assert.deepEqual(keys(firstXml), [
      'statements/stripe/2025-03-01.csv',
      'statements/stripe/2025-03-02.csv',
    ]);
    assert.match(firstXml, /<IsTruncated>true<\/IsTruncated>/);
    assert.deepEqual(keys(secondXml), ['statements/stripe/2025-03-03.csv']);
    assert.match(secondXml, /<IsTruncated>false<\/IsTruncated>.*<Size>10<\/Size>/);
  });

  it('serves a single byte range', async () => {
    await s3.putObject(BUCKET, 'range.txt', '0123456789', 'text/plain');
    const middle = await fetch(`${endpoint.url}/${BUCKET}/range.txt`, { headers: { range: 'bytes=2-5' } });
    const tail = await fetch(`${endpoint.url}/${BUCKET}/range.txt`, { headers: { range: 'bytes=-3' } });
    const beyond = await fetch(`${endpoint.url}/${BUCKET}/range.txt`, { headers: { range: 'bytes=10-' } });
    assert.equal(middle.status, 206);
    assert.equal(middle.headers.get('content-range'), 'bytes 2-5/10');
    assert.equal(await middle.text(), '2345');
    assert.equal(await tail.text(), '789');
    assert.equal(beyond.status, 416);
    assert.match(await beyond.text(), /<Code>InvalidRange<\/Code>/);
  });

  it('refuses a body whose signed SHA-256 does not match', async () => {
    const response = await fetch(`${endpoint.url}/${BUCKET}/tampered.txt`, {
      method: 'PUT',
      headers: { 'x-amz-content-sha256': createHash('sha256').update('original').digest('hex') },
      body: 'tampered',
    });
    assert.equal(response.status, 400);
    assert.match(await response.text(), /<Code>XAmzContentSHA256Mismatch<\/Code>/);
    assert.equal(await s3.headObject(BUCKET, 'tampered.txt'), undefined);
  });

  it('answers 501 NotImplemented for what it does not emulate', async () => {
    const multipart = await fetch(`${endpoint.url}/${BUCKET}/big.csv?uploads`, { method: 'POST' });
    const delimiter = await fetch(`${endpoint.url}/${BUCKET}?list-type=2&delimiter=/`);
    assert.equal(multipart.status, 501);
    assert.match(await multipart.text(), /<Code>NotImplemented<\/Code>/);
    assert.equal(delimiter.status, 501);
  });

  it('sends a SigV4 Authorization header that an independent computation reproduces', async () => {
    // Prepare: a client whose fetch records what it sends, with a session token as Lambda gives.
    const sent: Array<{ url: URL; method: string; headers: Record<string, string> }> = [];
    const recording = createS3Objects({
      credentials: () => ({ accessKeyId: 'AKIDLOCAL', secretAccessKey: 'secret', sessionToken: 'token' }),
      fetch: async (input, init) => {
        sent.push({
          url: new URL(String(input)),
          method: String(init?.method),
          headers: init?.headers as Record<string, string>,
        });
        return fetch(input, init);
      },
    });
    const body = 'channel,reference\nsandbox,pay_1\n';
    // Act
    await recording.putObject(BUCKET, 'statements/sandbox/2025-01-03.csv', body, 'text/csv');
    await recording.getObject(BUCKET, 'statements/sandbox/2025-01-03.csv').then((s) => s && collect(s));
    // Assess
    assert.equal(sent.length, 2);
    for (const request of sent) {
      const h = request.headers;
      const auth = h.authorization ?? '';
      const match =
        /^AWS4-HMAC-SHA256 Credential=AKIDLOCAL\/(\d{8})\/us-east-1\/s3\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/.exec(
          auth,
        );
      assert.ok(match, auth);
      const [, day = '', signedHeaders = '', signature] = match;
      assert.match(h['x-amz-date'] ?? '', new RegExp(`^${day}T\\d{6}Z$`));
      assert.equal(h['x-amz-security-token'], 'token');
      const names = signedHeaders.split(';');
      assert.ok(
        names.includes('host') && names.includes('x-amz-content-sha256') && names.includes('x-amz-date'),
      );
      const value = (name: string) => (name === 'host' ? request.url.host : (h[name] ?? '').trim());
      const payload = h['x-amz-content-sha256'] ?? '';
      const canonical = [
        request.method,
        request.url.pathname,
        '',
        ...names.map((n) => `${n}:${value(n)}`),
        '',
        signedHeaders,
        payload,
      ].join('\n');
      const scope = `${day}/us-east-1/s3/aws4_request`;
      const toSign = [
        'AWS4-HMAC-SHA256',
        h['x-amz-date'],
        scope,
        createHash('sha256').update(canonical).digest('hex'),
      ].join('\n');
      let key: Buffer = Buffer.from('AWS4secret');
      for (const part of [day, 'us-east-1', 's3', 'aws4_request'])
        key = createHmac('sha256', key).update(part).digest();
      assert.equal(signature, createHmac('sha256', key).update(toSign).digest('hex'));
    }
    const [put, get] = sent;
    assert.equal(put?.headers['x-amz-content-sha256'], createHash('sha256').update(body).digest('hex'));
    assert.equal(get?.headers['x-amz-content-sha256'], createHash('sha256').update('').digest('hex'));
  });

  it('sends a body over 1 MiB as UNSIGNED-PAYLOAD', async () => {
    let header: string | undefined;
    const recording = createS3Objects({
      fetch: async (input, init) => {
        header = (init?.headers as Record<string, string> | undefined)?.['x-amz-content-sha256'];
        return fetch(input, init);
      },
    });
    await recording.putObject(
      BUCKET,
      'unsigned.bin',
      new Uint8Array(1024 * 1024 + 1),
      'application/octet-stream',
    );
    assert.equal(header, 'UNSIGNED-PAYLOAD');
    assert.equal((await s3.headObject(BUCKET, 'unsigned.bin'))?.size, 1024 * 1024 + 1);
  });
});

describe('local S3 persistence', () => {
  it('keeps objects across a restart on the same directory', async () => {
    // Prepare
    const dir = await mkdtemp(join(tmpdir(), 'payments-s3-test-'));
    const buckets = [{ logicalId: 'StatementsBucket', name: BUCKET }];
    try {
      const first = await startS3Endpoint({ buckets, log, dir });
      const client = (url: string) =>
        createS3Objects({ endpoint: url, credentials: () => ({ accessKeyId: 'a', secretAccessKey: 'b' }) });
      await client(first.url).putObject(BUCKET, 'statements/sandbox/2025-01-04.csv', 'kept', 'text/csv');
      await first.close();
      // Act
      const second = await startS3Endpoint({ buckets, log, dir });
      const got = await client(second.url).getObject(BUCKET, 'statements/sandbox/2025-01-04.csv');
      // Assess
      assert.ok(got);
      assert.equal((await collect(got)).bytes.toString(), 'kept');
      await second.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('buckets of the template', () => {
  const template: CfnTemplate = {
    Resources: {
      StatementsBucket1A2B3C4D: { Type: 'AWS::S3::Bucket', Properties: { BucketEncryption: {} } },
      Named: {
        Type: 'AWS::S3::Bucket',
        Properties: { BucketName: { 'Fn::Join': ['-', ['exports', { Ref: 'AWS::AccountId' }]] } },
      },
      Queue: { Type: 'AWS::SQS::Queue' },
    },
  };
  const ctx: ResolveContext = {
    template,
    region: 'us-east-1',
    accountId: '000000000000',
    stackName: 'Payments',
    secrets: {},
  };

  it('names a bucket by its BucketName, else <stack>-<logicalid> lowercased', () => {
    assert.deepEqual(bucketConfigs(template, ctx), [
      { logicalId: 'StatementsBucket1A2B3C4D', name: 'payments-statementsbucket1a2b3c4d' },
      { logicalId: 'Named', name: 'exports-000000000000' },
    ]);
  });

  it('keeps a generated name within S3’s 63 characters', () => {
    const long = { Resources: { [`B${'x'.repeat(80)}`]: { Type: 'AWS::S3::Bucket' } } };
    const [config] = bucketConfigs(long, { ...ctx, template: long });
    assert.ok(config && config.name.length <= 63 && /^[a-z0-9-]+[a-z0-9]$/.test(config.name));
  });

  it('resolves Ref to the name and the ARN and domain names as attributes', () => {
    assert.deepEqual(bucketResolution([{ logicalId: 'B', name: 'payments-b' }], 'eu-west-1'), {
      refs: { B: 'payments-b' },
      attributes: {
        'B.Arn': 'arn:aws:s3:::payments-b',
        'B.DomainName': 'payments-b.s3.amazonaws.com',
        'B.RegionalDomainName': 'payments-b.s3.eu-west-1.amazonaws.com',
      },
    });
  });
});
