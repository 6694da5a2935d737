/** Writers of the image files sharp cannot write (BMP, Netpbm), so tests can make every layout the validator measures. */
import sharp from 'sharp';

export interface BmpOptions {
  /** 1, 4 and 8 store palette indices (a gray palette here); 24 and 32 store BGR(A) pixels. */
  bitsPerPixel: 1 | 4 | 8 | 24 | 32;
  /** 40 (BITMAPINFOHEADER) or 12 (the OS/2 BITMAPCOREHEADER, whose palette entries are 3 bytes). */
  headerSize?: 40 | 12;
  /** Rows stored top row first (a negative height); only BITMAPINFOHEADER can say so. */
  topDown?: boolean;
  /** Run-length encodes the rows (BI_RLE8; 8 bits per pixel only), ending with the end-of-bitmap mark. */
  rle8?: boolean;
}

/** Each row as runs of up to 255 equal indices, an end-of-line mark after it and the end-of-bitmap mark last. */
function encodeRle8(rows: Buffer[]): Buffer {
  const codes: number[] = [];
  for (const row of rows) {
    for (let x = 0; x < row.length;) {
      let run = 1;
      while (x + run < row.length && run < 255 && row[x + run] === row[x]) run += 1;
      codes.push(run, row[x]!);
      x += run;
    }
    codes.push(0, 0);
  }
  codes.push(0, 1);
  return Buffer.from(codes);
}

/**
 * Encodes an image as an uncompressed BMP, rows padded to 4 bytes, so tests can make every layout the
 * validator has to measure (sharp writes no BMP, and ImageMagick is not installed everywhere).
 */
export async function encodeBmp(image: Buffer, { bitsPerPixel, headerSize = 40, topDown = false, rle8 = false }: BmpOptions): Promise<Buffer> {
  const { data, info } = await sharp(image).grayscale().raw().toBuffer({ resolveWithObject: true });
  const { width, height } = info;
  const paletteColours = bitsPerPixel <= 8 ? 2 ** bitsPerPixel : 0;
  const paletteEntryBytes = headerSize === 12 ? 3 : 4;
  const rowBytes = Math.ceil((width * bitsPerPixel) / 32) * 4;
  const dataOffset = 14 + headerSize + paletteColours * paletteEntryBytes;
  const file = Buffer.alloc(dataOffset + rowBytes * height);

  file.write('BM', 0, 'ascii');
  file.writeUInt32LE(file.length, 2);
  file.writeUInt32LE(dataOffset, 10);
  file.writeUInt32LE(headerSize, 14);
  if (headerSize === 12) {
    file.writeUInt16LE(width, 18);
    file.writeUInt16LE(height, 20);
    file.writeUInt16LE(1, 22);
    file.writeUInt16LE(bitsPerPixel, 24);
  } else {
    file.writeInt32LE(width, 18);
    file.writeInt32LE(topDown ? -height : height, 22);
    file.writeUInt16LE(1, 26);
    file.writeUInt16LE(bitsPerPixel, 28);
    file.writeUInt32LE(rowBytes * height, 34);
    file.writeInt32LE(11811, 38); // 300 dpi
    file.writeInt32LE(11811, 42);
  }
  for (let index = 0; index < paletteColours; index += 1) {
    const level = Math.round((index * 255) / (paletteColours - 1));
    file.fill(level, 14 + headerSize + index * paletteEntryBytes, 14 + headerSize + index * paletteEntryBytes + 3);
  }
  for (let y = 0; y < height; y += 1) {
    const row = dataOffset + (topDown ? y : height - 1 - y) * rowBytes;
    for (let x = 0; x < width; x += 1) {
      const gray = data[y * width + x]!;
      if (bitsPerPixel >= 24) {
        file.fill(gray, row + x * (bitsPerPixel / 8), row + x * (bitsPerPixel / 8) + 3);
        if (bitsPerPixel === 32) file[row + x * 4 + 3] = 255;
      } else {
        const index = Math.round((gray * (paletteColours - 1)) / 255);
        const bit = x * bitsPerPixel;
        file[row + (bit >> 3)]! |= index << (8 - bitsPerPixel - (bit & 7));
      }
    }
  }
  if (!rle8) return file;
  const rows = Array.from({ length: height }, (_, index) => file.subarray(dataOffset + index * rowBytes, dataOffset + index * rowBytes + width));
  const compressed = Buffer.concat([file.subarray(0, dataOffset), encodeRle8(rows)]);
  compressed.writeUInt32LE(1, 30);
  compressed.writeUInt32LE(compressed.length - dataOffset, 34);
  return compressed;
}

export type NetpbmKind = 'P1' | 'P2' | 'P3' | 'P4' | 'P5' | 'P6';

/**
 * Encodes an image as PBM (P1, P4: black where darker than mid-gray), PGM (P2, P5) or PPM (P3, P6), plain or
 * binary; a `maxValue` over 255 stores two bytes a sample (big-endian) in the binary kinds.
 */
export async function encodeNetpbm(image: Buffer, kind: NetpbmKind, { maxValue = 255 } = {}): Promise<Buffer> {
  const { data, info } = await sharp(image).grayscale().raw().toBuffer({ resolveWithObject: true });
  const { width, height } = info;
  const bitmap = kind === 'P1' || kind === 'P4';
  const header = Buffer.from(`${kind}\n# made by the tests\n${width} ${height}\n${bitmap ? '' : `${maxValue}\n`}`);
  const scaled = [...data].map((gray) => (bitmap ? (gray < 128 ? 1 : 0) : Math.round((gray * maxValue) / 255)));
  const samples = kind === 'P3' || kind === 'P6' ? scaled.flatMap((value) => [value, value, value]) : scaled;
  if (kind === 'P1' || kind === 'P2' || kind === 'P3') return Buffer.concat([header, Buffer.from(`${samples.join(' ')}\n`)]);
  if (kind === 'P4') {
    const rowBytes = Math.ceil(width / 8);
    const raster = Buffer.alloc(rowBytes * height);
    samples.forEach((bit, index) => {
      const x = index % width;
      raster[Math.floor(index / width) * rowBytes + (x >> 3)]! |= bit << (7 - (x & 7));
    });
    return Buffer.concat([header, raster]);
  }
  const bytesPerSample = maxValue > 255 ? 2 : 1;
  const raster = Buffer.alloc(samples.length * bytesPerSample);
  samples.forEach((value, index) => (bytesPerSample === 2 ? raster.writeUInt16BE(value, index * 2) : (raster[index] = value)));
  return Buffer.concat([header, raster]);
}

/**
 * Encodes images as the pages of one uncompressed 8-bit gray TIFF, each at its own size (sharp writes the pages of
 * a TIFF only at one size).
 */
export async function encodeGrayTiffPages(images: Buffer[]): Promise<Buffer> {
  const pages = await Promise.all(images.map((image) => sharp(image).grayscale().raw().toBuffer({ resolveWithObject: true })));
  const SHORT = 3;
  const LONG = 4;
  const chunks: Buffer[] = [];
  let offset = 8;
  const header = Buffer.from([0x49, 0x49, 42, 0, 0, 0, 0, 0]);
  chunks.push(header);
  let previousNext = 4; // where the offset of the next IFD is written
  let previousChunk = header;
  for (const { data, info } of pages) {
    const stripOffset = offset;
    chunks.push(data);
    offset += data.length + (data.length % 2);
    if (data.length % 2) chunks.push(Buffer.alloc(1));
    const entries: Array<[number, number, number]> = [
      [256, LONG, info.width],
      [257, LONG, info.height],
      [258, SHORT, 8],
      [259, SHORT, 1],
      [262, SHORT, 1],
      [273, LONG, stripOffset],
      [277, SHORT, 1],
      [278, LONG, info.height],
      [279, LONG, data.length],
    ];
    const ifd = Buffer.alloc(2 + entries.length * 12 + 4);
    ifd.writeUInt16LE(entries.length, 0);
    entries.forEach(([tag, type, value], index) => {
      const at = 2 + index * 12;
      ifd.writeUInt16LE(tag, at);
      ifd.writeUInt16LE(type, at + 2);
      ifd.writeUInt32LE(1, at + 4);
      if (type === SHORT) ifd.writeUInt16LE(value, at + 8);
      else ifd.writeUInt32LE(value, at + 8);
    });
    previousChunk.writeUInt32LE(offset, previousNext);
    previousChunk = ifd;
    previousNext = ifd.length - 4;
    chunks.push(ifd);
    offset += ifd.length;
  }
  return Buffer.concat(chunks);
}
