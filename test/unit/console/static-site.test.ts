import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { answer, CONSOLE_CSP, IMMUTABLE, loadSite, REVALIDATE } from '../../../shared/console/static-site.js';

const dir = mkdtempSync(join(tmpdir(), 'console-site-'));
after(() => rmSync(dir, { recursive: true, force: true }));
mkdirSync(join(dir, 'assets'));
writeFileSync(join(dir, 'index.html'), '<!doctype html><title>console</title>');
writeFileSync(join(dir, 'assets', 'main-ABCDEFGH.js'), 'console.log(1)');
writeFileSync(join(dir, 'assets', 'main-ABCDEFGH.css'), 'body{}');
const site = loadSite(dir);

const bodyOf = (a: ReturnType<typeof answer>) => Buffer.from(a.body, 'base64');

describe('console static files', () => {
  it('answers index.html for the base and for any page path, never cached without revalidation', () => {
    for (const path of ['', 'payments', 'payments/pay_1', 'review/']) {
      const a = answer(site, { path });
      assert.equal(a.statusCode, 200, path);
      assert.equal(a.headers['Content-Type'], 'text/html; charset=utf-8');
      assert.equal(a.headers['Cache-Control'], REVALIDATE);
      assert.equal(bodyOf(a).toString(), '<!doctype html><title>console</title>');
    }
  });

  it('answers hashed assets with their type, immutable, gzipped when the browser takes gzip', () => {
    const js = answer(site, { path: 'assets/main-ABCDEFGH.js', acceptEncoding: 'gzip, deflate, br' });
    assert.equal(js.headers['Content-Type'], 'text/javascript; charset=utf-8');
    assert.equal(js.headers['Cache-Control'], IMMUTABLE);
    assert.equal(js.headers['Content-Encoding'], 'gzip');
    assert.equal(js.headers.Vary, 'Accept-Encoding');
    assert.equal(gunzipSync(bodyOf(js)).toString(), 'console.log(1)');
    const css = answer(site, { path: 'assets/main-ABCDEFGH.css' });
    assert.equal(css.headers['Content-Type'], 'text/css; charset=utf-8');
    assert.equal(css.headers['Content-Encoding'], undefined);
    assert.equal(bodyOf(css).toString(), 'body{}');
  });

  it('sets the Content-Security-Policy (this origin only) and the other security headers on every answer', () => {
    for (const a of [answer(site, { path: '' }), answer(site, { path: 'assets/missing.js' })]) {
      assert.equal(a.headers['Content-Security-Policy'], CONSOLE_CSP);
      assert.equal(a.headers['X-Content-Type-Options'], 'nosniff');
      assert.equal(a.headers['X-Frame-Options'], 'DENY');
      assert.equal(a.headers['Referrer-Policy'], 'no-referrer');
    }
    assert.match(CONSOLE_CSP, /default-src 'self'/);
    assert.match(CONSOLE_CSP, /script-src 'self'(;|$)/);
    assert.doesNotMatch(CONSOLE_CSP, /unsafe|\*|https?:/);
  });

  it('answers 404 for a missing file, and 304 when the browser has the same version', () => {
    assert.equal(answer(site, { path: 'assets/main-OTHER.js' }).statusCode, 404);
    const first = answer(site, { path: 'assets/main-ABCDEFGH.js' });
    const again = answer(site, { path: 'assets/main-ABCDEFGH.js', ifNoneMatch: first.headers.ETag });
    assert.equal(again.statusCode, 304);
    assert.equal(again.body, '');
  });
});
