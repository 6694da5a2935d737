/**
 * Header readers for the two formats sharp cannot open (BMP and Netpbm), which tesseract.js reads itself.
 * They give the size the file declares and whether the bytes are long enough to hold it, so a lying or
 * truncated file is refused before it reaches a worker.
 */

export interface DeclaredImage {
  width: number;
  height: number;
  /** False when the file is shorter than the pixel data its header announces. */
  complete: boolean;
}

/** BMP compression 0 (BI_RGB) and 3 (BI_BITFIELDS) store rows uncompressed, so their length is known. */
const UNCOMPRESSED_BMP = new Set([0, 3]);

/** Reads a BMP's declared size; undefined when the header itself is cut short. */
export function readBmpHeader(bytes: Buffer): DeclaredImage | undefined {
  if (bytes.length < 26) return undefined;
  const dataOffset = bytes.readUInt32LE(10);
  const headerSize = bytes.readUInt32LE(14);
  // The 12-byte OS/2 header stores 16-bit sizes; every later header stores 32-bit ones (height negative for top-down).
  const core = headerSize === 12;
  const width = core ? bytes.readUInt16LE(18) : bytes.readInt32LE(18);
  const height = Math.abs(core ? bytes.readInt16LE(20) : bytes.readInt32LE(22));
  const bitsPerPixel = core ? bytes.readUInt16LE(24) : bytes.length >= 30 ? bytes.readUInt16LE(28) : 0;
  const compression = !core && bytes.length >= 34 ? bytes.readUInt32LE(30) : 0;
  if (width <= 0 || bitsPerPixel === 0) return { width: Math.max(width, 0), height, complete: false };
  const rowBytes = Math.ceil((width * bitsPerPixel) / 32) * 4;
  const complete = !UNCOMPRESSED_BMP.has(compression) || bytes.length >= dataOffset + rowBytes * height;
  return { width, height, complete };
}

/** Reads a PBM/PGM/PPM's declared size (P1 to P6, comments allowed); undefined when the header is unreadable. */
export function readPnmHeader(bytes: Buffer): DeclaredImage | undefined {
  const kind = bytes[1]! - 0x30;
  // Bitmaps have no maximum value in their header; the other kinds do.
  const fieldsWanted = kind === 1 || kind === 4 ? 2 : 3;
  const fields: number[] = [];
  let position = 2;
  while (fields.length < fieldsWanted && position < bytes.length) {
    const char = bytes[position]!;
    if (char === 0x23) {
      while (position < bytes.length && bytes[position] !== 0x0a) position += 1;
    } else if (char >= 0x30 && char <= 0x39) {
      let value = 0;
      while (position < bytes.length && bytes[position]! >= 0x30 && bytes[position]! <= 0x39) {
        value = value * 10 + bytes[position]! - 0x30;
        position += 1;
      }
      fields.push(value);
      continue;
    } else if (char > 0x20) {
      return undefined;
    }
    position += 1;
  }
  if (fields.length < fieldsWanted) return undefined;
  const [width, height, maxValue = 1] = fields as [number, number, number?];
  // One whitespace byte separates the header from binary pixel data (P4 to P6); plain ones (P1 to P3) are text.
  const samplesPerPixel = kind === 6 ? 3 : 1;
  const bytesPerSample = maxValue > 255 ? 2 : 1;
  const dataBytes = kind === 4 ? Math.ceil(width / 8) * height : kind >= 5 ? width * height * samplesPerPixel * bytesPerSample : 0;
  return { width, height, complete: bytes.length >= position + 1 + dataBytes };
}
