/**
 * Alipay's zipped trade bill, unpacked. The vectors are zips made by another implementation, Python's
 * `zipfile` (UTF-8 names, deflated and stored), holding the summary file first and the detail second.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { alipayBillCsv } from '../../../../shared/channels/alipay/bill-zip.js';
import { StatementFetchError } from '../../../../shared/channels/errors.js';

const DEFLATED =
  'UEsDBBQAAAgIAIuJhl3ZcelsDAAAAAoAAAA2AAAAMjA4ODAwMDAwMDAwMDAwMDAxNTZfMjAyNjEyMDZf5Lia5Yqh5piO57uGKOaxh+aAuykuY3N2U979+PodXi5DXi4AUEsDBBQAAAgIAIuJhl3TDskLRQAAAEMAAAAuAAAAMjA4ODAwMDAwMDAwMDAwMDAxNTZfMjAyNjEyMDZf5Lia5Yqh5piO57uGLmNzdlO+tnzHto3LLm099/Hw9/M7Nr28uJ6XCyK2d/el67uO6pw8s3v5tpVbl+46ystlZGBkZmhkYGZkZGBgqFOQWBlvyMsFAFBLAQIUAxQAAAgIAIuJhl3ZcelsDAAAAAoAAAA2AAAAAAAAAAAAAACAAQAAAAAyMDg4MDAwMDAwMDAwMDAwMDE1Nl8yMDI2MTIwNl/kuJrliqHmmI7nu4Yo5rGH5oC7KS5jc3ZQSwECFAMUAAAICACLiYZd0w7JC0UAAABDAAAALgAAAAAAAAAAAAAAgAFgAAAAMjA4ODAwMDAwMDAwMDAwMDAxNTZfMjAyNjEyMDZf5Lia5Yqh5piO57uGLmNzdlBLBQYAAAAAAgACAMAAAADxAAAAAAA=';
const STORED =
  'UEsDBBQAAAgAAIuJhl3ZcelsCgAAAAoAAAA2AAAAMjA4ODAwMDAwMDAwMDAwMDAxNTZfMjAyNjEyMDZf5Lia5Yqh5piO57uGKOaxh+aAuykuY3N2I7vj19wNCjENClBLAwQUAAAIAACLiYZd0w7JC0MAAABDAAAALgAAADIwODgwMDAwMDAwMDAwMDAwMTU2XzIwMjYxMjA2X+S4muWKoeaYjue7hi5jc3Yj1qe4trGm0rXO8cP3z7iy6dGvDQrWp7i2saa9u9LXusUsycy7p7aptaW6xQ0KMjAyNjEyMDYyMjAwMSxwYXlfMQ0KUEsBAhQDFAAACAAAi4mGXdlx6WwKAAAACgAAADYAAAAAAAAAAAAAAIABAAAAADIwODgwMDAwMDAwMDAwMDAwMTU2XzIwMjYxMjA2X+S4muWKoeaYjue7hijmsYfmgLspLmNzdlBLAQIUAxQAAAgAAIuJhl3TDskLQwAAAEMAAAAuAAAAAAAAAAAAAACAAV4AAAAyMDg4MDAwMDAwMDAwMDAwMDE1Nl8yMDI2MTIwNl/kuJrliqHmmI7nu4YuY3N2UEsFBgAAAAACAAIAwAAAAO0AAAAAAA==';
/** The detail file's GBK bytes. */
const DETAIL = Buffer.from(
  'I9anuLaxptK1zvHD98+4sunRrw0K1qe4trGmvbvS17rFLMnMu6e2qbWlusUNCjIwMjYxMjA2MjIwMDEscGF5XzENCg==',
  'base64',
);

/** `bytes` in chunks of `size`, as a download yields them. */
async function* chunks(bytes: Buffer, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function collect(source: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const part of source) parts.push(part);
  return Buffer.concat(parts);
}

describe("Alipay's zipped bill", () => {
  it('takes the detail file out of the zip (deflated or stored), never the summary (汇总)', async () => {
    for (const zip of [DEFLATED, STORED]) {
      const csv = await collect(alipayBillCsv(chunks(Buffer.from(zip, 'base64'), 7), '2026-12-06'));
      assert.deepEqual(csv, DETAIL);
      assert.match(new TextDecoder('gbk').decode(csv), /^#支付宝业务明细查询/);
    }
  });

  it('passes a plain CSV through as it came', async () => {
    assert.deepEqual(await collect(alipayBillCsv(chunks(DETAIL, 5), '2026-12-06')), DETAIL);
  });

  it('refuses a zip cut short, and one without a detail file', async () => {
    const cut = Buffer.from(DEFLATED, 'base64').subarray(0, 200);
    await assert.rejects(
      collect(alipayBillCsv(chunks(cut, 64), '2026-12-06')),
      (error) => error instanceof StatementFetchError && error.retryable,
    );
    // Only the summary: the detail's central record renamed to something that is no CSV.
    const renamed = Buffer.from(DEFLATED, 'base64');
    const last = renamed.lastIndexOf(Buffer.from('.csv'));
    renamed.write('.txt', last);
    await assert.rejects(
      collect(alipayBillCsv(chunks(renamed, 64), '2026-12-06')),
      (error) => error instanceof StatementFetchError && /no detail/.test(error.message),
    );
  });
});
