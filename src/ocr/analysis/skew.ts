/** The skew of a page's text lines, measured on its ink (`analysePage`). */

/** Skews up to this many degrees either way are found: a page fed askew, not a page turned on its side. */
const MAX_SKEW_DEGREES = 6;
/** Ink pixels used to find the skew: a sample this large places lines as well as all of them do. */
const SKEW_SAMPLE = 30_000;
/** Below this, a page is level: turning it would only cost time (tesseract.js ignores the same). */
const MIN_SKEW_RADIANS = 0.005;
/** Too little ink to have lines. */
const MIN_SKEW_INK = 200;

/**
 * The ink pixels the skew is measured on, row by row: each angle's projection then turns a row's position once, not
 * each of its pixels. Positions are whole numbers: half the memory of doubles, which the next full collection would
 * count.
 */
interface SkewSample {
  /** Column of each sampled pixel, row after row. */
  xs: Int32Array;
  /** The rows holding sampled pixels, and where each one's pixels end in `xs`. */
  rows: Int32Array;
  rowEnds: Int32Array;
  rowCount: number;
  /** Keeps every turned position positive, for the projection's counts. */
  offset: number;
  /** The projection's counts, one per turned row; reused from angle to angle. */
  projection: Int32Array;
}

function sampleInk(ink: Uint8Array, rowInk: Uint32Array, width: number, height: number, inked: number): SkewSample {
  const step = Math.max(1, Math.floor(inked / SKEW_SAMPLE));
  const xs = new Int32Array(Math.ceil(inked / step));
  const rows = new Int32Array(height);
  const rowEnds = new Int32Array(height);
  let sampled = 0;
  let rowCount = 0;
  for (let y = 0, seen = 0; y < height; y += 1) {
    if (rowInk[y] === 0) continue;
    const rowStart = sampled;
    for (let x = 0, index = y * width; x < width; x += 1, index += 1) {
      if (ink[index] === 1 && seen++ % step === 0) xs[sampled++] = x;
    }
    if (sampled > rowStart) {
      rows[rowCount] = y;
      rowEnds[rowCount] = sampled;
      rowCount += 1;
    }
  }
  const offset = width * Math.sin((MAX_SKEW_DEGREES * Math.PI) / 180) + 1;
  return { xs, rows, rowEnds, rowCount, offset, projection: new Int32Array(Math.ceil(height + 2 * offset) + 2) };
}

/**
 * Postl's criterion at one angle: the sum of squared differences of neighbouring row counts of the ink turned by it.
 * Plain functions rather than closures over the sample: V8 optimised such a closure again for page after page.
 */
function sharpness({ xs, rows, rowEnds, rowCount, offset, projection }: SkewSample, angle: number): number {
  projection.fill(0);
  const sin = Math.sin(angle);
  const cos = Math.cos(angle);
  for (let row = 0, i = 0; row < rowCount; row += 1) {
    // The offset keeps every position positive, where adding a half and truncating rounds as Math.round does.
    const turned = rows[row]! * cos + offset + 0.5;
    for (const end = rowEnds[row]!; i < end; i += 1) projection[(turned + xs[i]! * sin) | 0]! += 1;
  }
  let sum = 0;
  for (let row = 1; row < projection.length; row += 1) {
    const change = projection[row]! - projection[row - 1]!;
    sum += change * change;
  }
  return sum;
}

/** The sharpest angle from `from` to `to` degrees in steps of `by`, and `start` (in radians) unless one is sharper. */
function sharpestAngle(sample: SkewSample, from: number, to: number, by: number, start: number): number {
  let bestAngle = start;
  let bestScore = sharpness(sample, start);
  for (let degrees = from; degrees <= to + 1e-9; degrees += by) {
    const angle = (degrees * Math.PI) / 180;
    const score = sharpness(sample, angle);
    if (score > bestScore) [bestAngle, bestScore] = [angle, score];
  }
  return bestAngle;
}

/**
 * The skew of the text lines: the angle at which the ink, projected onto rows, changes most sharply from row to
 * row (Postl's criterion), which happens when the baselines and x-heights of the lines fall on single rows.
 * Searched coarsely over ±6°, then finely around the best angle. `rowInk` holds the ink pixels of each row, `inked`
 * their total.
 */
export function measureSkew(ink: Uint8Array, rowInk: Uint32Array, width: number, height: number, inked: number): number {
  if (inked < MIN_SKEW_INK) return 0;
  const sample = sampleInk(ink, rowInk, width, height, inked);
  const coarse = sharpestAngle(sample, -MAX_SKEW_DEGREES, MAX_SKEW_DEGREES, 0.5, 0);
  const coarseDegrees = (coarse * 180) / Math.PI;
  const fine = sharpestAngle(sample, coarseDegrees - 0.26, coarseDegrees + 0.26, 0.02, coarse);
  return Math.abs(fine) < MIN_SKEW_RADIANS ? 0 : fine;
}
