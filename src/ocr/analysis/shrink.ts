import type { GrayImage } from './page-analysis.js';

/**
 * Shrinks a grayscale image by a whole factor, each output pixel the mean of its `factor` × `factor` block (columns
 * and rows left over at the right and bottom edges are dropped). One read of every pixel, where reducing the page
 * through libvips's lanczos3 filters every output pixel from many inputs and is several times slower.
 */
export function shrinkGray(source: Uint8Array, width: number, height: number, factor: number): GrayImage {
  const outWidth = Math.floor(width / factor);
  const outHeight = Math.floor(height / factor);
  const area = factor * factor;
  const sums = new Uint32Array(outWidth);
  const data = new Uint8Array(outWidth * outHeight);
  for (let y = 0; y < outHeight; y += 1) {
    sums.fill(0);
    for (let row = y * factor * width, last = row + factor * width; row < last; row += width) {
      for (let x = 0, at = row; x < outWidth; x += 1) {
        let sum = 0;
        for (let end = at + factor; at < end; at += 1) sum += source[at]!;
        sums[x]! += sum;
      }
    }
    // Assigning to a Uint8Array truncates: adding half the area first rounds the mean.
    for (let x = 0, out = y * outWidth; x < outWidth; x += 1) data[out + x] = (sums[x]! + (area >> 1)) / area;
  }
  return { data, width: outWidth, height: outHeight };
}
