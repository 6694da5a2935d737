/**
 * A PNG's pixel data, proven whole in JavaScript: the cheap way to check the common upload (a plain,
 * non-interlaced, non-palette PNG) without setting up a libvips decode for it. It never refuses a file itself:
 * it says `complete` only where every row is certain to decode, and `unsure` for anything else, which then goes to
 * sharp's full decode and its verdict. So it can make validation cheaper, never looser or stricter.
 */
import { promisify } from 'node:util';
import { crc32, inflate, inflateSync, type ZlibOptions } from 'node:zlib';
import { PNG_SIGNATURE_BYTES, readPngHeader } from '../ocr/input/image-header.js';

export type PngPixelData = 'complete' | 'unsure';

/** Length, type and checksum around each chunk's data. */
const CHUNK_OVERHEAD = 12;
/** The critical chunks a decoder must understand; any other critical chunk is one we leave to libpng. */
const KNOWN_CRITICAL = new Set(['IHDR', 'PLTE', 'IDAT', 'IEND']);
/** Samples per pixel of each colour type but palette (3), which needs its indexes checked against PLTE. */
const SAMPLES_PER_PIXEL: Record<number, number> = { 0: 1, 2: 3, 4: 2, 6: 4 };
/** The largest filter type a row may name (None, Sub, Up, Average, Paeth). */
const LAST_FILTER_TYPE = 4;
/**
 * Rows inflated at most, enough for a gray page scanned at 300 dpi: the rows are held whole while they are checked,
 * so a larger image is left to sharp, whose decode streams.
 */
const MAX_CHECKED_ROW_BYTES = 16 * 1024 * 1024;

/** zlib's inflate in libuv's thread pool: the main thread stays free for other requests meanwhile. */
const inflateInPool = promisify(inflate);
/**
 * Rows up to this size are inflated on the main thread: so small an inflate takes less time than handing it to the
 * pool and back, and when uploads arrive as fast as the broker takes them the CPU, not the wait, is what runs out.
 */
const MAX_INLINE_ROW_BYTES = 256 * 1024;
const inflateInline = async (compressed: Buffer, options: ZlibOptions) => inflateSync(compressed, options);

/** Four letters, the third upper case: libpng refuses a chunk with that reserved bit set. */
const isChunkType = (type: string) => /^[A-Za-z]{2}[A-Z][A-Za-z]$/.test(type);
const isCritical = (type: string) => type.charCodeAt(0) < 0x61;

/**
 * For bytes found to be a PNG: `complete` when the file is made of whole chunks with right checksums, IHDR first and
 * IEND last, with one run of IDAT chunks whose zlib stream inflates (its own Adler-32 checked by zlib) to exactly the
 * rows the header announces, each starting with a valid filter type.
 */
export async function checkPngPixelData(bytes: Buffer): Promise<PngPixelData> {
  const header = readPngHeader(bytes);
  const samples = header && SAMPLES_PER_PIXEL[header.colourType];
  if (!header || samples === undefined || header.interlaced) return 'unsure';
  // Decided from the header alone, before any checksum: a large image goes to sharp without a pass over its bytes.
  const rowBytes = 1 + Math.ceil((header.width * samples * header.bitDepth) / 8);
  const expected = rowBytes * header.height;
  if (expected > MAX_CHECKED_ROW_BYTES) return 'unsure';

  const idat: Buffer[] = [];
  let idatEnded = false;
  let position = PNG_SIGNATURE_BYTES;
  for (;;) {
    if (position + CHUNK_OVERHEAD > bytes.length) return 'unsure';
    const length = bytes.readUInt32BE(position);
    const end = position + CHUNK_OVERHEAD + length;
    if (length > 0x7fffffff || end > bytes.length) return 'unsure';
    const type = bytes.toString('latin1', position + 4, position + 8);
    if (!isChunkType(type) || crc32(bytes.subarray(position + 4, end - 4)) !== bytes.readUInt32BE(end - 4)) return 'unsure';
    if (isCritical(type) && !KNOWN_CRITICAL.has(type)) return 'unsure';
    if ((type === 'IHDR') !== (position === PNG_SIGNATURE_BYTES)) return 'unsure';
    if (type === 'IDAT') {
      if (idatEnded) return 'unsure';
      idat.push(bytes.subarray(position + 8, end - 4));
    } else if (idat.length > 0) {
      idatEnded = true;
    }
    position = end;
    if (type === 'IEND') break;
  }
  if (position !== bytes.length || idat.length === 0) return 'unsure';

  let rows: Buffer;
  try {
    // One byte over the rows bounds the work (a stream that inflates to more is not one we call complete), and an
    // output chunk that size takes the rows in one piece instead of zlib's small default pieces joined after.
    const inflateRows = expected <= MAX_INLINE_ROW_BYTES ? inflateInline : inflateInPool;
    rows = await inflateRows(idat.length === 1 ? idat[0]! : Buffer.concat(idat), {
      maxOutputLength: expected + 1,
      chunkSize: Math.max(expected + 1, 64),
    });
  } catch {
    return 'unsure';
  }
  if (rows.length !== expected) return 'unsure';
  for (let row = 0; row < expected; row += rowBytes) if (rows[row]! > LAST_FILTER_TYPE) return 'unsure';
  return 'complete';
}
