/**
 * docs/contract.md is the public contract clients read, kept in the repository so that a clone stands alone.
 * The contract is maintained beside the repository too (`../shared/CONTRACT.md` where the product's working
 * copies are laid out that way); when that file is present the two must be identical, so a clarification never
 * reaches one and not the other. Without it (a plain clone) there is nothing to compare and the test skips.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

const inRepository = new URL('../../../docs/contract.md', import.meta.url);
const besideRepository = new URL('../../../../shared/CONTRACT.md', import.meta.url);

describe('the public contract', () => {
  it('is kept in the repository as docs/contract.md', () => {
    const text = readFileSync(inRepository, 'utf8');
    assert.match(text, /^# Public contract/);
    for (const section of ['## Idempotency', '## Routes', '## Reconciliation', '## Settlement']) {
      assert.ok(text.includes(section), `docs/contract.md lacks ${section}`);
    }
  });

  it('is identical to the contract maintained beside the repository, when that copy is present', (t) => {
    if (!existsSync(besideRepository)) {
      t.skip('no ../shared/CONTRACT.md beside this clone');
      return;
    }
    const ours = readFileSync(inRepository, 'utf8');
    const theirs = readFileSync(besideRepository, 'utf8');
    assert.ok(
      ours === theirs,
      'docs/contract.md differs from ../shared/CONTRACT.md: copy the newer one over',
    );
  });
});
