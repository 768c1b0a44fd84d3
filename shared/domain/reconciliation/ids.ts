/**
 * A column of ids held in one byte array, with its own hash index. A million ids as JS strings in a
 * `Map` measured ~300 MB of heap (string objects, map entries) and made every major GC walk them; here
 * they cost their UTF-8 bytes plus ~16 bytes each, in a handful of typed arrays the GC never looks into.
 *
 * Each id is stored under a one-byte tag (reconciliation tags the type), so one column serves payments
 * and refunds: the same id under two tags is two keys.
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const EMPTY = 0;

/** FNV-1a over the tag and the id's UTF-16 code units: lookups hash the row's string as it is. */
function hashOf(tag: number, id: string): number {
  let h = Math.imul(0x811c9dc5 ^ tag, 0x01000193);
  for (let i = 0; i < id.length; i += 1) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return h | 0;
}

function grown<T extends Uint8Array | Int32Array>(array: T, needed: number): T {
  if (needed <= array.length) return array;
  let size = array.length * 2;
  while (size < needed) size *= 2;
  const copy = new (array.constructor as new (n: number) => T)(size);
  copy.set(array);
  return copy;
}

export class IdColumn {
  private bytes = new Uint8Array(1 << 16);
  private used = 0;
  /** `ends[at]`: where entry `at` ends in `bytes`; it starts where the previous one ends. */
  private ends = new Int32Array(1 << 10);
  private hashes = new Int32Array(1 << 10);
  /** Open addressing, linear probing; a slot holds position + 1, 0 when free. Kept at most half full. */
  private slots = new Int32Array(0);
  private indexed = 0;
  size = 0;

  /** Appends `id` under `tag` (1-255) at position `size`; `null` is stored as no id, never found. */
  push(tag: number, id: string | null): void {
    const at = this.size;
    this.ends = grown(this.ends, at + 1);
    this.hashes = grown(this.hashes, at + 1);
    if (id === null) {
      this.bytes = grown(this.bytes, this.used + 1);
      this.bytes[this.used++] = EMPTY;
    } else {
      // A UTF-16 code unit is at most 3 bytes of UTF-8.
      this.bytes = grown(this.bytes, this.used + 1 + id.length * 3);
      this.bytes[this.used++] = tag;
      this.used += encoder.encodeInto(id, this.bytes.subarray(this.used)).written;
      this.hashes[at] = hashOf(tag, id);
    }
    this.ends[at] = this.used;
    this.size = at + 1;
  }

  /** The id at `at`, or `null`. */
  get(at: number): string | null {
    const start = at === 0 ? 0 : (this.ends[at - 1] as number);
    if (this.bytes[start] === EMPTY) return null;
    return decoder.decode(this.bytes.subarray(start + 1, this.ends[at]));
  }

  /** Makes the entries not yet indexed findable; of two equal keys, the one indexed first is found. */
  index(): void {
    if (this.slots.length < (this.size + 1) * 2) this.rehash();
    for (let at = this.indexed; at < this.size; at += 1) {
      const start = at === 0 ? 0 : (this.ends[at - 1] as number);
      if (this.bytes[start] !== EMPTY && this.probe(this.hashes[at] as number, at) === -1) {
        this.slots[this.free(this.hashes[at] as number)] = at + 1;
      }
    }
    this.indexed = this.size;
  }

  /** Position of `id` under `tag` among the indexed entries, or -1. */
  find(tag: number, id: string): number {
    return this.slots.length === 0 ? -1 : this.probe(hashOf(tag, id), -1, tag, id);
  }

  /** Looks `hash` up; compares with entry `other` when given, else with `tag` + `id`. */
  private probe(hash: number, other: number, tag = 0, id = ''): number {
    const mask = this.slots.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const at = (this.slots[slot] as number) - 1;
      if (at === -1) return -1;
      if (this.hashes[at] === hash && (other === -1 ? this.holds(at, tag, id) : this.same(at, other)))
        return at;
    }
  }

  private free(hash: number): number {
    const mask = this.slots.length - 1;
    let slot = hash & mask;
    while (this.slots[slot] !== 0) slot = (slot + 1) & mask;
    return slot;
  }

  private holds(at: number, tag: number, id: string): boolean {
    const start = at === 0 ? 0 : (this.ends[at - 1] as number);
    const end = this.ends[at] as number;
    // Equal hashes and ids imply equal tags (each FNV step is a bijection); checked anyway, for one byte.
    if (this.bytes[start] !== tag) return false;
    // ASCII ids (all of ours) compare code unit to byte, without encoding the row's id.
    if (end - start - 1 === id.length) {
      let i = 0;
      for (; i < id.length; i += 1) {
        const c = id.charCodeAt(i);
        if (c >= 0x80) break;
        if (this.bytes[start + 1 + i] !== c) return false;
      }
      if (i === id.length) return true;
    }
    const encoded = encoder.encode(id);
    if (encoded.length !== end - start - 1) return false;
    return encoded.every((b, i) => this.bytes[start + 1 + i] === b);
  }

  private same(a: number, b: number): boolean {
    const startA = a === 0 ? 0 : (this.ends[a - 1] as number);
    const startB = b === 0 ? 0 : (this.ends[b - 1] as number);
    const length = (this.ends[a] as number) - startA;
    if (length !== (this.ends[b] as number) - startB) return false;
    for (let i = 0; i < length; i += 1) if (this.bytes[startA + i] !== this.bytes[startB + i]) return false;
    return true;
  }

  private rehash(): void {
    let size = 1 << 10;
    while (size < (this.size + 1) * 2) size *= 2;
    const old = this.indexed;
    this.slots = new Int32Array(size);
    this.indexed = 0;
    // Re-insert in position order so "the one indexed first" still wins.
    for (let at = 0; at < old; at += 1) {
      const start = at === 0 ? 0 : (this.ends[at - 1] as number);
      if (this.bytes[start] !== EMPTY && this.probe(this.hashes[at] as number, at) === -1) {
        this.slots[this.free(this.hashes[at] as number)] = at + 1;
      }
    }
    this.indexed = old;
  }
}
