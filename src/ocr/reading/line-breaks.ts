import type { TsvBox } from './tsv-rows.js';

/**
 * A line starts a new paragraph when the space above it exceeds the page's usual space between lines by this many
 * line heights: a paragraph set apart by a blank line, not a line that tesseract's paragraph guess (short lines,
 * indents) split off.
 */
const PARAGRAPH_GAP_LINE_HEIGHTS = 0.5;

/** The middle value (the upper of the two middle ones), 0 for none. */
export function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/**
 * The text with a blank line only where the page has one: between regions of text (tesseract's blocks) and where
 * the space between two lines is clearly wider than between the others. `lines` are the boxes of the text's
 * non-blank lines, in the same order; when they do not match, the text is returned as it is.
 */
export function keepRealParagraphBreaks(text: string, lines: readonly TsvBox[]): string {
  const textLines = text.split('\n').filter((line) => line.trim() !== '');
  if (textLines.length === 0 || textLines.length !== lines.length) return text;
  const lineHeight = median(lines.map((line) => line.bottom - line.top));
  const gaps = lines.slice(1).map((line, index) => line.top - lines[index]!.bottom);
  const usualGap = median(gaps.filter((_, index) => lines[index + 1]!.block === lines[index]!.block));
  const breaksBefore = (index: number): boolean =>
    lines[index]!.block !== lines[index - 1]!.block || gaps[index - 1]! > usualGap + PARAGRAPH_GAP_LINE_HEIGHTS * lineHeight;
  return `${textLines.map((line, index) => (index > 0 && breaksBefore(index) ? `\n${line}` : line)).join('\n')}\n`;
}
