import type { Box, Region } from '../../formats.js';
import type { Recognition } from '../engine/engine.js';
import type { LayoutRegion } from '../layout/find-layout.js';
import { median } from './line-breaks.js';
import type { TsvBox } from './tsv-rows.js';

/** A line of the text with where it sits. */
interface PlacedLine {
  text: string;
  box: TsvBox;
}

/**
 * A block of at most this many lines, set this many times taller than the page's lines, is a heading: a headline
 * or a title is set larger than the text it heads.
 */
const MAX_HEADING_LINES = 3;
const HEADING_SCALE = 1.4;

/** The text's non-blank lines beside their boxes, or nothing when the two do not match line for line. */
function placedLines({ text, lineBoxes }: Recognition): PlacedLine[] {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  return lines.length === lineBoxes.length ? lines.map((line, index) => ({ text: line, box: lineBoxes[index]! })) : [];
}

const heightOf = ({ box }: PlacedLine) => box.bottom - box.top;

function boundingBox(lines: readonly PlacedLine[]): Box {
  return {
    x0: Math.min(...lines.map(({ box }) => box.left)),
    y0: Math.min(...lines.map(({ box }) => box.top)),
    x1: Math.max(...lines.map(({ box }) => box.right)),
    y1: Math.max(...lines.map(({ box }) => box.bottom)),
  };
}

const regionOf = (type: Region['type'], lines: readonly PlacedLine[]): Region => ({
  type,
  bbox: boundingBox(lines),
  text: `${lines.map((line) => line.text).join('\n')}\n`,
});

/** One region for the whole read, when its lines cannot be placed. */
function wholeRead(recognition: Recognition): Region[] {
  const { text, lineBoxes } = recognition;
  if (text.trim() === '') return [];
  const lines = lineBoxes.map((box) => ({ text: '', box }));
  const bbox = lines.length > 0 ? boundingBox(lines) : { x0: 0, y0: 0, x1: 0, y1: 0 };
  return [{ type: 'text', bbox, text }];
}

/**
 * The regions of a read in which tesseract found the layout itself: one per block of its, in its reading order, a
 * block of a few lines set clearly larger than the rest being a heading.
 */
export function blockRegions(recognition: Recognition): Region[] {
  const lines = placedLines(recognition);
  if (lines.length === 0) return wholeRead(recognition);
  const pageLineHeight = median(lines.map(heightOf));
  const blocks: PlacedLine[][] = [];
  for (const line of lines) {
    const current = blocks.at(-1);
    if (current && current[0]!.box.block === line.box.block) current.push(line);
    else blocks.push([line]);
  }
  return blocks.map((block) => {
    const heading = block.length <= MAX_HEADING_LINES && median(block.map(heightOf)) >= HEADING_SCALE * pageLineHeight;
    return regionOf(heading ? 'heading' : 'text', block);
  });
}

/**
 * The region each read of a page's layout regions gives, in order; a text region of a few lines set clearly larger
 * than the page's other lines is a heading.
 */
export function readRegions(reads: readonly Recognition[], layout: readonly LayoutRegion[]): Region[] {
  const pageLineHeight = median(reads.flatMap((read) => read.lineBoxes.map((box) => box.bottom - box.top)));
  return reads.flatMap((read, index) => {
    const lines = placedLines(read);
    if (lines.length === 0) return wholeRead(read);
    const heading = lines.length <= MAX_HEADING_LINES && median(lines.map(heightOf)) >= HEADING_SCALE * pageLineHeight;
    return [regionOf(layout[index]!.kind === 'table' ? 'table' : heading ? 'heading' : 'text', lines)];
  });
}

/**
 * The regions of a read of the whole page in one block: the layout's own regions (its tables, the text between
 * them), each holding the lines whose middle falls in it.
 */
export function layoutRegions(recognition: Recognition, layout: readonly LayoutRegion[]): Region[] {
  const lines = placedLines(recognition);
  if (lines.length === 0) return wholeRead(recognition);
  const nearest = (line: PlacedLine) => {
    const middle = (line.box.top + line.box.bottom) / 2;
    const distances = layout.map(({ box }) => (middle < box.top ? box.top - middle : middle > box.bottom ? middle - box.bottom : 0));
    return distances.indexOf(Math.min(...distances));
  };
  const held = layout.map(() => [] as PlacedLine[]);
  for (const line of lines) held[nearest(line)]!.push(line);
  return layout.flatMap((region, index) => (held[index]!.length > 0 ? [regionOf(region.kind === 'table' ? 'table' : 'text', held[index]!)] : []));
}
