/**
 * The S3 endpoint: path-style REST (`/<bucket>/<key>`) for the buckets the template declares, with the
 * operations functions and tests use: PutObject, GetObject (single `Range` included), HeadObject,
 * DeleteObject and ListObjectsV2 (prefix, max-keys, continuation). Anything else (multipart, copies,
 * aws-chunked uploads, delimiters, bucket management) answers 501 NotImplemented rather than something
 * subtly wrong. Signatures are not verified (like DynamoDB Local); a signed payload hash is.
 *
 * Objects live on disk (a statement is up to ~100 MB), one store per bucket (s3-bucket.ts); the buckets
 * and their names come from the template (s3-buckets.ts).
 */
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Logger } from './log.js';

import { Bucket, NOT_IMPLEMENTED, S3Error, type StoredObject } from './s3-bucket.js';
import type { S3BucketConfig } from './s3-buckets.js';

function xmlEscape(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] as string,
  );
}

function xmlElements(values: Record<string, string | number | boolean | undefined>): string {
  return Object.entries(values)
    .filter(([, v]) => v !== undefined)
    .map(([name, v]) => `<${name}>${xmlEscape(String(v))}</${name}>`)
    .join('');
}

function parseRange(header: string | undefined, size: number): { start: number; end: number } | undefined {
  const match = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null;
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  const [, first = '', last = ''] = match;
  const range =
    first === ''
      ? { start: Math.max(0, size - Number(last)), end: size - 1 }
      : { start: Number(first), end: last === '' ? size - 1 : Math.min(Number(last), size - 1) };
  if (range.start >= size || range.end < range.start) {
    throw new S3Error('InvalidRange', 'The requested range is not satisfiable', 416, {
      RangeRequested: header ?? '',
      ActualObjectSize: String(size),
    });
  }
  return range;
}

/** Query parameters an object request may carry without asking for a sub-resource. */
const IGNORED_PARAMS = new Set(['x-id']);

/** What ListObjectsV2 honours; `delimiter` (common prefixes) and the owner/attribute options are not emulated. */
const LIST_PARAMS = new Set([
  'list-type',
  'prefix',
  'max-keys',
  'continuation-token',
  'start-after',
  'encoding-type',
  'x-id',
]);

function listObjectsV2(bucket: Bucket, query: URLSearchParams): string {
  for (const name of query.keys()) {
    if (!LIST_PARAMS.has(name)) throw NOT_IMPLEMENTED(`ListObjectsV2 parameter ${name}`);
  }
  const prefix = query.get('prefix') ?? '';
  const maxKeys = Math.min(1000, Math.max(0, Number(query.get('max-keys') ?? 1000) || 0));
  const token = query.get('continuation-token');
  const after = token ? Buffer.from(token, 'base64url').toString('utf8') : (query.get('start-after') ?? '');
  const encode = query.get('encoding-type') === 'url' ? encodeURIComponent : (s: string) => s;
  // S3 orders keys by their UTF-8 bytes.
  const keys = [...bucket.objects.keys()]
    .filter((k) => k.startsWith(prefix) && Buffer.compare(Buffer.from(k), Buffer.from(after)) > 0)
    .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  const page = keys.slice(0, maxKeys);
  const truncated = keys.length > page.length;
  const last = page.at(-1);
  const contents = page
    .map((k) => bucket.objects.get(k) as StoredObject)
    .map(
      (o) =>
        `<Contents>${xmlElements({ Key: encode(o.key), LastModified: o.lastModified, ETag: o.etag, Size: o.size, StorageClass: 'STANDARD' })}</Contents>`,
    )
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${xmlElements(
    {
      Name: bucket.name,
      Prefix: encode(prefix),
      KeyCount: page.length,
      MaxKeys: maxKeys,
      IsTruncated: truncated,
      ContinuationToken: token ?? undefined,
      NextContinuationToken: truncated && last ? Buffer.from(last).toString('base64url') : undefined,
      StartAfter: query.get('start-after') ?? undefined,
      EncodingType: query.get('encoding-type') ?? undefined,
    },
  )}${contents}</ListBucketResult>`;
}

function objectHeaders(stored: StoredObject): Record<string, string> {
  return {
    'content-type': stored.contentType,
    etag: stored.etag,
    'last-modified': new Date(stored.lastModified).toUTCString(),
    'accept-ranges': 'bytes',
    ...stored.metadata,
  };
}

async function handle(
  buckets: Map<string, Bucket>,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const [, rawBucket = '', ...rest] = url.pathname.split('/');
  let bucketName: string;
  let key: string;
  try {
    bucketName = decodeURIComponent(rawBucket);
    key = decodeURIComponent(rest.join('/'));
  } catch {
    throw new S3Error('InvalidURI', "Couldn't parse the specified URI.", 400);
  }
  const bucket = buckets.get(bucketName);
  if (!bucketName) throw NOT_IMPLEMENTED('ListBuckets');
  if (!bucket)
    throw new S3Error('NoSuchBucket', 'The specified bucket does not exist', 404, { BucketName: bucketName });
  const method = req.method ?? 'GET';

  if (rest.length === 0 || key === '') {
    if (method === 'GET' && url.searchParams.get('list-type') === '2') {
      const body = listObjectsV2(bucket, url.searchParams);
      res.writeHead(200, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
      res.end(body);
      return;
    }
    if (method === 'HEAD' && [...url.searchParams.keys()].length === 0) {
      res.writeHead(200).end();
      return;
    }
    throw NOT_IMPLEMENTED(`${method} on a bucket${url.search ? ` with ${url.search}` : ''}`);
  }

  for (const name of url.searchParams.keys()) {
    if (!IGNORED_PARAMS.has(name))
      throw NOT_IMPLEMENTED(`${method} with the ${name} sub-resource or parameter`);
  }
  switch (method) {
    case 'PUT': {
      if (req.headers['x-amz-copy-source']) throw NOT_IMPLEMENTED('CopyObject');
      const contentSha = String(req.headers['x-amz-content-sha256'] ?? '');
      if (req.headers['content-encoding']?.includes('aws-chunked') || contentSha.startsWith('STREAMING-'))
        throw NOT_IMPLEMENTED('An aws-chunked upload');
      const stored = await bucket.put(key, req);
      res.writeHead(200, { etag: stored.etag, 'content-length': 0 }).end();
      return;
    }
    case 'GET':
    case 'HEAD': {
      const stored = bucket.objects.get(key);
      if (!stored) throw new S3Error('NoSuchKey', 'The specified key does not exist.', 404, { Key: key });
      const range = parseRange(req.headers.range, stored.size);
      const headers = objectHeaders(stored);
      if (range) {
        res.writeHead(206, {
          ...headers,
          'content-length': range.end - range.start + 1,
          'content-range': `bytes ${range.start}-${range.end}/${stored.size}`,
        });
      } else {
        res.writeHead(200, { ...headers, 'content-length': stored.size });
      }
      if (method === 'HEAD' || stored.size === 0) {
        res.end();
        return;
      }
      await pipeline(createReadStream(bucket.dataPath(stored), range ?? {}), res).catch((error: unknown) => {
        // The reader stopped early (it found what it needed, or gave up): S3 does not mind either.
        if ((error as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') throw error;
      });
      return;
    }
    case 'DELETE':
      await bucket.delete(key);
      res.writeHead(204).end();
      return;
    default:
      throw NOT_IMPLEMENTED(`${method} on an object`);
  }
}

function sendError(req: IncomingMessage, res: ServerResponse, error: S3Error): void {
  const requestId = randomUUID();
  const resource = new URL(req.url ?? '/', 'http://localhost').pathname;
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error>${xmlElements({
    Code: error.code,
    Message: error.message,
    ...error.extra,
    Resource: resource,
    RequestId: requestId,
  })}</Error>`;
  res.writeHead(error.status, {
    'x-amz-request-id': requestId,
    // HEAD answers carry no body, as in S3.
    ...(req.method === 'HEAD'
      ? {}
      : { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) }),
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

export interface S3EndpointOptions {
  readonly buckets: readonly S3BucketConfig[];
  readonly log: Logger;
  /** Where objects live across restarts (`.local/s3` with `--persist`); default a temp dir removed on close. */
  readonly dir?: string;
  readonly port?: number;
}

export interface S3Endpoint {
  readonly url: string;
  readonly port: number;
  /** The directory holding the objects. */
  readonly dir: string;
  close(): Promise<void>;
}

/** Starts the S3 endpoint on 127.0.0.1 for `buckets`. */
export async function startS3Endpoint(options: S3EndpointOptions): Promise<S3Endpoint> {
  const temporary = options.dir === undefined;
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'payments-s3-')));
  const buckets = new Map<string, Bucket>();
  for (const config of options.buckets) {
    const bucket = new Bucket(config.name, join(dir, config.name));
    await bucket.load();
    buckets.set(config.name, bucket);
  }
  const server = createServer((req, res) => {
    handle(buckets, req, res).catch((error: unknown) => {
      if (!(error instanceof S3Error)) {
        options.log.error(`S3 ${req.method} ${req.url}: ${(error as Error).stack ?? String(error)}`);
      }
      // Drain what the client still sends (an aborted upload), so it reads the answer.
      req.resume();
      if (res.headersSent) {
        res.destroy();
        return;
      }
      sendError(
        req,
        res,
        error instanceof S3Error
          ? error
          : new S3Error('InternalError', 'We encountered an internal error. Please try again.', 500),
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    dir,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      if (temporary) await rm(dir, { recursive: true, force: true });
    },
  };
}
