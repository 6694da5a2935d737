import type { InkMap } from './ink-map.js';
import { gapsBetween, inkedRuns, inkPerColumn, inkPerRow, joinRuns, spanLength, type Span } from './runs.js';

/** How a region of a page is read: running text (a column, a headline, a paragraph) as a block of lines, or a table, row by row and split into cells. */
export type RegionKind = 'text' | 'table';

/** A rectangle of the page, both edges included. */
export interface LayoutBox {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

export interface LayoutRegion {
  kind: RegionKind;
  box: LayoutBox;
  /**
   * Running text the analysis cannot tell: a gutter runs blank through it, but beside blocks too narrow for columns
   * of text (labels scattered over a poster or a map, a form). Read as tesseract's own analysis reads it.
   */
  unsure?: true;
  /** Tables only: where each column and each row lies. */
  cells?: { columns: Span[]; rows: Span[] };
}

/** A page's regions, top to bottom, in the order they are read. */
export interface PageLayout {
  regions: LayoutRegion[];
}

/**
 * Every distance below is in line heights (the page's median height of a line of ink, `analysePage`'s measure,
 * about two thirds of the type size), so the rules hold at any resolution and type size.
 *
 * Rows holding less ink than this share of the page's width are blank: a speck does not join two lines.
 */
const BLANK_ROW_SHARE = 0.002;
/** Blank rows inside a line (between an accent or the dot of an i and its letter) are fewer than this. */
const IN_LINE_GAP = 0.35;
/**
 * Ink at least this far apart on one line is in separate cells. Spaces between words are narrower, even in a
 * monospaced type (about 1.2); gaps between a table's columns are wider (about 2 and up).
 */
const CELL_GAP = 1.7;
/** A separator between two columns of a table stays at least this wide on every row. */
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
/** A gutter between columns of text is at least this wide and runs blank the height of its section. */
const MIN_GUTTER = 1.3;
/** Lines this short are one or two: a gap that runs blank through them may be between words. */
const MIN_COLUMNS_HEIGHT = 6;
/** A column of running text is at least this wide; narrower blocks are the amounts of a receipt or a form's labels. */
const MIN_COLUMN_WIDTH = 10;

/**
 * Each region is read with this much of the blank page around its ink: tesseract reads a line cut tight to its
 * letters worse. Regions are apart by more than twice this.
 */
const MARGIN = 0.3;

function withMargin(region: LayoutRegion, { width, height }: InkMap, margin: number): LayoutRegion {
  const { left, top, right, bottom } = region.box;
  const pixels = Math.round(margin);
  return {
    ...region,
    box: {
      left: Math.max(0, left - pixels),
      top: Math.max(0, top - pixels),
      right: Math.min(width - 1, right + pixels),
      bottom: Math.min(height - 1, bottom + pixels),
    },
  };
}

/** A horizontal band of ink: one line, or where lines of neighbouring columns overlap, several. */
interface Band extends Span {
  /** Stretches of ink along the band, apart by at least a cell gap. */
  cells: Span[];
  /** Ink pixels in each column of the page within the band. */
  columnInk: Uint32Array;
}

function findBands({ ink, width, height }: InkMap, lineHeight: number): Band[] {
  const rowInk = inkPerRow(ink, width, 0, height - 1, 0, width - 1);
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
function tableFrom(bands: readonly Band[], first: number, lineHeight: number): { region?: LayoutRegion; last: number } {
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
  const region = tableRegion(rows, separators);
  const { columns } = region.cells!;
  // Lines of running text that align, and every stretch of them: no table starts among them.
  if (isRunningText(rows, columns, lineHeight)) return { last };
  const filled = (band: Band) => columns.filter((column) => inkWithin(band, column)).length;
  return rows.some((band) => filled(band) < 2) ? { last: first } : { region, last };
}

/** Consecutive bands from `first` to `last` whose ink falls into `blocks` side by side. */
interface ColumnWindow {
  first: number;
  last: number;
  blocks: Span[];
}

/**
 * The tallest run of consecutive bands, at least MIN_COLUMNS_HEIGHT tall, whose ink falls into blocks of text-column
 * width apart by gutters that run blank from the run's top to its bottom: columns. Runs rather than the whole text,
 * so that a headline across the columns, set close above them, does not hide their gutter. `unsure` when there are
 * no columns but such a run with a block narrower than a column.
 */
function columnWindow({ width }: InkMap, bands: readonly Band[], lineHeight: number): { tallest?: ColumnWindow; unsure: boolean } {
  const columnInk = new Uint32Array(width);
  let tallest: ColumnWindow | undefined;
  let unsure = false;
  const heightOf = ({ first, last }: ColumnWindow) => bands[last]!.end - bands[first]!.start + 1;
  for (let first = 0; first < bands.length; first += 1) {
    columnInk.fill(0);
    for (let last = first; last < bands.length; last += 1) {
      const profile = bands[last]!.columnInk;
      for (let x = 0; x < width; x += 1) columnInk[x]! += profile[x]!;
      const blocks = joinRuns(
        inkedRuns(0, width - 1, (x) => columnInk[x]! > 0),
        MIN_GUTTER * lineHeight,
      );
      if (blocks.length < 2) break;
      const window = { first, last, blocks };
      const wide = blocks.every((block) => spanLength(block) >= MIN_COLUMN_WIDTH * lineHeight);
      const tall = heightOf(window) >= MIN_COLUMNS_HEIGHT * lineHeight;
      if (tall && !wide) unsure = true;
      if (tall && wide && (!tallest || heightOf(window) > heightOf(tallest))) tallest = window;
    }
  }
  return { tallest, unsure: unsure && !tallest };
}

function textRegion(bands: readonly Band[], unsure = false): LayoutRegion {
  return {
    kind: 'text',
    ...(unsure && { unsure }),
    box: {
      left: Math.min(...bands.map((band) => band.cells[0]!.start)),
      top: bands[0]!.start,
      right: Math.max(...bands.map((band) => band.cells.at(-1)!.end)),
      bottom: bands.at(-1)!.end,
    },
  };
}

/**
 * Running text as regions in reading order: what stands above its columns (a headline), then each column left to
 * right, then what follows them, itself perhaps in columns again.
 */
function textRegions(map: InkMap, bands: readonly Band[], lineHeight: number): LayoutRegion[] {
  if (bands.length === 0) return [];
  const { tallest: window, unsure } = columnWindow(map, bands, lineHeight);
  if (!window) return [textRegion(bands, unsure)];
  const top = bands[window.first]!.start;
  const bottom = bands[window.last]!.end;
  return [
    ...(window.first > 0 ? [textRegion(bands.slice(0, window.first))] : []),
    ...window.blocks.map((block): LayoutRegion => ({ kind: 'text', box: { left: block.start, top, right: block.end, bottom } })),
    ...textRegions(map, bands.slice(window.last + 1), lineHeight),
  ];
}

/**
 * The regions of a page in reading order, from its ink: tables (lines whose ink leaves the same blank separators, row
 * after row) and the running text between them, split into its columns. `lineHeight` is the page's
 * (0 when it holds no text: one region, the whole page).
 */
export function findLayout(map: InkMap, lineHeight: number): PageLayout {
  const whole: LayoutRegion = { kind: 'text', box: { left: 0, top: 0, right: map.width - 1, bottom: map.height - 1 } };
  if (lineHeight === 0) return { regions: [whole] };
  const bands = findBands(map, lineHeight);
  if (bands.length === 0) return { regions: [whole] };
  const regions: LayoutRegion[] = [];
  let text: Band[] = [];
  const endText = () => {
    regions.push(...textRegions(map, text, lineHeight));
    text = [];
  };
  for (let index = 0; index < bands.length; index += 1) {
    const { region, last } = tableFrom(bands, index, lineHeight);
    if (region) endText();
    if (region) regions.push(region);
    else text.push(...bands.slice(index, last + 1));
    index = last;
  }
  endText();
  return { regions: regions.map((region) => withMargin(region, map, MARGIN * lineHeight)) };
}
