import type { InkMap } from './ink-map.js';

/** Postl's criterion on a projection: the sum of squared differences of neighbouring counts. */
function sharpness(counts: Uint32Array): number {
  let sum = 0;
  for (let at = 1; at < counts.length; at += 1) sum += (counts[at]! - counts[at - 1]!) ** 2;
  return sum;
}

/**
 * Which way the page's text lines run: the natural log of how much more sharply its ink changes from row to row
 * than from column to column. Lines of text running across the page fill some rows and leave the gaps between
 * them empty, while every column crosses them all alike: above 0, lines run across (the page is upright or upside
 * down); below 0, down the page (it lies on its side). Noise with no lines in it changes about as sharply both ways.
 */
export function lineDirection({ ink, width, height }: InkMap): number {
  const rows = new Uint32Array(height);
  const columns = new Uint32Array(width);
  for (let y = 0, at = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1, at += 1) {
      if (ink[at] === 1) {
        rows[y]! += 1;
        columns[x]! += 1;
      }
    }
  }
  return Math.log((sharpness(rows) + 1) / (sharpness(columns) + 1));
}
