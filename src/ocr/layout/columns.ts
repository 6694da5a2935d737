import type { LayoutRegion } from './find-layout.js';
import type { InkMap } from './ink-map.js';
import type { Band } from './bands.js';
import { inkedRuns, joinRuns, spanLength, type Span } from './runs.js';

/** A gutter between columns of text is at least this many line heights wide, blank from its lines' top to their bottom. */
const MIN_GUTTER = 1.3;
/** Columns run at least this tall (about three lines): through one or two lines a blank gap may be between words. */
const MIN_COLUMNS_HEIGHT = 6;
/** A column of running text is at least this wide; narrower blocks are the amounts of a receipt or a form's labels. */
const MIN_COLUMN_WIDTH = 10;

/** Consecutive bands from `first` to `last` whose ink falls into `blocks` side by side. */
interface ColumnWindow {
  first: number;
  last: number;
  blocks: Span[];
}

/**
 * The run of consecutive bands, at least MIN_COLUMNS_HEIGHT tall, whose ink falls into blocks of text-column width
 * apart by gutters that run blank from the run's top to its bottom, with the longest gutters in all: columns. Runs rather than the whole text,
 * so that a headline across the columns, set close above them, does not hide their gutter. `unsure` when there are
 * no columns but such a run with a block narrower than a column.
 */
function columnWindow({ width }: InkMap, bands: readonly Band[], lineHeight: number): { tallest?: ColumnWindow; unsure: boolean } {
  const columnInk = new Uint32Array(width);
  let tallest: ColumnWindow | undefined;
  let unsure = false;
  const heightOf = ({ first, last }: ColumnWindow) => bands[last]!.end - bands[first]!.start + 1;
  // The run with the longest gutters in all (their number times the run's height): a headline over three columns,
  // taken in, hides a gutter for a run only a little taller; a few lines whose spaces line up add one only for
  // their own height.
  const gutterLength = (window: ColumnWindow) => (window.blocks.length - 1) * heightOf(window);
  const outranks = (window: ColumnWindow, other: ColumnWindow) => gutterLength(window) > gutterLength(other);
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
      if (tall && wide && (!tallest || outranks(window, tallest))) tallest = window;
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
export function textRegions(map: InkMap, bands: readonly Band[], lineHeight: number): LayoutRegion[] {
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
