/**
 * The ops console in the template: its function's asset carries the built console (index.html loading
 * content-hashed script and style that exist), within the 200 KB gzip budget, with nothing fetched from
 * another origin, and the function reaches no data (no table, no queue: it serves files).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { synthesize } from './synthesized.js';

const GZIP_BUDGET_BYTES = 200 * 1024;

const { resources, functions } = synthesize();

const consoleFunction = functions.find((f) => f.source === 'functions/api/console.ts');

function filesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
  );
}

describe('ops console asset', () => {
  it('ships index.html next to the bundle, loading hashed script and style that are there', () => {
    assert.ok(consoleFunction, 'no function serves the console');
    const root = join(consoleFunction.assetDir, 'console');
    const html = readFileSync(join(root, 'index.html'), 'utf8');
    const refs = [...html.matchAll(/(?:src|href)="\/console\/([^"]+)"/g)].map((m) => m[1] as string);
    assert.ok(
      refs.some((r) => /^assets\/main-[A-Z0-9]{8}\.js$/.test(r)),
      html,
    );
    assert.ok(
      refs.some((r) => /^assets\/main-[A-Z0-9]{8}\.css$/.test(r)),
      html,
    );
    for (const ref of refs) assert.ok(statSync(join(root, ref)).isFile(), `${ref} is missing`);
    // The CSP allows no inline script or style: the page has none.
    assert.doesNotMatch(html, /<script>|<style|style="/);
  });

  it('stays within 200 KB gzipped and fetches nothing from another origin', () => {
    assert.ok(consoleFunction);
    const root = join(consoleFunction.assetDir, 'console');
    let gzipped = 0;
    for (const file of filesUnder(root)) {
      const body = readFileSync(join(root, file));
      gzipped += gzipSync(body, { level: 9 }).length;
      // SVG's namespace is a name, not a request.
      const urls = body.toString('utf8').match(/https?:\/\/[^\s"'`)]+/g) ?? [];
      assert.deepEqual(
        urls.filter((u) => !u.startsWith('http://www.w3.org/')),
        [],
        `${file} names another origin`,
      );
    }
    assert.ok(gzipped <= GZIP_BUDGET_BYTES, `console is ${(gzipped / 1024).toFixed(1)} KB gzipped`);
  });

  it('is a function with no data access: its role may write its logs and traces only', () => {
    assert.ok(consoleFunction);
    const role = (consoleFunction.resource.Properties.Role as { 'Fn::GetAtt': [string, string] })[
      'Fn::GetAtt'
    ][0];
    const actions = Object.values(resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy')
      .filter((r) => JSON.stringify(r.Properties.Roles).includes(role))
      .flatMap((r) =>
        (r.Properties.PolicyDocument as { Statement: { Action: string | string[] }[] }).Statement.flatMap(
          (s) => ([] as string[]).concat(s.Action),
        ),
      );
    assert.deepEqual(
      actions.filter((a) => !/^(logs|xray):/.test(a)),
      [],
      'the console function needs no grant beyond its logs and traces',
    );
    assert.equal((consoleFunction.resource.Properties.Environment as any)?.Variables?.TABLE_NAME, undefined);
  });
});
