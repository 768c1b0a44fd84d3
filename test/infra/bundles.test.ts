/**
 * The bundle budget (DESIGN.md: each function ≤ 300 KB minified, SDK clients inside), for EVERY
 * function of the template, so a new import that pushes one over fails here rather than in a figure
 * table. Also: every handler under functions/ is a function of the template (else "every" would not be
 * every), and the SDK's parts the bundles alias away (event-stream serde, mnemonist's LRU, the
 * checksums' pure-JS fallbacks) stay out.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { synthesize } from './synthesized.js';

const BUDGET_BYTES = 300 * 1024;
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const { functions } = synthesize();

function handlers(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return handlers(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [relative(ROOT, path)] : [];
  });
}

const sizeOf = (assetDir: string) => statSync(join(assetDir, 'index.mjs')).size;

describe('function bundles', () => {
  it('builds a function of the template from every handler under functions/', () => {
    const built = new Set(functions.map((f) => f.source));
    assert.deepEqual(
      handlers(join(ROOT, 'functions')).filter((h) => !built.has(h)),
      [],
      'handlers without a function',
    );
  });

  it('keeps every function bundle within 300 KB', () => {
    const over = functions
      .map((f) => ({ source: f.source, bytes: sizeOf(f.assetDir) }))
      .filter((f) => f.bytes > BUDGET_BYTES)
      .map((f) => `${f.source}: ${(f.bytes / 1024).toFixed(1)} KB`);
    assert.ok(functions.length >= 40, `only ${functions.length} functions found`);
    assert.deepEqual(over, [], 'bundles over 300 KB');
  });

  it('bundles neither the event-stream serde, mnemonist nor the JS checksums, which the bundles alias away', () => {
    for (const f of functions) {
      const { sources } = JSON.parse(readFileSync(join(f.assetDir, 'index.mjs.map'), 'utf8')) as {
        sources: string[];
      };
      const leaked = sources.filter((s) =>
        /submodules\/event-streams\/|node_modules\/mnemonist\/|submodules\/checksum\//.test(s),
      );
      assert.deepEqual(leaked, [], f.source);
    }
  });
});
