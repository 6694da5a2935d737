import type { Table } from '../../formats.js';
import type { LayoutRegion } from '../layout/find-layout.js';
import type { Span } from '../layout/runs.js';
import type { TsvWord } from './tsv-rows.js';

/** The span a position falls in, or else the nearest one: a word's centre may stray past a measured edge. */
function nearestSpan(spans: readonly Span[], position: number): number {
  let best = 0;
  let bestDistance = Number.POSITIVE_INFINITY;
  spans.forEach(({ start, end }, index) => {
    const distance = position < start ? start - position : position > end ? position - end : 0;
    if (distance < bestDistance) [best, bestDistance] = [index, distance];
  });
  return best;
}

const inside = (word: TsvWord, { box }: LayoutRegion) => {
  const [x, y] = [(word.left + word.right) / 2, (word.top + word.bottom) / 2];
  return x >= box.left && x <= box.right && y >= box.top && y <= box.bottom;
};

/**
 * A table's cells from the words read in it: each word goes to the row and the column of the layout its centre falls
 * in (or the nearest), and a cell's words are joined left to right. Rows come out as the layout found them, every one
 * with a cell string per column, empty where nothing was read.
 */
export function tableCells(region: LayoutRegion, words: readonly TsvWord[]): Table {
  const { columns, rows } = region.cells!;
  const grid = rows.map(() => columns.map(() => [] as TsvWord[]));
  for (const word of words) {
    if (!inside(word, region)) continue;
    const row = nearestSpan(rows, (word.top + word.bottom) / 2);
    grid[row]![nearestSpan(columns, (word.left + word.right) / 2)]!.push(word);
  }
  const { left, top, right, bottom } = region.box;
  return {
    bbox: { x0: left, y0: top, x1: right + 1, y1: bottom + 1 },
    rows: grid.map((cells) =>
      cells.map((cellWords) =>
        cellWords
          .sort((a, b) => a.left - b.left)
          .map((word) => word.text)
          .join(' '),
      ),
    ),
  };
}
