/**
 * Bundling alias for `@smithy/core/checksum` (infra/constructs/function-bundles.ts). The SDK clients import
 * only `Sha256` from it (SQS also `Md5`); its module also carries pure-JavaScript SHA-256, MD5 and CRC32
 * fallbacks for runtimes without `node:crypto`, blob and stream hashers, and a WebCrypto variant: about
 * 4 KB of every bundle (create-payment: 307.0 → 303.0 KB) for code Lambda's Node never runs. These are the
 * SDK's own native classes (Sha256Node, Md5Node) without the fallbacks.
 */
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';

type SourceData = string | ArrayBuffer | ArrayBufferView;

function toBuffer(data: SourceData): string | Buffer {
  if (typeof data === 'string') return data;
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}

function asBytes(buf: Buffer): Uint8Array {
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** SHA-256, or HMAC-SHA-256 when given a secret (SigV4 signing keys). */
export class Sha256 {
  readonly digestLength = 32;
  private readonly isHmac: boolean;
  private hash: Hash | Hmac;
  private finished = false;

  constructor(private readonly secret?: SourceData) {
    this.isHmac = !!secret;
    this.hash = this.create();
  }

  update(data: SourceData): void {
    if (this.finished) throw new Error('Attempted to update an already finished hash.');
    this.hash.update(toBuffer(data));
  }

  async digest(): Promise<Uint8Array> {
    if (this.isHmac) {
      this.finished = true;
      return asBytes(this.hash.digest());
    }
    return asBytes((this.hash as Hash).copy().digest());
  }

  reset(): void {
    this.hash = this.create();
    this.finished = false;
  }

  private create(): Hash | Hmac {
    return this.isHmac && this.secret ? createHmac('sha256', toBuffer(this.secret)) : createHash('sha256');
  }
}

/** MD5 (SQS checks the digests of message bodies with it). */
export class Md5 {
  readonly digestLength = 16;
  private hash = createHash('md5');

  update(data: SourceData): void {
    this.hash.update(toBuffer(data));
  }

  async digest(): Promise<Uint8Array> {
    return asBytes(this.hash.copy().digest());
  }

  reset(): void {
    this.hash = createHash('md5');
  }
}
