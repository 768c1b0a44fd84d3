import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { type S3Objects, setS3Objects } from '../../../shared/aws/s3-objects.js';
import { STATEMENT_HEADER } from '../../../shared/domain/reconciliation/index.js';
import { apiEvent, context, problemOf } from './fixtures.js';

process.env.STATEMENTS_BUCKET = 'statements-unit';
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
const puts: { bucket: string; key: string; body: Uint8Array; contentType: string }[] = [];
setS3Objects({
  putObject: async (bucket: string, key: string, body: string | Uint8Array, contentType: string) => {
    puts.push({
      bucket,
      key,
      body: typeof body === 'string' ? new TextEncoder().encode(body) : body,
      contentType,
    });
    return {};
  },
} as unknown as S3Objects);
const { handler } = await import('../../../functions/api/upload-statement.js');

const CSV = `${STATEMENT_HEADER}\r\nsbx_1,pay_1,payment,1050,USD,succeeded,30,2026-03-01T10:07:00Z\r\n`;
const upload = (body: string, contentType: string, isBase64Encoded = false) =>
  handler(
    apiEvent({
      path: '/v1/ops/reconciliation/statements',
      headers: { 'content-type': contentType },
      query: { channel: 'sandbox', date: '2026-03-01' },
      body,
      isBase64Encoded,
      auth: { merchantId: 'ops', role: 'ops' },
    }),
    context,
  );

describe('POST /v1/ops/reconciliation/statements handler', () => {
  beforeEach(() => {
    puts.length = 0;
  });

  it('checks the whole statement, then stores its bytes as uploaded and answers the row count', async () => {
    // Act
    const result = await upload(Buffer.from(CSV).toString('base64'), 'text/csv; charset=utf-8', true);
    // Assess
    assert.equal(result.statusCode, 200);
    assert.deepEqual(JSON.parse(result.body ?? '{}'), {
      object: 'reconciliation_statement',
      channel: 'sandbox',
      date: '2026-03-01',
      rows: 1,
      bytes: Buffer.byteLength(CSV),
    });
    assert.equal(puts.length, 1);
    assert.equal(puts[0]?.key, 'statements/sandbox/2026-03-01.csv');
    assert.equal(Buffer.from(puts[0]?.body ?? []).toString('utf8'), CSV);
  });

  it('answers 400 naming the line of a malformed row, and stores nothing', async () => {
    // Act
    const result = await upload(
      `${CSV}sbx_2,pay_2,payment,10.50,USD,succeeded,30,2026-03-01T10:07:00Z\r\n`,
      'text/csv',
    );
    // Assess
    assert.equal(result.statusCode, 400);
    assert.match(problemOf(result).detail, /line 3, column amount/);
    assert.equal(puts.length, 0);
  });

  it('takes only text/csv for a channel without a native statement', async () => {
    const result = await upload(Buffer.from(CSV).toString('base64'), 'application/octet-stream', true);
    assert.equal(result.statusCode, 415);
    assert.match(problemOf(result).detail, /is not text\/csv/);
  });

  it('refuses a GBK statement sent as text, whose bytes no longer survive, saying how to send it', async () => {
    const result = await upload(CSV, 'text/csv; charset=GBK');
    assert.equal(result.statusCode, 415);
    assert.match(problemOf(result).detail, /application\/octet-stream/);
    assert.equal(puts.length, 0);
  });
});
