import { inkNeighbours, type InkMap } from '../layout/ink-map.js';
import { measureSkew } from './skew.js';

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

/**
 * How many pixels there are of each gray level. Four counts, each of every fourth pixel, added up at the end: on a
 * page, where most neighbouring pixels are of one level, one count would have each increment wait for the last.
 */
function grayHistogram(data: Uint8Array): Uint32Array {
  const [first, second, third, fourth] = [new Uint32Array(256), new Uint32Array(256), new Uint32Array(256), new Uint32Array(256)];
  const whole = data.length - (data.length % 4);
  for (let index = 0; index < whole; index += 4) {
    first[data[index]!]! += 1;
    second[data[index + 1]!]! += 1;
    third[data[index + 2]!]! += 1;
    fourth[data[index + 3]!]! += 1;
  }
  for (let index = whole; index < data.length; index += 1) first[data[index]!]! += 1;
  for (let level = 0; level < 256; level += 1) first[level] = first[level]! + second[level]! + third[level]! + fourth[level]!;
  return first;
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

function measureLineHeight(ink: Uint8Array, rowInk: Uint32Array, width: number, height: number): number {
  const runs: number[] = [];
  for (let left = 0; left < width; left += STRIP_WIDTH) {
    const right = Math.min(width, left + STRIP_WIDTH);
    let run = 0;
    for (let y = 0; y <= height; y += 1) {
      let inked = false;
      if (y < height && rowInk[y]! > 0) {
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

function countLoneDots(ink: Uint8Array, rowInk: Uint32Array, width: number, height: number): number {
  let lone = 0;
  for (let y = 1; y < height - 1; y += 1) {
    if (rowInk[y] === 0) continue;
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

/** 1 for each pixel of ink, 0 for the background (one lookup per pixel), and how many ink pixels each row holds. */
function inkMap(data: Uint8Array, inkOfLevel: Uint8Array, width: number, height: number): { ink: Uint8Array; rowInk: Uint32Array } {
  const ink = new Uint8Array(data.length);
  const rowInk = new Uint32Array(height);
  for (let y = 0, index = 0; y < height; y += 1) {
    let inked = 0;
    for (const end = index + width; index < end; index += 1) {
      const pixel = inkOfLevel[data[index]!]!;
      ink[index] = pixel;
      inked += pixel;
    }
    rowInk[y] = inked;
  }
  return { ink, rowInk };
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
  const { ink, rowInk } = inkMap(data, inkOfLevel, width, height);
  const inked = darkBackground ? data.length - darkPixels : darkPixels;

  const lineHeight = measureLineHeight(ink, rowInk, width, height);
  const analysis = {
    darkBackground,
    lineHeight,
    impulseNoise: countLoneDots(ink, rowInk, width, height),
    backgroundGrain: measureBackgroundGrain(data, ink),
    backgroundSpread: measureBackgroundSpread(image, darkBackground),
    skewRadians: measureSkew(ink, rowInk, width, height, inked),
  };
  return { analysis, ink: { ink, width, height, rowInk } };
}
