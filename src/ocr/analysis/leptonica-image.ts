/**
 * A grayscale page in leptonica's own serialized form ("spix"), the form tesseract reads fastest: a header of seven
 * 32-bit words ("spix", width, height, depth, words per row, colours, raster bytes), then the raster as leptonica
 * keeps it in memory, which it copies whole. Each row fills whole 32-bit words, a word's first pixel in its most
 * significant byte. A binary PGM, which tesseract.js's leptonica reads a pixel at a time in WebAssembly, is slower
 * to load.
 */
const HEADER_BYTES = 28;
const BITS_PER_PIXEL = 8;
const WHITE = 255;

export interface GrayRaster {
  /** The serialized image, header and raster: what tesseract is handed once `sealGrayRaster` has run. */
  image: Buffer;
  /** The raster part of `image`: rows `stride` bytes apart, each pixel at its own offset until sealed. */
  pixels: Buffer;
  width: number;
  height: number;
  /** Bytes from one row to the next: the width rounded up to whole 32-bit words. */
  stride: number;
}

/** An image of `width` × `height` gray pixels whose raster the caller fills, row by row, `stride` bytes apart. */
export function createGrayRaster(width: number, height: number): GrayRaster {
  const wordsPerRow = Math.ceil(width / 4);
  const stride = 4 * wordsPerRow;
  const image = Buffer.allocUnsafe(HEADER_BYTES + stride * height);
  image.write('spix', 0, 'latin1');
  const fields = [width, height, BITS_PER_PIXEL, wordsPerRow, 0, stride * height];
  fields.forEach((value, index) => image.writeUInt32LE(value, 4 * (index + 1)));
  return { image, pixels: image.subarray(HEADER_BYTES), width, height, stride };
}

/** Copies `height` rows of `width` pixels, packed one after the other in `source`, into the raster's rows. */
export function copyIntoRaster(source: Uint8Array, { pixels, width, height, stride }: GrayRaster): void {
  if (stride === width) {
    pixels.set(source.subarray(0, width * height));
    return;
  }
  for (let y = 0; y < height; y += 1) pixels.set(source.subarray(y * width, (y + 1) * width), y * stride);
}

/**
 * Turns the filled raster into leptonica's byte order (each 32-bit word's bytes reversed, as a little-endian
 * machine stores a word whose first pixel is its most significant byte), with the padding at the end of each row
 * white, and answers the serialized image.
 */
export function sealGrayRaster({ image, pixels, width, stride }: GrayRaster): Buffer {
  if (stride !== width) for (let row = 0; row < pixels.length; row += stride) pixels.fill(WHITE, row + width, row + stride);
  pixels.swap32();
  return image;
}
