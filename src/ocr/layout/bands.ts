import type { InkMap } from './ink-map.js';
import { inkedRuns, inkPerColumn, inkPerRow, joinRuns, type Span } from './runs.js';

/**
 * Every distance is in line heights (the page's median height of a line of ink, `analysePage`'s measure, about two
 * thirds of the type size), so the rules hold at any resolution and type size.
 */

/** Rows holding less ink than this share of the page's width are blank: a speck does not join two lines. */
const BLANK_ROW_SHARE = 0.002;
/** Blank rows inside a line (between an accent or the dot of an i and its letter) are fewer than this. */
const IN_LINE_GAP = 0.35;
/**
 * Ink at least this far apart on one line is in separate cells. Spaces between words are narrower, even in a
 * monospaced type (about 1.2); gaps between a table's columns are wider (about 2 and up).
 */
const CELL_GAP = 1.7;

/** A horizontal band of ink: one line, or where lines of neighbouring columns overlap, several. */
export interface Band extends Span {
  /** Stretches of ink along the band, apart by at least a cell gap. */
  cells: Span[];
  /** Ink pixels in each column of the page within the band. */
  columnInk: Uint32Array;
}

/** The page's bands of ink, top to bottom, each with its stretches of ink along it. */
export function findBands({ ink, width, height, rowInk: counted }: InkMap, lineHeight: number): Band[] {
  const rowInk = counted ?? inkPerRow(ink, width, 0, height - 1, 0, width - 1);
  const blank = Math.max(0, width * BLANK_ROW_SHARE);
  const bands = joinRuns(
    inkedRuns(0, height - 1, (y) => rowInk[y]! > blank),
    IN_LINE_GAP * lineHeight,
  );
  return bands.map((band) => {
    const columnInk = inkPerColumn(ink, width, band.start, band.end);
    return {
      ...band,
      columnInk,
      cells: joinRuns(
        inkedRuns(0, width - 1, (x) => columnInk[x]! > 0),
        CELL_GAP * lineHeight,
      ),
    };
  });
}
