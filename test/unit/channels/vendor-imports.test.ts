import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

const VENDOR_LIBRARIES = ['stripe', 'alipay-sdk', 'wechatpay-axios-plugin'];
const root = new URL('../../../shared/channels/', import.meta.url);

describe('vendor channel code', () => {
  it("never imports a vendor's SDK (they make test vectors only; bundles stay small)", () => {
    // Prepare
    const files = ['stripe', 'alipay', 'wechatpay'].flatMap((dir) =>
      readdirSync(new URL(`${dir}/`, root)).map((name) => new URL(`${dir}/${name}`, root)),
    );
    assert.ok(files.length >= 12);
    // Act / Assess
    for (const file of files) {
      const source = readFileSync(file, 'utf8');
      for (const library of VENDOR_LIBRARIES) {
        const imported = new RegExp(`(from|import\\(|require\\()\\s*['"]${library}(/[^'"]*)?['"]`).test(
          source,
        );
        assert.equal(imported, false, `${file.pathname} imports ${library}`);
      }
    }
  });
});
