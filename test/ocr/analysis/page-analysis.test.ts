import { describe, expect, it } from 'vitest';
import { analysePage, type GrayImage } from '../../../src/ocr/analysis/page-analysis.js';
import { findLayout } from '../../../src/ocr/layout/find-layout.js';

const LINE = 12;
const LEADING = 8;
const WORD = 30;
const SPACE = 6;

/** A white page with blocks of "text": lines of dark word-sized bars, as a layout is seen before it is read. */
function page(width: number, height: number, blocks: Array<{ left: number; top: number; width: number; lines: number }>): GrayImage {
  const data = new Uint8Array(width * height).fill(255);
  for (const block of blocks) {
    for (let line = 0; line < block.lines; line += 1) {
      const top = block.top + line * (LINE + LEADING);
      for (let word = block.left; word + WORD <= block.left + block.width; word += WORD + SPACE) {
        for (let y = top; y < top + LINE; y += 1) data.fill(0, y * width + word, y * width + word + WORD);
      }
    }
  }
  return { data, width, height };
}

type Layout = Parameters<typeof page>;

describe('page layout: columns of running text, found by findLayout on the analysed ink', () => {
  it.each<[string, number, ...Layout]>([
    [
      'two columns of unequal length',
      2,
      520,
      300,
      [
        { left: 20, top: 20, width: 220, lines: 12 },
        { left: 280, top: 20, width: 220, lines: 5 },
      ],
    ],
    [
      'two columns under a headline that spans them',
      2,
      520,
      320,
      [
        { left: 20, top: 20, width: 400, lines: 1 },
        { left: 20, top: 70, width: 220, lines: 10 },
        { left: 280, top: 70, width: 220, lines: 8 },
      ],
    ],
    [
      'three narrow columns',
      3,
      560,
      200,
      [
        { left: 20, top: 20, width: 150, lines: 6 },
        { left: 200, top: 20, width: 150, lines: 6 },
        { left: 380, top: 20, width: 150, lines: 6 },
      ],
    ],
    [
      'an invoice, text with its amounts set apart',
      1,
      400,
      200,
      [
        { left: 20, top: 20, width: 220, lines: 7 },
        { left: 290, top: 20, width: 70, lines: 7 },
      ],
    ],
    ['a page of one column', 1, 400, 200, [{ left: 20, top: 20, width: 360, lines: 8 }]],
  ])('counts %s as %i column(s)', (_, columns, ...layout) => {
    const { analysis, ink } = analysePage(page(...layout));
    const regions = findLayout(ink, analysis.lineHeight).regions;
    // Columns are regions side by side: read one after the other, from the same top.
    const sideBySide = Math.max(...regions.map((region) => regions.filter((other) => other.box.top === region.box.top).length));
    expect(sideBySide).toBe(columns);
  });
});
