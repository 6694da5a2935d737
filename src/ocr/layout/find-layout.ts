import { findBands, type Band } from './bands.js';
import { textRegions } from './columns.js';
import type { InkMap } from './ink-map.js';
import type { Span } from './runs.js';
import { tableFrom } from './tables.js';

/**
 * How a region of a page is read: running text (a column, a headline, a paragraph) as a block of lines, or a table,
 * row by row and split into cells.
 */
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
