/**
 * Header readers for the two formats sharp cannot open (BMP and Netpbm), which tesseract.js decodes itself
 * (BMP with bmp-js, Netpbm with Leptonica). They give the size the file declares and say what is wrong with a
 * file that does not hold the pixel data its header announces, so a truncated or corrupt file is refused at
 * upload instead of failing a worker on every attempt. PNG and JPEG sizes are read here too, where the header
 * is plainly well formed: that spares each upload a round trip through sharp's thread pool.
 */
import { crc32 } from 'node:zlib';

export interface DeclaredImage {
  width: number;
  height: number;
  /** Resolution the file declares, in pixels per inch; absent when it declares none. */
  dpi?: number;
  /** Why the pixel data cannot be decoded, as the end of a sentence; absent when it can. */
  defect?: string;
}

const BI_RGB = 0;
const BI_RLE8 = 1;
const BI_RLE4 = 2;
const BI_BITFIELDS = 3;

/** The bit depths BMP defines, and the compressions each may use. */
const BMP_COMPRESSIONS: Record<number, readonly number[]> = {
  1: [BI_RGB],
  4: [BI_RGB, BI_RLE4],
  8: [BI_RGB, BI_RLE8],
  16: [BI_RGB, BI_BITFIELDS],
  24: [BI_RGB],
  32: [BI_RGB, BI_BITFIELDS],
};

/** Windows BMP headers (version 3, its two extensions, 4 and 5): all start with the 40-byte layout bmp-js reads. */
const WINDOWS_BMP_HEADERS = new Set([40, 52, 56, 108, 124]);
const FILE_HEADER_BYTES = 14;
const INCHES_PER_METRE = 0.0254;

const TRUNCATED = 'the file ends before the pixel data its header announces';

/**
 * Follows an RLE8 or RLE4 stream to its end-of-bitmap mark, which the decoder needs: true when the mark is there
 * and every run before it is whole.
 */
function rleStreamComplete(bytes: Buffer, start: number, bitsPerPixel: number): boolean {
  let position = start;
  while (position + 2 <= bytes.length) {
    const count = bytes[position]!;
    const code = bytes[position + 1]!;
    position += 2;
    // A run repeats one value `count` times; escape codes 0 and 2 end a line and move the cursor.
    if (count > 0 || code === 0) continue;
    if (code === 1) return true;
    if (code === 2) {
      position += 2;
      continue;
    }
    // Absolute mode: `code` pixels stored as they are, padded to a 16-bit boundary.
    const literalBytes = bitsPerPixel === 8 ? code : Math.ceil(code / 2);
    position += literalBytes + (literalBytes % 2);
  }
  return false;
}

/** Reads a BMP's declared size and checks its pixel data; undefined when the header itself is cut short. */
export function readBmpHeader(bytes: Buffer): DeclaredImage | undefined {
  if (bytes.length < FILE_HEADER_BYTES + 12) return undefined;
  const headerSize = bytes.readUInt32LE(14);
  if (headerSize === 12) {
    // The OS/2 core header: 16-bit sizes and 3-byte palette entries, which bmp-js misreads as a Windows header.
    const declared = { width: bytes.readUInt16LE(18), height: Math.abs(bytes.readInt16LE(20)) };
    return { ...declared, defect: 'it is an OS/2 BMP, which the OCR engine cannot read' };
  }
  if (bytes.length < FILE_HEADER_BYTES + 40) return undefined;
  const width = Math.max(0, bytes.readInt32LE(18));
  // A negative height stores the rows top-down.
  const height = Math.abs(bytes.readInt32LE(22));
  const pixelsPerMetre = bytes.readInt32LE(38);
  const declared = { width, height, ...(pixelsPerMetre > 0 && { dpi: pixelsPerMetre * INCHES_PER_METRE }) };
  if (!WINDOWS_BMP_HEADERS.has(headerSize)) return { ...declared, defect: `its ${headerSize}-byte header is not a BMP header the OCR engine reads` };

  const bitsPerPixel = bytes.readUInt16LE(28);
  const compression = bytes.readUInt32LE(30);
  const compressions = BMP_COMPRESSIONS[bitsPerPixel];
  if (!compressions) return { ...declared, defect: `its header declares ${bitsPerPixel} bits per pixel, which BMP does not define` };
  if (!compressions.includes(compression)) {
    return { ...declared, defect: `it uses compression ${compression} at ${bitsPerPixel} bits per pixel, which the OCR engine cannot read` };
  }

  const maxColours = bitsPerPixel <= 8 ? 2 ** bitsPerPixel : 0;
  const colours = bytes.readUInt32LE(46) || maxColours;
  if (colours > maxColours && bitsPerPixel <= 8)
    return { ...declared, defect: `its palette of ${colours} colours is larger than ${bitsPerPixel} bits can index` };
  // A version 3 header is followed by the three colour masks of BI_BITFIELDS; later versions hold them inside.
  const masks = compression === BI_BITFIELDS && headerSize === 40 ? 12 : 0;
  const dataOffset = bytes.readUInt32LE(10);
  const paletteBytes = bitsPerPixel <= 8 ? colours * 4 : 0;
  if (dataOffset < FILE_HEADER_BYTES + headerSize + masks + paletteBytes)
    return { ...declared, defect: 'its pixel data overlaps its header or palette' };

  if (compression === BI_RLE8 || compression === BI_RLE4) {
    return rleStreamComplete(bytes, dataOffset, bitsPerPixel) ? declared : { ...declared, defect: TRUNCATED };
  }
  // Every row is padded to a multiple of 4 bytes.
  const rowBytes = Math.ceil((width * bitsPerPixel) / 32) * 4;
  return bytes.length >= dataOffset + rowBytes * height ? declared : { ...declared, defect: TRUNCATED };
}

const isDigit = (byte: number) => byte >= 0x30 && byte <= 0x39;
const isSpace = (byte: number) => byte === 0x20 || (byte >= 0x09 && byte <= 0x0d);
const MAX_NETPBM_VALUE = 65_535;

/**
 * Counts the whitespace-separated samples of a plain (ASCII) Netpbm raster, as Leptonica reads it, up to `wanted`.
 * Undefined when something other than a number no larger than `maxValue` comes first.
 */
function countPlainSamples(bytes: Buffer, start: number, wanted: number, maxValue: number): number | undefined {
  let samples = 0;
  let position = start;
  while (samples < wanted && position < bytes.length) {
    if (isSpace(bytes[position]!)) {
      position += 1;
      continue;
    }
    let value = 0;
    const first = position;
    while (position < bytes.length && isDigit(bytes[position]!) && value <= maxValue) {
      value = value * 10 + bytes[position]! - 0x30;
      position += 1;
    }
    if (position === first || value > maxValue || (position < bytes.length && !isSpace(bytes[position]!))) return undefined;
    samples += 1;
  }
  return samples;
}

/** Reads a PBM/PGM/PPM's declared size (P1 to P6, comments allowed) and checks its raster; undefined when the header is unreadable. */
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
    } else if (isDigit(char)) {
      let value = 0;
      while (position < bytes.length && isDigit(bytes[position]!)) {
        value = value * 10 + bytes[position]! - 0x30;
        position += 1;
      }
      fields.push(value);
      continue;
    } else if (!isSpace(char)) {
      return undefined;
    }
    position += 1;
  }
  if (fields.length < fieldsWanted) return undefined;
  const [width, height, maxValue = 1] = fields as [number, number, number?];
  if (maxValue < 1 || maxValue > MAX_NETPBM_VALUE)
    return { width, height, defect: `its maximum sample value ${maxValue} is outside 1 to ${MAX_NETPBM_VALUE}` };

  const samples = width * height * (kind === 3 || kind === 6 ? 3 : 1);
  if (kind <= 3) {
    const found = countPlainSamples(bytes, position, samples, maxValue);
    if (found === undefined) return { width, height, defect: `its pixel data holds something other than numbers from 0 to ${maxValue}` };
    return found === samples ? { width, height } : { width, height, defect: TRUNCATED };
  }
  // One whitespace byte separates the header from binary pixel data; bitmap rows are padded to whole bytes,
  // and samples over 255 take two bytes.
  const dataBytes = kind === 4 ? Math.ceil(width / 8) * height : samples * (maxValue > 255 ? 2 : 1);
  return bytes.length >= position + 1 + dataBytes ? { width, height } : { width, height, defect: TRUNCATED };
}

export const PNG_SIGNATURE_BYTES = 8;
/** The bit depths PNG allows for each colour type. */
const PNG_BIT_DEPTHS: Record<number, readonly number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };

/** What a PNG's IHDR chunk declares. */
export interface PngHeader {
  width: number;
  height: number;
  bitDepth: number;
  colourType: number;
  interlaced: boolean;
}

/**
 * A PNG's IHDR chunk, which must come first: undefined unless the chunk is whole, its checksum right and every
 * field one PNG allows, so that anything unusual is left to sharp's own reading.
 */
export function readPngHeader(bytes: Buffer): PngHeader | undefined {
  const ihdr = PNG_SIGNATURE_BYTES;
  if (bytes.length < ihdr + 25 || bytes.readUInt32BE(ihdr) !== 13 || bytes.toString('latin1', ihdr + 4, ihdr + 8) !== 'IHDR') return undefined;
  if (crc32(bytes.subarray(ihdr + 4, ihdr + 21)) !== bytes.readUInt32BE(ihdr + 21)) return undefined;
  const width = bytes.readUInt32BE(ihdr + 8);
  const height = bytes.readUInt32BE(ihdr + 12);
  const [bitDepth, colourType, compression, filter, interlace] = bytes.subarray(ihdr + 16, ihdr + 21);
  const wellFormed =
    width > 0 &&
    height > 0 &&
    width <= 0x7fffffff &&
    height <= 0x7fffffff &&
    (PNG_BIT_DEPTHS[colourType!]?.includes(bitDepth!) ?? false) &&
    compression === 0 &&
    filter === 0 &&
    interlace! <= 1;
  return wellFormed ? { width, height, bitDepth: bitDepth!, colourType: colourType!, interlaced: interlace === 1 } : undefined;
}

/** A PNG's size from its IHDR chunk (`readPngHeader`). */
export function readPngSize(bytes: Buffer): { width: number; height: number } | undefined {
  const header = readPngHeader(bytes);
  return header && { width: header.width, height: header.height };
}

/** Start-of-frame markers: SOF0 to SOF15 but DHT (C4), JPG (C8) and DAC (CC), which share the range. */
const isStartOfFrame = (marker: number) => marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;

/**
 * A JPEG's size from its first start-of-frame segment, walking the segments before it: undefined when that
 * walk meets anything but well-formed segments, or a frame without a size, so that sharp reads it instead.
 */
export function readJpegSize(bytes: Buffer): { width: number; height: number } | undefined {
  let position = 2;
  while (position + 4 <= bytes.length) {
    if (bytes[position] !== 0xff) return undefined;
    const marker = bytes[position + 1]!;
    // Fill bytes before a marker.
    if (marker === 0xff) {
      position += 1;
      continue;
    }
    // Markers without a length (TEM, RSTn, SOI, EOI), or the start of scan before any frame: nothing to trust.
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xda)) return undefined;
    const length = bytes.readUInt16BE(position + 2);
    if (length < 2 || position + 2 + length > bytes.length) return undefined;
    if (isStartOfFrame(marker)) {
      if (length < 8) return undefined;
      const height = bytes.readUInt16BE(position + 5);
      const width = bytes.readUInt16BE(position + 7);
      return width > 0 && height > 0 ? { width, height } : undefined;
    }
    position += 2 + length;
  }
  return undefined;
}
