/**
 * A minimal S3 object client (put, get as a stream, head, delete) over `fetch` and SigV4.
 *
 * Why hand-written: `@aws-sdk/client-s3` alone bundles to about 430 KB minified (esbuild, the settings of
 * `PaymentsFunction`), over the 300 KB budget of a whole function. These four operations signed with
 * `@smithy/signature-v4` (already inside every SDK client we bundle) and the SDK's own SHA-256 bundle to
 * 22.3 KB minified on their own, and add 3.8 KB to a function that already bundles an SDK client (measured
 * with esbuild, minified ESM for node22: SQS client 182.0 KB, SQS client + this module 185.8 KB).
 *
 * The endpoint follows the SDK's convention: `AWS_ENDPOINT_URL_S3` (else `AWS_ENDPOINT_URL`) gives a
 * path-style endpoint (`<endpoint>/<bucket>/<key>`), which is how the local runtime points functions at
 * its S3; otherwise requests go to the bucket's virtual-hosted regional endpoint. Credentials come from the
 * environment, as Lambda provides them.
 */

import { createHash } from 'node:crypto';
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import { CodedError } from '../domain/errors.js';
import { defaultProvider } from './env-credentials.js';

/** As for the SDK clients (see dynamodb.ts): enough for a 503 SlowDown or a dropped connection. */
const DEFAULT_MAX_ATTEMPTS = 3;
/**
 * Bodies up to this size are signed with their SHA-256 (S3 then verifies them); larger ones are sent as
 * `UNSIGNED-PAYLOAD`, which S3 accepts over HTTPS (TLS protects them), so a 100 MB statement is not
 * hashed twice.
 */
export const SIGNED_PAYLOAD_MAX_BYTES = 1024 * 1024;
const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export interface S3Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface S3ObjectsConfig {
  /** Path-style endpoint; default `AWS_ENDPOINT_URL_S3`, then `AWS_ENDPOINT_URL`, else AWS's. */
  readonly endpoint?: string;
  /** Default `AWS_REGION`, then `us-east-1`. */
  readonly region?: string;
  /** Default: read from the environment at each request. */
  readonly credentials?: () => Promise<S3Credentials> | S3Credentials;
  readonly maxAttempts?: number;
  /** Injectable for tests. */
  readonly fetch?: typeof fetch;
}

export interface S3ObjectHead {
  readonly size: number;
  readonly lastModified: Date;
  readonly contentType?: string;
  readonly etag?: string;
}

/** An S3 error response, with the S3 error code (`NoSuchBucket`, `AccessDenied`, `SlowDown`, …). */
export class S3ObjectError extends CodedError {
  override readonly name = 'S3ObjectError';
  constructor(
    /** S3's `<Code>`; for a body-less answer (HEAD) `Http<status>`; `NetworkError` when none came back. */
    code: string,
    message: string,
    /** HTTP status, 0 for a network error. */
    readonly status: number,
    readonly bucket: string,
    readonly key: string,
    options?: ErrorOptions,
  ) {
    super(code, message, options);
  }
}

export interface S3Objects {
  /** Stores `body` under `key`; returns the object's ETag. */
  putObject(
    bucket: string,
    key: string,
    body: string | Uint8Array,
    contentType: string,
  ): Promise<{ etag?: string }>;
  /**
   * The object's body as a stream of chunks, or `undefined` when the key does not exist. Read it to the
   * end (or break out of the loop, which cancels it) so the connection is released. A missing key
   * answers 403 rather than 404 unless the role may `s3:ListBucket` (CDK's `grantRead` includes it).
   */
  getObject(bucket: string, key: string): Promise<AsyncIterable<Uint8Array> | undefined>;
  /** Size and last modification of the object, or `undefined` when the key does not exist. */
  headObject(bucket: string, key: string): Promise<S3ObjectHead | undefined>;
  /** Deletes the object; deleting a missing key succeeds, as in S3. */
  deleteObject(bucket: string, key: string): Promise<void>;
}

/**
 * RFC 3986 encoding of each path segment (S3's canonical URI keeps `/` and encodes `!'()*`). A key with a
 * `.` or `..` segment, or an empty key, cannot be sent: URL parsers (fetch's included, even for `%2E`)
 * resolve dot segments away, so such a key would silently name another object.
 */
function encodeKey(key: string): string {
  const segments = key.split('/');
  if (key === '' || segments.some((s) => s === '.' || s === '..')) {
    throw new RangeError(`S3 key ${JSON.stringify(key)} is empty or has a "." or ".." segment`);
  }
  return segments
    .map((segment) =>
      encodeURIComponent(segment).replace(
        /[!'()*]/g,
        (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
      ),
    )
    .join('/');
}

/**
 * The URL of an object: path-style under `endpoint` when one is given (and for bucket names with dots,
 * which break the TLS wildcard certificate), else virtual-hosted on the regional endpoint. Throws a
 * `RangeError` for a key no URL can carry (see `encodeKey`).
 */
export function objectUrl(bucket: string, key: string, options: { endpoint?: string; region: string }): URL {
  const path = encodeKey(key);
  if (options.endpoint) return new URL(`${options.endpoint.replace(/\/+$/, '')}/${bucket}/${path}`);
  if (bucket.includes('.')) return new URL(`https://s3.${options.region}.amazonaws.com/${bucket}/${path}`);
  return new URL(`https://${bucket}.s3.${options.region}.amazonaws.com/${path}`);
}

function payloadHash(body: Uint8Array | undefined): string {
  if (!body || body.byteLength === 0) return EMPTY_SHA256;
  if (body.byteLength > SIGNED_PAYLOAD_MAX_BYTES) return UNSIGNED_PAYLOAD;
  return createHash('sha256').update(body).digest('hex');
}

const RETRYABLE_STATUS = new Set([500, 502, 503, 504]);

async function backoff(attempt: number): Promise<void> {
  // Full jitter on 50 ms × 2^attempt, as the SDK's standard retry strategy does.
  await new Promise((resolve) => setTimeout(resolve, Math.random() * 50 * 2 ** attempt));
}

async function errorFrom(response: Response, bucket: string, key: string, method: string) {
  const text = method === 'HEAD' ? '' : await response.text().catch(() => '');
  const code = /<Code>([^<]*)<\/Code>/.exec(text)?.[1] ?? `Http${response.status}`;
  const message = /<Message>([^<]*)<\/Message>/.exec(text)?.[1] ?? response.statusText;
  return new S3ObjectError(
    code,
    `S3 ${method} s3://${bucket}/${key}: ${code}${message ? ` (${message})` : ''}`,
    response.status,
    bucket,
    key,
  );
}

/** Builds a client; the endpoint and region are read from the environment now, credentials per request. */
export function createS3Objects(config: S3ObjectsConfig = {}): S3Objects {
  const region = config.region ?? process.env.AWS_REGION ?? 'us-east-1';
  const endpoint = config.endpoint ?? (process.env.AWS_ENDPOINT_URL_S3 || process.env.AWS_ENDPOINT_URL);
  const maxAttempts = config.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const doFetch = config.fetch ?? fetch;
  const given = config.credentials;
  const signer = new SignatureV4({
    service: 's3',
    region,
    credentials: given ? async () => given() : defaultProvider(),
    sha256: Sha256,
    // S3 signs the path as sent (already encoded once), unlike every other service.
    uriEscapePath: false,
  });

  /** Sends a signed request, retrying 5xx answers and network errors; every operation here is idempotent. */
  async function send(
    method: 'PUT' | 'GET' | 'HEAD' | 'DELETE',
    bucket: string,
    key: string,
    headers: Record<string, string> = {},
    body?: Uint8Array,
  ): Promise<Response> {
    const url = objectUrl(bucket, key, endpoint ? { endpoint, region } : { region });
    const contentSha256 = payloadHash(body);
    for (let attempt = 1; ; attempt++) {
      const signed = await signer.sign({
        method,
        protocol: url.protocol,
        hostname: url.hostname,
        ...(url.port ? { port: Number(url.port) } : {}),
        path: url.pathname,
        query: {},
        headers: { ...headers, host: url.host, 'x-amz-content-sha256': contentSha256 },
      });
      // fetch derives `host` from the URL itself (the same value that was signed).
      const { host: _host, ...sent } = signed.headers;
      let response: Response;
      try {
        response = await doFetch(url, { method, headers: sent, ...(body ? { body } : {}) });
      } catch (error) {
        if (attempt < maxAttempts) {
          await backoff(attempt);
          continue;
        }
        throw new S3ObjectError(
          'NetworkError',
          `S3 ${method} s3://${bucket}/${key}: ${(error as Error).message}`,
          0,
          bucket,
          key,
          { cause: error },
        );
      }
      if (RETRYABLE_STATUS.has(response.status) && attempt < maxAttempts) {
        await response.body?.cancel().catch(() => undefined);
        await backoff(attempt);
        continue;
      }
      return response;
    }
  }

  return {
    async putObject(bucket, key, body, contentType) {
      const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
      const response = await send('PUT', bucket, key, { 'content-type': contentType }, bytes);
      if (!response.ok) throw await errorFrom(response, bucket, key, 'PUT');
      await response.body?.cancel().catch(() => undefined);
      const etag = response.headers.get('etag');
      return etag ? { etag } : {};
    },

    async getObject(bucket, key) {
      const response = await send('GET', bucket, key);
      if (response.status === 404) {
        const error = await errorFrom(response, bucket, key, 'GET');
        if (error.code === 'NoSuchKey') return undefined;
        throw error;
      }
      if (!response.ok) throw await errorFrom(response, bucket, key, 'GET');
      // A web ReadableStream is async-iterable in Node; leaving the loop early cancels it.
      return response.body ?? (async function* () {})();
    },

    async headObject(bucket, key) {
      const response = await send('HEAD', bucket, key);
      if (response.status === 404) return undefined;
      if (!response.ok) throw await errorFrom(response, bucket, key, 'HEAD');
      const contentType = response.headers.get('content-type');
      const etag = response.headers.get('etag');
      return {
        size: Number(response.headers.get('content-length') ?? 0),
        lastModified: new Date(response.headers.get('last-modified') ?? 0),
        ...(contentType ? { contentType } : {}),
        ...(etag ? { etag } : {}),
      };
    },

    async deleteObject(bucket, key) {
      const response = await send('DELETE', bucket, key);
      if (!response.ok) throw await errorFrom(response, bucket, key, 'DELETE');
      await response.body?.cancel().catch(() => undefined);
    },
  };
}

let shared: S3Objects | undefined;

/** The process-wide client, created on first use. */
export function s3Objects(): S3Objects {
  shared ??= createS3Objects();
  return shared;
}

/** Replaces the process-wide client (tests inject one bound to a local endpoint or a fake). */
export function setS3Objects(client: S3Objects | undefined): void {
  shared = client;
}

/** `s3Objects().putObject(…)`. */
export function putObject(
  bucket: string,
  key: string,
  body: string | Uint8Array,
  contentType: string,
): Promise<{ etag?: string }> {
  return s3Objects().putObject(bucket, key, body, contentType);
}

/** `s3Objects().getObject(…)`: the body as a stream, `undefined` for a missing key. */
export function getObject(bucket: string, key: string): Promise<AsyncIterable<Uint8Array> | undefined> {
  return s3Objects().getObject(bucket, key);
}

/** `s3Objects().headObject(…)`: size and last modification, `undefined` for a missing key. */
export function headObject(bucket: string, key: string): Promise<S3ObjectHead | undefined> {
  return s3Objects().headObject(bucket, key);
}

/** `s3Objects().deleteObject(…)`. */
export function deleteObject(bucket: string, key: string): Promise<void> {
  return s3Objects().deleteObject(bucket, key);
}
