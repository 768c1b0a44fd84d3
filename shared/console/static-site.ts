/**
 * The ops console's static files as HTTP answers (functions/api/console.ts): read once per container from
 * the folder the build wrote next to the bundle, each kept plain and gzipped, answered with its content
 * type, its cache policy (content-hashed `assets/` files are immutable, everything else revalidates), an
 * ETag, and the security headers of a page that holds an ops key: a Content-Security-Policy allowing this
 * origin only, no framing, no referrer.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';

/** Scripts, styles, images and API calls from this origin only; no inline code, no plug-ins, no framing. */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONSOLE_CSP,
  'Strict-Transport-Security': 'max-age=63072000; includeSubDomains',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
};

export const IMMUTABLE = 'public, max-age=31536000, immutable';
export const REVALIDATE = 'no-cache';

interface StaticFile {
  readonly body: Buffer;
  readonly gzipped: Buffer;
  readonly type: string;
  readonly etag: string;
  readonly cacheControl: string;
}

export interface StaticAnswer {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  isBase64Encoded: boolean;
}

/** Every file under `dir`, keyed by its path relative to it (`index.html`, `assets/main-X.js`). */
export function loadSite(dir: string): Map<string, StaticFile> {
  const site = new Map<string, StaticFile>();
  const walk = (at: string): void => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) {
        walk(path);
        continue;
      }
      const name = relative(dir, path).split('\\').join('/');
      const body = readFileSync(path);
      site.set(name, {
        body,
        gzipped: gzipSync(body, { level: 9 }),
        type: CONTENT_TYPES[extname(name)] ?? 'application/octet-stream',
        etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
        cacheControl: name.startsWith('assets/') ? IMMUTABLE : REVALIDATE,
      });
    }
  };
  walk(dir);
  return site;
}

export interface StaticRequest {
  /** The path under the console's base, without leading slash (`''` for the base itself). */
  readonly path: string;
  readonly acceptEncoding?: string | undefined;
  readonly ifNoneMatch?: string | undefined;
}

/**
 * The answer to a GET. A path with no file extension is a page of the console (its router reads the
 * URL), so it gets `index.html`; a missing file with an extension is a 404.
 */
export function answer(site: ReadonlyMap<string, StaticFile>, request: StaticRequest): StaticAnswer {
  const path = request.path.replace(/^\/+/, '');
  const name = extname(path) === '' ? 'index.html' : path;
  const file = site.get(name);
  if (!file) {
    return {
      statusCode: 404,
      headers: {
        ...SECURITY_HEADERS,
        'Content-Type': 'text/plain; charset=utf-8',
        'Cache-Control': REVALIDATE,
      },
      body: 'Not found',
      isBase64Encoded: false,
    };
  }
  const headers: Record<string, string> = {
    ...SECURITY_HEADERS,
    'Content-Type': file.type,
    'Cache-Control': file.cacheControl,
    ETag: file.etag,
    Vary: 'Accept-Encoding',
  };
  if (request.ifNoneMatch?.split(',').some((tag) => tag.trim() === file.etag)) {
    return { statusCode: 304, headers, body: '', isBase64Encoded: false };
  }
  const gzip = /\bgzip\b/.test(request.acceptEncoding ?? '');
  if (gzip) headers['Content-Encoding'] = 'gzip';
  return {
    statusCode: 200,
    headers,
    body: (gzip ? file.gzipped : file.body).toString('base64'),
    isBase64Encoded: true,
  };
}
