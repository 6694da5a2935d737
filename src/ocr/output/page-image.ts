import zlib from 'node:zlib';

/** The image a PDF page shows, upright: in colour, gray, or black and white, one bit a pixel. */
export interface PageImage {
  width: number;
  height: number;
  /** 3 for RGB, 1 for gray or black and white. */
  channels: 1 | 3;
  /**
   * `jpeg`: a baseline or progressive JPEG, embedded as it is; `raw`: 8-bit pixels, row after row; `bilevel`: one
   * bit a pixel (1 white, 0 black), eight to a byte, each row starting on a byte.
   */
  encoding: 'jpeg' | 'raw' | 'bilevel';
  data: Buffer;
  /** Pixels per inch the image declares, if any. */
  density?: number;
}

/**
 * How a searchable PDF stores the page's image. `lossless`: every pixel as it is (an uploaded image, which may be
 * anything). `scan`: as a document scanner stores a page (the pages of a document): black and white one bit a pixel,
 * gray or colour as a JPEG. Both keep a JPEG as it came, and store a page in gray or black and white when every one
 * of its pixels is.
 */
export type PageImageStorage = 'lossless' | 'scan';

/** A page in 8-bit gray or RGB, row after row: what a decoder gives. */
export interface DecodedPage {
  width: number;
  height: number;
  channels: 1 | 3;
  data: Buffer;
  density?: number;
}

function isGray({ channels, data }: DecodedPage): boolean {
  if (channels === 1) return true;
  for (let index = 0; index < data.length; index += 3) {
    if (data[index] !== data[index + 1] || data[index] !== data[index + 2]) return false;
  }
  return true;
}

function toGray({ channels, data }: DecodedPage): Buffer {
  if (channels === 1) return data;
  const gray = Buffer.allocUnsafe(data.length / 3);
  for (let index = 0; index < gray.length; index += 1) gray[index] = data[index * 3]!;
  return gray;
}

const isBilevel = (gray: Buffer): boolean => gray.every((value) => value === 0 || value === 255);

/** Gray pixels that are all black or white, one bit each, eight to a byte: a bit set for white, as DeviceGray reads it. */
function packBits(gray: Buffer, width: number, height: number): Buffer {
  const rowBytes = Math.ceil(width / 8);
  const packed = Buffer.alloc(rowBytes * height);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      if (gray[y * width + x] === 255) packed[y * rowBytes + (x >> 3)]! |= 0x80 >> (x & 7);
    }
  }
  return packed;
}

/**
 * The decoded page in as few bits as its pixels need, losing none: gray when every pixel is, black and white
 * (`bilevel`) when every pixel is either.
 */
export function compactPage(page: DecodedPage): PageImage {
  const { width, height, density } = page;
  const base = { width, height, ...(density !== undefined && { density }) };
  if (!isGray(page)) return { ...base, channels: 3, encoding: 'raw', data: page.data };
  const gray = toGray(page);
  if (isBilevel(gray)) return { ...base, channels: 1, encoding: 'bilevel', data: packBits(gray, width, height) };
  return { ...base, channels: 1, encoding: 'raw', data: gray };
}

/** The image XObject's dictionary entries (besides its length) and its stream. */
export function imageXObject(image: PageImage): { dictionary: string; stream: Buffer } {
  const head = `/Type /XObject /Subtype /Image /Width ${image.width} /Height ${image.height} /ColorSpace /${image.channels === 1 ? 'DeviceGray' : 'DeviceRGB'}`;
  if (image.encoding === 'jpeg') return { dictionary: `${head} /BitsPerComponent 8 /Filter /DCTDecode`, stream: image.data };
  if (image.encoding === 'raw') return { dictionary: `${head} /BitsPerComponent 8 /Filter /FlateDecode`, stream: zlib.deflateSync(image.data) };
  // Deflate alone: on scanned text, PNG's Up predictor made the stream larger, not smaller (its differences of
  // whole bytes of eight pixels break the runs). A bilevel page is an eighth of a gray one, so the best level is cheap.
  return {
    dictionary: `${head} /BitsPerComponent 1 /Filter /FlateDecode`,
    stream: zlib.deflateSync(image.data, { level: zlib.constants.Z_BEST_COMPRESSION }),
  };
}
