import type { LayoutRegion } from './find-layout.js';
import type { Band } from './bands.js';
import { gapsBetween, spanLength, type Span } from './runs.js';

/** A separator between two columns of a table stays at least this wide on every row (in line heights, as every distance here). */
const MIN_SEPARATOR = 1;
/** A row of a table is one line tall: a band of ink taller than this holds several lines. */
const MAX_ROW_HEIGHT = 2.6;
/** Table rows are at most this far apart; a wider gap ends the table. */
const MAX_ROW_GAP = 3;
/** A table has a header and at least two rows: fewer aligned lines are as likely chance as a table. */
const MIN_TABLE_ROWS = 3;
/**
 * Columns whose every line is at least this wide hold running text, not cells (about fifteen characters): lines
 * of two or three columns of prose that happen to align are not a table.
 */
const MIN_TEXT_COLUMN = 11;

/** Each separator narrowed to what stays blank on `band`, or undefined when ink crosses one. */
function narrowSeparators(separators: readonly Span[], band: Band, lineHeight: number): Span[] | undefined {
  const narrowed: Span[] = [];
  for (const separator of separators) {
    let { start, end } = separator;
    for (const cell of band.cells) {
      if (cell.end < start || cell.start > end) continue;
      // Ink inside the separator: keep the wider blank side of it.
      if (cell.start - start >= end - cell.end) end = cell.start - 1;
      else start = cell.end + 1;
    }
    if (end - start + 1 < MIN_SEPARATOR * lineHeight) return undefined;
    narrowed.push({ start, end });
  }
  return narrowed;
}

/** The columns a table's separators leave, from its leftmost ink to its rightmost. */
function columnsBetween(separators: readonly Span[], left: number, right: number): Span[] {
  const edges = [left - 1, ...separators.flatMap(({ start, end }) => [start, end]), right + 1];
  return Array.from({ length: separators.length + 1 }, (_, index) => ({ start: edges[2 * index]! + 1, end: edges[2 * index + 1]! - 1 }));
}

/** Where the ink of `band` lies within `column`, or undefined when it has none there. */
function inkWithin(band: Band, column: Span): Span | undefined {
  const inside = band.cells.filter((cell) => cell.start >= column.start && cell.end <= column.end);
  return inside.length === 0 ? undefined : { start: inside[0]!.start, end: inside.at(-1)!.end };
}

/** A table read as a region: rows of the bands from `first` to `last`, columns between the separators. */
function tableRegion(bands: readonly Band[], separators: readonly Span[]): LayoutRegion {
  const left = Math.min(...bands.map((band) => band.cells[0]!.start));
  const right = Math.max(...bands.map((band) => band.cells.at(-1)!.end));
  const columns = columnsBetween(separators, left, right);
  return {
    kind: 'table',
    box: { left, top: bands[0]!.start, right, bottom: bands.at(-1)!.end },
    cells: { columns, rows: bands.map(({ start, end }) => ({ start, end })) },
  };
}

/** Aligned lines of prose in columns side by side, not cells: every column holds lines as wide as running text. */
function isRunningText(bands: readonly Band[], columns: readonly Span[], lineHeight: number): boolean {
  return columns.every((column) => {
    const widest = Math.max(0, ...bands.map((band) => inkWithin(band, column)).map((ink) => (ink ? spanLength(ink) : 0)));
    return widest >= MIN_TEXT_COLUMN * lineHeight;
  });
}

const isRowLike = (band: Band, lineHeight: number) => band.cells.length >= 2 && spanLength(band) <= MAX_ROW_HEIGHT * lineHeight;

/**
 * The table that starts at band `first`, if one does: one-line bands after it whose ink leaves the same separators
 * blank, at least MIN_TABLE_ROWS of them, with ink in two columns or more on each and not all of it running text.
 * `last` is the last band the answer covers: the table's, or those of aligned running text, which hold no table.
 */
export function tableFrom(bands: readonly Band[], first: number, lineHeight: number): { region?: LayoutRegion; last: number } {
  if (!isRowLike(bands[first]!, lineHeight)) return { last: first };
  let separators = gapsBetween(bands[first]!.cells);
  let last = first;
  while (last + 1 < bands.length) {
    const next = bands[last + 1]!;
    if (!isRowLike(next, lineHeight) || next.start - bands[last]!.end > MAX_ROW_GAP * lineHeight) break;
    const narrowed = narrowSeparators(separators, next, lineHeight);
    if (!narrowed) break;
    separators = narrowed;
    last += 1;
  }
  const rows = bands.slice(first, last + 1);
  if (rows.length < MIN_TABLE_ROWS) return { last: first };
  // The last lines of columns that happen to align: lines of columns just above (a band several lines tall, in
  // stretches side by side) leave the same gutters blank.
  const above = bands[first - 1];
  const columnsAbove = above && above.cells.length >= 2 && spanLength(above) > MAX_ROW_HEIGHT * lineHeight;
  if (columnsAbove && rows[0]!.start - above.end <= MAX_ROW_GAP * lineHeight && narrowSeparators(separators, above, lineHeight)) {
    return { last };
  }
  const region = tableRegion(rows, separators);
  const { columns } = region.cells!;
  // Lines of running text that align, and every stretch of them: no table starts among them.
  if (isRunningText(rows, columns, lineHeight)) return { last };
  const filled = (band: Band) => columns.filter((column) => inkWithin(band, column)).length;
  return rows.some((band) => filled(band) < 2) ? { last: first } : { region, last };
}
