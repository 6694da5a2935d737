import { inkNeighbours, type InkMap } from '../layout/ink-map.js';

/** A grayscale image as raw bytes, one per pixel, row after row. */
export interface GrayImage {
  data: Uint8Array;
  width: number;
  height: number;
}

/** What preprocessing needs to know about a page, measured from its pixels. */
export interface PageAnalysis {
  /** Light text on a dark background: most pixels are on the dark side of the ink threshold. */
  darkBackground: boolean;
  /** Median height in pixels of a line of text (ascender to descender); 0 when no text was found. */
  lineHeight: number;
  /** Share of pixels that are lone ink dots with no ink around them: speckle of any kind. */
  impulseNoise: number;
  /** Share of background pixels more than a few gray levels off the typical background: grain (gaussian noise). */
  backgroundGrain: number;
  /** Difference between the brightest and darkest local background, 0 to 255: uneven lighting. */
  backgroundSpread: number;
  /**
   * The angle, in radians, that turns the text lines level (tesseract's sign: what its deskew would rotate by);
   * 0 when the page is level (under 0.3°) or holds too little text to tell.
   */
  skewRadians: number;
}

/** How many pixels there are of each gray level. */
function grayHistogram(data: Uint8Array): Uint32Array {
  const histogram = new Uint32Array(256);
  for (let index = 0; index < data.length; index += 1) histogram[data[index]!]! += 1;
  return histogram;
}

/** Otsu's threshold: the gray level that best separates the histogram (of `count` pixels) into two classes. */
function otsuThreshold(histogram: Uint32Array, count: number): number {
  let total = 0;
  for (let level = 0; level < 256; level += 1) total += level * histogram[level]!;
  let below = 0;
  let belowSum = 0;
  let best = 0;
  let threshold = 127;
  for (let level = 0; level < 256; level += 1) {
    below += histogram[level]!;
    if (below === 0) continue;
    const above = count - below;
    if (above === 0) break;
    belowSum += level * histogram[level]!;
    const between = below * above * (belowSum / below - (total - belowSum) / above) ** 2;
    if (between > best) {
      best = between;
      threshold = level;
    }
  }
  return threshold;
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/**
 * The gray level at `fraction` of the way through the `count` levels a histogram holds, once sorted (what
 * `sorted[floor(count × fraction)]` picks): gray levels are bytes, and a page has millions of them to count, not sort.
 */
function histogramPercentile(histogram: Uint32Array, count: number, fraction: number): number {
  if (count === 0) return 0;
  const rank = Math.floor(count * fraction);
  let seen = 0;
  for (let level = 0; level < 256; level += 1) {
    seen += histogram[level]!;
    if (seen > rank) return level;
  }
  return 255;
}

/** Strips this narrow keep a few degrees of skew from merging neighbouring lines into one. */
const STRIP_WIDTH = 32;
/** Runs of ink rows shorter than this are specks or underlines, not lines of text. */
const MIN_LINE_HEIGHT = 3;

function measureLineHeight(ink: Uint8Array, width: number, height: number): number {
  const runs: number[] = [];
  for (let left = 0; left < width; left += STRIP_WIDTH) {
    const right = Math.min(width, left + STRIP_WIDTH);
    let run = 0;
    for (let y = 0; y <= height; y += 1) {
      let inked = false;
      if (y < height) {
        for (let x = left; x < right && !inked; x += 1) inked = ink[y * width + x] === 1;
      }
      if (inked) run += 1;
      else if (run > 0) {
        if (run >= MIN_LINE_HEIGHT) runs.push(run);
        run = 0;
      }
    }
  }
  return median(runs);
}

function countLoneDots(ink: Uint8Array, width: number, height: number): number {
  let lone = 0;
  for (let y = 1; y < height - 1; y += 1) {
    for (let x = 1; x < width - 1; x += 1) {
      const at = y * width + x;
      if (ink[at] === 1 && inkNeighbours(ink, at, width) === 0) lone += 1;
    }
  }
  return lone / Math.max(1, width * height);
}

/** Gray levels a background pixel may differ from the typical background before it counts as grain. */
const GRAIN_LEVELS = 16;

function measureBackgroundGrain(data: Uint8Array, ink: Uint8Array): number {
  const histogram = new Uint32Array(256);
  let count = 0;
  // Every 7th pixel is plenty to estimate a share, and keeps this pass cheap on large pages.
  for (let index = 0; index < data.length; index += 7) {
    if (ink[index] !== 0) continue;
    histogram[data[index]!]! += 1;
    count += 1;
  }
  const typical = histogramPercentile(histogram, count, 0.5);
  let grain = 0;
  for (let level = 0; level < 256; level += 1) if (Math.abs(level - typical) > GRAIN_LEVELS) grain += histogram[level]!;
  return grain / Math.max(1, count);
}

/** Tiles for the background estimate: large enough to always hold some background between letters. */
const BACKGROUND_TILES = 6;

function measureBackgroundSpread({ data, width, height }: GrayImage, darkBackground: boolean): number {
  const levels: number[] = [];
  const tileWidth = Math.ceil(width / BACKGROUND_TILES);
  const tileHeight = Math.ceil(height / BACKGROUND_TILES);
  const histogram = new Uint32Array(256);
  for (let top = 0; top < height; top += tileHeight) {
    for (let left = 0; left < width; left += tileWidth) {
      histogram.fill(0);
      let count = 0;
      for (let y = top; y < Math.min(height, top + tileHeight); y += 2) {
        for (let x = left; x < Math.min(width, left + tileWidth); x += 2) {
          histogram[data[y * width + x]!]! += 1;
          count += 1;
        }
      }
      if (count === 0) continue;
      // The background is the bulk of a tile; the 80th percentile (20th when dark) skips the letters.
      levels.push(histogramPercentile(histogram, count, darkBackground ? 0.2 : 0.8));
    }
  }
  return levels.length === 0 ? 0 : Math.max(...levels) - Math.min(...levels);
}

/** 1 for each pixel of ink, 0 for the background: one lookup per pixel. */
function inkMap(data: Uint8Array, inkOfLevel: Uint8Array): Uint8Array {
  const ink = new Uint8Array(data.length);
  for (let index = 0; index < data.length; index += 1) ink[index] = inkOfLevel[data[index]!]!;
  return ink;
}

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

function sampleInk(ink: Uint8Array, width: number, height: number, inked: number): SkewSample {
  const step = Math.max(1, Math.floor(inked / SKEW_SAMPLE));
  const xs = new Int32Array(Math.ceil(inked / step));
  const rows = new Int32Array(height);
  const rowEnds = new Int32Array(height);
  let sampled = 0;
  let rowCount = 0;
  for (let y = 0, index = 0, seen = 0; y < height; y += 1) {
    const rowStart = sampled;
    for (let x = 0; x < width; x += 1, index += 1) {
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
 * Searched coarsely over ±6°, then finely around the best angle.
 */
function measureSkew(ink: Uint8Array, width: number, height: number, inked: number): number {
  if (inked < MIN_SKEW_INK) return 0;
  const sample = sampleInk(ink, width, height, inked);
  const coarse = sharpestAngle(sample, -MAX_SKEW_DEGREES, MAX_SKEW_DEGREES, 0.5, 0);
  const coarseDegrees = (coarse * 180) / Math.PI;
  const fine = sharpestAngle(sample, coarseDegrees - 0.26, coarseDegrees + 0.26, 0.02, coarse);
  return Math.abs(fine) < MIN_SKEW_RADIANS ? 0 : fine;
}

/**
 * Measures a grayscale page: which side is ink, how tall its lines are, how noisy it is, how even its
 * lighting is and how skewed its lines are, and which of its pixels are ink. Plain passes over the pixels, a few milliseconds a page.
 */
export function analysePage(image: GrayImage): { analysis: PageAnalysis; ink: InkMap } {
  const { data, width, height } = image;
  const histogram = grayHistogram(data);
  const threshold = otsuThreshold(histogram, data.length);
  let darkPixels = 0;
  for (let level = 0; level <= threshold; level += 1) darkPixels += histogram[level]!;
  const darkBackground = darkPixels > data.length / 2;
  // Ink is whichever side of the threshold the background is not.
  const inkOfLevel = new Uint8Array(256);
  for (let level = 0; level < 256; level += 1) inkOfLevel[level] = level <= threshold !== darkBackground ? 1 : 0;
  const ink = inkMap(data, inkOfLevel);
  const inked = darkBackground ? data.length - darkPixels : darkPixels;

  const lineHeight = measureLineHeight(ink, width, height);
  const analysis = {
    darkBackground,
    lineHeight,
    impulseNoise: countLoneDots(ink, width, height),
    backgroundGrain: measureBackgroundGrain(data, ink),
    backgroundSpread: measureBackgroundSpread(image, darkBackground),
    skewRadians: measureSkew(ink, width, height, inked),
  };
  return { analysis, ink: { ink, width, height } };
}
