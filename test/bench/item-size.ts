/**
 * DynamoDB item size, as AWS bills it (Developer Guide, "Item sizes and formats"): attribute names in
 * UTF-8 bytes plus each value — strings in UTF-8 bytes, numbers ~1 byte per two significant digits + 1,
 * binary in bytes, booleans and nulls 1 byte, lists and maps 3 bytes + 1 byte per element + the
 * elements. The bench needs it because DynamoDB Local reports a transaction's capacity as if its items
 * were one item (2 units for five small items, where AWS charges 2 per item per started KB).
 */

/** A DynamoDB JSON attribute value (`{ S: "…" }`, `{ N: "…" }`, `{ M: { … } }`, …). */
export type AttributeValue = Record<string, unknown>;

const utf8 = (s: string) => Buffer.byteLength(s, 'utf8');

function numberSize(n: string): number {
  const digits = n
    .replace(/^[-+]/, '')
    .replace(/[eE].*$/, '')
    .replace('.', '')
    .replace(/^0+|0+$/g, '');
  return Math.ceil(Math.max(digits.length, 1) / 2) + 1;
}

function valueSize(value: AttributeValue): number {
  const [type, v] = Object.entries(value)[0] ?? ['NULL', true];
  switch (type) {
    case 'S':
      return utf8(String(v));
    case 'N':
      return numberSize(String(v));
    case 'B':
      return typeof v === 'string' ? Buffer.from(v, 'base64').length : (v as Uint8Array).length;
    case 'BOOL':
    case 'NULL':
      return 1;
    case 'SS':
      return (v as string[]).reduce((s, x) => s + utf8(x), 0);
    case 'NS':
      return (v as string[]).reduce((s, x) => s + numberSize(x), 0);
    case 'BS':
      return (v as string[]).reduce((s, x) => s + Buffer.from(x, 'base64').length, 0);
    case 'L':
      return 3 + (v as AttributeValue[]).reduce((s, x) => s + 1 + valueSize(x), 0);
    case 'M':
      return (
        3 +
        Object.entries(v as Record<string, AttributeValue>).reduce(
          (s, [k, x]) => s + 1 + utf8(k) + valueSize(x),
          0,
        )
      );
    default:
      return 0;
  }
}

/** The billed size in bytes of an item in DynamoDB JSON. */
export function itemSize(item: Record<string, AttributeValue>): number {
  return Object.entries(item).reduce((s, [name, value]) => s + utf8(name) + valueSize(value), 0);
}

/** Write units of one item write: one per started KB, doubled inside a transaction. */
export function writeUnits(sizeBytes: number, transactional: boolean): number {
  return Math.max(1, Math.ceil(sizeBytes / 1024)) * (transactional ? 2 : 1);
}
