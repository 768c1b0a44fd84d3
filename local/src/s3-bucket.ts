/**
 * One bucket's objects on disk, for the local S3 endpoint (s3.ts): `<dir>/<bucket>/data/<uuid>` holds a
 * version's bytes and `<dir>/<bucket>/keys/<sha256(key)>.json` its key and metadata, so any key (slashes,
 * 1,024 bytes) maps to a valid file name and an overwrite never mixes two versions.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';

export interface StoredObject {
  readonly key: string;
  /** The data file's name under `data/`. */
  readonly file: string;
  readonly size: number;
  readonly etag: string;
  readonly lastModified: string;
  readonly contentType: string;
  readonly metadata: Record<string, string>;
}

export class S3Error extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly extra: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const NOT_IMPLEMENTED = (what: string) =>
  new S3Error('NotImplemented', `${what} is not implemented by the local S3 endpoint.`, 501);

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** One bucket's objects: an in-memory index over the files, loaded at start (for `--persist`). */
export class Bucket {
  readonly objects = new Map<string, StoredObject>();
  private commits: Promise<void> = Promise.resolve();
  constructor(
    readonly name: string,
    readonly dir: string,
  ) {}

  async load(): Promise<void> {
    await mkdir(join(this.dir, 'data'), { recursive: true });
    await mkdir(join(this.dir, 'keys'), { recursive: true });
    for (const file of await readdir(join(this.dir, 'keys'))) {
      if (!file.endsWith('.json')) continue;
      const stored = JSON.parse(await readFile(join(this.dir, 'keys', file), 'utf8')) as StoredObject;
      this.objects.set(stored.key, stored);
    }
  }

  dataPath(stored: StoredObject): string {
    return join(this.dir, 'data', stored.file);
  }

  /** Streams the request body to a new data file, then swaps the key over to it. */
  async put(key: string, req: IncomingMessage): Promise<StoredObject> {
    const file = randomUUID();
    const path = join(this.dir, 'data', file);
    const md5 = createHash('md5');
    const sha = createHash('sha256');
    let size = 0;
    try {
      await pipeline(
        req,
        async function* (source: AsyncIterable<Buffer>) {
          for await (const chunk of source) {
            md5.update(chunk);
            sha.update(chunk);
            size += chunk.length;
            yield chunk;
          }
        },
        createWriteStream(path),
      );
      const declared = req.headers['content-length'];
      if (declared !== undefined && Number(declared) !== size) {
        throw new S3Error(
          'IncompleteBody',
          'You did not provide the number of bytes specified by the Content-Length HTTP header.',
          400,
        );
      }
      const claimed = String(req.headers['x-amz-content-sha256'] ?? '');
      const computed = sha.digest('hex');
      if (/^[0-9a-f]{64}$/.test(claimed) && claimed !== computed) {
        throw new S3Error(
          'XAmzContentSHA256Mismatch',
          "The provided 'x-amz-content-sha256' header does not match what was computed.",
          400,
          { ClientComputedContentSHA256: claimed, S3ComputedContentSHA256: computed },
        );
      }
    } catch (error) {
      await unlink(path).catch(() => undefined);
      throw error;
    }
    const metadata: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (name.startsWith('x-amz-meta-') && typeof value === 'string') metadata[name] = value;
    }
    const stored: StoredObject = {
      key,
      file,
      size,
      etag: `"${md5.digest('hex')}"`,
      lastModified: new Date().toISOString(),
      contentType: String(req.headers['content-type'] ?? 'binary/octet-stream'),
      metadata,
    };
    await this.commit(key, stored);
    return stored;
  }

  async delete(key: string): Promise<void> {
    await this.commit(key, undefined);
  }

  /**
   * Points `key` at a new version (or at none), one commit at a time per bucket, so that the index, the
   * key file and the surviving data file agree when two writes to a key race.
   */
  private commit(key: string, stored: StoredObject | undefined): Promise<void> {
    const run = async () => {
      const keyFile = join(this.dir, 'keys', `${sha256(key)}.json`);
      const previous = this.objects.get(key);
      if (stored) {
        await writeFile(`${keyFile}.${stored.file}`, JSON.stringify(stored));
        await rename(`${keyFile}.${stored.file}`, keyFile);
        this.objects.set(key, stored);
      } else {
        if (!previous) return;
        this.objects.delete(key);
        await unlink(keyFile).catch(() => undefined);
      }
      // A reader still streaming the previous version keeps its open file (POSIX unlink semantics).
      if (previous) await unlink(this.dataPath(previous)).catch(() => undefined);
    };
    const done = this.commits.then(run);
    this.commits = done.catch(() => undefined);
    return done;
  }
}

/** A single `bytes=` range, as S3 honours it; `undefined` means "serve the whole object". */
