/**
 * Bodies are text only if their bytes are valid UTF-8. Decoding with replacement (`Buffer#toString`)
 * would store a client's broken bytes as U+FFFD, something the client never sent; these helpers refuse
 * instead, and say where the bad bytes are: the JSON path of the string holding them, or the CSV line.
 * API Gateway hands a body that is not valid UTF-8 to Lambda base64-encoded (and so does the local
 * runtime, local/src/http-event.ts), so the check always sees the client's bytes.
 */
import { ValidationError } from './errors.js';

const fatal = new TextDecoder('utf-8', { fatal: true });

/** `bytes` as text, or `undefined` when they are not valid UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return fatal.decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * Offset of the first byte that starts an invalid UTF-8 sequence (overlong forms, surrogates and code
 * points above U+10FFFF included, as the WHATWG decoder rejects them), or -1. Only called once the fast
 * `TextDecoder` check has failed, to say where.
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] as number;
    if (b < 0x80) {
      i += 1;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b === 0xe0) [need, lo] = [2, 0xa0];
    else if (b === 0xed) [need, hi] = [2, 0x9f];
    else if (b >= 0xe1 && b <= 0xef) need = 2;
    else if (b === 0xf0) [need, lo] = [3, 0x90];
    else if (b === 0xf4) [need, hi] = [3, 0x8f];
    else if (b >= 0xf1 && b <= 0xf3) need = 3;
    else return i;
    for (let k = 1; k <= need; k += 1) {
      const c = bytes[i + k];
      if (c === undefined || c < lo || c > hi) return i;
      [lo, hi] = [0x80, 0xbf];
    }
    i += need + 1;
  }
  return -1;
}

const MARK = '\u2060invalid-utf8\u2060';
const UTF8_MESSAGE = 'is not valid UTF-8';

/**
 * Where in a JSON body its first invalid bytes are: the dotted path of the string (or key) holding
 * them, or `body` when they are outside any string (or the body would not parse anyway).
 */
export function invalidUtf8JsonPath(bytes: Uint8Array, offset: number): string {
  const lenient = new TextDecoder('utf-8');
  const text = `${lenient.decode(bytes.subarray(0, offset))}${MARK}${lenient.decode(bytes.subarray(offset + 1))}`;
  if (text.split(MARK).length !== 2) return 'body';
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'body';
  }
  return pathOfMark(value, []) ?? 'body';
}

function pathOfMark(value: unknown, path: readonly (string | number)[]): string | undefined {
  if (typeof value === 'string') return value.includes(MARK) ? dotted(path) : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  const entries: [string | number, unknown][] = Array.isArray(value)
    ? value.map((v, i) => [i, v])
    : Object.entries(value);
  for (const [key, child] of entries) {
    // A key holding the bad bytes is named with them replaced, so the client can still tell which.
    if (typeof key === 'string' && key.includes(MARK)) return dotted([...path, key.replace(MARK, '\uFFFD')]);
    const found = pathOfMark(child, [...path, key]);
    if (found !== undefined) return found;
  }
  return undefined;
}

function dotted(path: readonly (string | number)[]): string {
  if (path.length === 0) return 'body';
  return path
    .map((p) => (typeof p === 'number' ? `[${p}]` : p))
    .join('.')
    .replace(/\.\[/g, '[');
}

/** JSON body text. @throws ValidationError (400) naming where the bytes are not valid UTF-8. */
export function jsonText(bytes: Uint8Array): string {
  const text = decodeUtf8(bytes);
  if (text !== undefined) return text;
  const path = invalidUtf8JsonPath(bytes, firstInvalidUtf8(bytes));
  throw new ValidationError('The body is not valid UTF-8.', [{ path, message: UTF8_MESSAGE }]);
}

/** Text of a line-oriented body (CSV). @throws ValidationError (400) naming the first bad line. */
export function lineText(bytes: Uint8Array): string {
  const text = decodeUtf8(bytes);
  if (text !== undefined) return text;
  const offset = firstInvalidUtf8(bytes);
  let line = 1;
  for (let i = 0; i < offset; i += 1) if (bytes[i] === 0x0a) line += 1;
  throw new ValidationError('The body is not valid UTF-8.', [
    { path: `line ${line}`, message: UTF8_MESSAGE },
  ]);
}
