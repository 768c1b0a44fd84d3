import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Md5 as SdkMd5, Sha256 as SdkSha256 } from '@smithy/core/checksum';
import fc from 'fast-check';
import { Md5, Sha256 } from '../../../shared/aws/native-checksums.js';

/** What a checksum answers for `chunks`, digested twice (the SDK may ask again for a plain hash). */
async function digests(
  make: () => { update(d: string | Uint8Array): void; digest(): Promise<Uint8Array> },
  chunks: (string | Uint8Array)[],
  twice: boolean,
): Promise<string[]> {
  const h = make();
  for (const c of chunks) h.update(c);
  const first = Buffer.from(await h.digest()).toString('hex');
  return twice ? [first, Buffer.from(await h.digest()).toString('hex')] : [first];
}

const chunks = fc.array(fc.oneof(fc.string(), fc.uint8Array()), { maxLength: 5 });

describe('the bundles’ native checksums', () => {
  it('hash exactly as the SDK’s Sha256 and Md5, digest after digest', async () => {
    await fc.assert(
      fc.asyncProperty(chunks, async (data) => {
        assert.deepEqual(
          await digests(() => new Sha256(), data, true),
          await digests(() => new SdkSha256(), data, true),
        );
        assert.deepEqual(
          await digests(() => new Md5(), data, true),
          await digests(() => new SdkMd5(), data, true),
        );
      }),
    );
  });

  it('are HMAC-SHA-256 with a secret, as SigV4 uses them, and a plain hash with an empty one', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), fc.uint8Array()), chunks, async (secret, data) => {
        assert.deepEqual(
          await digests(() => new Sha256(secret), data, false),
          await digests(() => new SdkSha256(secret), data, false),
        );
      }),
    );
  });

  it('start over on reset', async () => {
    const h = new Sha256('k');
    h.update('a');
    await h.digest();
    h.reset();
    h.update('b');
    const sdk = new SdkSha256('k');
    sdk.update(Buffer.from('b'));
    assert.deepEqual(await h.digest(), await sdk.digest());
  });
});
