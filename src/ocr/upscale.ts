/**
 * Enlarges a grayscale image by Catmull-Rom (bicubic) interpolation, edges extended, sampling where libvips does
 * when sharp enlarges with any of its smooth kernels (half an output pixel up and left of the pixel centres), in two
 * separable passes. libvips enlarges through its general affine transform, about 28 ns an output pixel here (10 ms
 * for a corpus page enlarged 1.8×); the two passes take half that, and enlarging is the most frequent step of
 * preprocessing. On both corpora this read as well as libvips's enlargement in every category, and better in four.
 */
export function upscaleGray(source: Uint8Array, width: number, height: number, outWidth: number, outHeight: number): Buffer {
  const columns = catmullRomTaps(width, outWidth);
  const rows = catmullRomTaps(height, outHeight);
  // Rows enlarged across first, kept in floating point so the second pass rounds only once.
  const across = new Float32Array(outWidth * height);
  for (let y = 0; y < height; y += 1) {
    const row = y * width;
    const out = y * outWidth;
    for (let x = 0, tap = 0; x < outWidth; x += 1, tap += 4) {
      across[out + x] =
        columns.weights[tap]! * source[row + columns.indexes[tap]!]! +
        columns.weights[tap + 1]! * source[row + columns.indexes[tap + 1]!]! +
        columns.weights[tap + 2]! * source[row + columns.indexes[tap + 2]!]! +
        columns.weights[tap + 3]! * source[row + columns.indexes[tap + 3]!]!;
    }
  }
  const enlarged = Buffer.allocUnsafe(outWidth * outHeight);
  for (let y = 0, tap = 0; y < outHeight; y += 1, tap += 4) {
    const r0 = rows.indexes[tap]! * outWidth;
    const r1 = rows.indexes[tap + 1]! * outWidth;
    const r2 = rows.indexes[tap + 2]! * outWidth;
    const r3 = rows.indexes[tap + 3]! * outWidth;
    const w0 = rows.weights[tap]!;
    const w1 = rows.weights[tap + 1]!;
    const w2 = rows.weights[tap + 2]!;
    const w3 = rows.weights[tap + 3]!;
    const out = y * outWidth;
    for (let x = 0; x < outWidth; x += 1) {
      const value = w0 * across[r0 + x]! + w1 * across[r1 + x]! + w2 * across[r2 + x]! + w3 * across[r3 + x]!;
      // A Uint8ClampedArray would round halves to even; clamping by hand keeps the arithmetic plain.
      enlarged[out + x] = value <= 0 ? 0 : value >= 255 ? 255 : (value + 0.5) | 0;
    }
  }
  return enlarged;
}

/** For each output position along one axis: the four source positions it is interpolated from, and their weights. */
function catmullRomTaps(size: number, outSize: number): { indexes: Int32Array; weights: Float32Array } {
  const indexes = new Int32Array(outSize * 4);
  const weights = new Float32Array(outSize * 4);
  const step = size / outSize;
  for (let out = 0; out < outSize; out += 1) {
    const position = out * step - 0.5;
    const base = Math.floor(position);
    const t = position - base;
    const kernel = [
      (-t * t * t + 2 * t * t - t) / 2,
      (3 * t * t * t - 5 * t * t + 2) / 2,
      (-3 * t * t * t + 4 * t * t + t) / 2,
      (t * t * t - t * t) / 2,
    ];
    for (let k = 0; k < 4; k += 1) {
      indexes[out * 4 + k] = Math.min(size - 1, Math.max(0, base - 1 + k));
      weights[out * 4 + k] = kernel[k]!;
    }
  }
  return { indexes, weights };
}
