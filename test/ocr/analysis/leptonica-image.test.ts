import { describe, expect, it } from 'vitest';
import { copyIntoRaster, createGrayRaster, sealGrayRaster } from '../../../src/ocr/analysis/leptonica-image.js';

/** The pixel at (x, y) as leptonica reads it: byte x of the row's words, each word little-endian in memory. */
const pixelOf = (image: Buffer, x: number, y: number) => {
  const wordsPerRow = image.readUInt32LE(16);
  const word = image.readUInt32LE(28 + 4 * (y * wordsPerRow + (x >> 2)));
  return (word >>> (8 * (3 - (x & 3)))) & 0xff;
};

describe('leptonica serialized gray images', () => {
  it('writes the header leptonica checks: id, size, 8 bits, words per row, no colormap, raster bytes', () => {
    const image = sealGrayRaster(createGrayRaster(5, 3));
    expect(image.subarray(0, 4).toString('latin1')).toBe('spix');
    expect([1, 2, 3, 4, 5, 6].map((word) => image.readUInt32LE(4 * word))).toEqual([5, 3, 8, 2, 0, 24]);
    expect(image).toHaveLength(28 + 24);
  });

  it.each([4, 5, 6, 7])('puts every pixel where leptonica reads it, %s pixels wide, the padding white', (width) => {
    const height = 3;
    const source = Uint8Array.from({ length: width * height }, (_, index) => 10 + index);
    const raster = createGrayRaster(width, height);
    copyIntoRaster(source, raster);
    const image = sealGrayRaster(raster);
    for (let y = 0; y < height; y += 1) {
      for (let x = 0; x < width; x += 1) expect(pixelOf(image, x, y)).toBe(10 + y * width + x);
      for (let x = width; x < raster.stride; x += 1) expect(pixelOf(image, x, y)).toBe(255);
    }
  });
});
