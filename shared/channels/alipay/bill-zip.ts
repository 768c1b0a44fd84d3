/**
 * Alipay serves its trade bill as a `csv.zip` holding two GBK CSV files: the detail (业务明细, with its
 * own summary lines at the end, what the native reader reads) and a separate summary (业务明细(汇总)).
 * This takes the detail out of the zip. A zip is read from its central directory, at its end, so the
 * download is held whole (compressed: a bill of a million rows is some tens of MB) and only the
 * detail's inflation streams. A download that is not a zip (the local simulator's plain CSV) passes
 * through as it is. Hand-written rather than a zip library: two record layouts and node:zlib's raw
 * inflate are all a bill needs, and a function's bundle stays small (protocol.ts).
 */
import { createInflateRaw } from 'node:zlib';
import { StatementFetchError } from '../errors.js';

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_DIRECTORY = 0x06054b50;
/** Refused beyond this: far above any day's bill, well within a function's memory. */
const MAX_ZIP_BYTES = 512 * 1024 * 1024;

interface Entry {
  readonly name: string;
  readonly method: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly localOffset: number;
}

/** The central directory's entries. Zip names are UTF-8 when flag bit 11 says so, else (Alipay) GBK. */
function entriesOf(zip: Buffer): Entry[] {
  // The end record is 22 bytes plus a comment of at most 65,535.
  const floor = Math.max(0, zip.length - 22 - 0xffff);
  let end = -1;
  for (let i = zip.length - 22; i >= floor; i--)
    if (zip.readUInt32LE(i) === END_OF_DIRECTORY) {
      end = i;
      break;
    }
  if (end < 0) throw new Error('no end of central directory');
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const entries: Entry[] = [];
  for (let k = 0; k < count; k++) {
    if (zip.readUInt32LE(at) !== CENTRAL_HEADER) throw new Error('broken central directory');
    const flags = zip.readUInt16LE(at + 8);
    const nameLength = zip.readUInt16LE(at + 28);
    const rawName = zip.subarray(at + 46, at + 46 + nameLength);
    entries.push({
      name: new TextDecoder(flags & 0x800 ? 'utf-8' : 'gbk').decode(rawName),
      method: zip.readUInt16LE(at + 10),
      compressedSize: zip.readUInt32LE(at + 20),
      size: zip.readUInt32LE(at + 24),
      localOffset: zip.readUInt32LE(at + 42),
    });
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return entries;
}

/** The detail file: a CSV that is not the summary (汇总); the largest if several. */
function detailOf(entries: readonly Entry[]): Entry | undefined {
  return entries
    .filter((e) => /\.csv$/i.test(e.name) && !e.name.includes('汇总'))
    .sort((a, b) => b.size - a.size)[0];
}

async function* inflate(zip: Buffer, entry: Entry): AsyncGenerator<Uint8Array> {
  if (zip.readUInt32LE(entry.localOffset) !== LOCAL_HEADER) throw new Error('broken local header');
  const start =
    entry.localOffset +
    30 +
    zip.readUInt16LE(entry.localOffset + 26) +
    zip.readUInt16LE(entry.localOffset + 28);
  const data = zip.subarray(start, start + entry.compressedSize);
  if (entry.method === 0) {
    yield data;
    return;
  }
  if (entry.method !== 8) throw new Error(`compression method ${entry.method}`);
  const inflater = createInflateRaw();
  inflater.end(data);
  yield* inflater as AsyncIterable<Buffer>;
}

const isZip = (chunk: Uint8Array) =>
  chunk.length >= 4 && chunk[0] === 0x50 && chunk[1] === 0x4b && chunk[2] === 3 && chunk[3] === 4;

/**
 * The bill's CSV bytes out of what the download yields: the detail file of a zip, or the bytes as
 * they came when they are no zip.
 * @throws StatementFetchError for a zip that cannot be read or holds no detail file
 */
export async function* alipayBillCsv(
  download: AsyncIterable<Uint8Array>,
  date: string,
): AsyncGenerator<Uint8Array> {
  const held: Uint8Array[] = [];
  let size = 0;
  let zipped: boolean | undefined;
  for await (const chunk of download) {
    if (zipped === undefined && chunk.length > 0) zipped = isZip(chunk);
    if (zipped === false) {
      yield chunk;
      continue;
    }
    size += chunk.length;
    if (size > MAX_ZIP_BYTES)
      throw new StatementFetchError(
        'alipay',
        date,
        200,
        `the bill's zip exceeds ${MAX_ZIP_BYTES} bytes`,
        false,
      );
    held.push(chunk);
  }
  if (!zipped) return;
  const zip = Buffer.concat(held);
  let entry: Entry | undefined;
  try {
    entry = detailOf(entriesOf(zip));
  } catch (cause) {
    throw new StatementFetchError(
      'alipay',
      date,
      200,
      `the bill's zip is unreadable: ${String(cause)}`,
      true,
      {
        cause,
      },
    );
  }
  if (!entry) throw new StatementFetchError('alipay', date, 200, "the bill's zip holds no detail CSV", false);
  try {
    yield* inflate(zip, entry);
  } catch (cause) {
    if (cause instanceof StatementFetchError) throw cause;
    throw new StatementFetchError(
      'alipay',
      date,
      200,
      `the bill's detail does not inflate: ${String(cause)}`,
      true,
      {
        cause,
      },
    );
  }
}
