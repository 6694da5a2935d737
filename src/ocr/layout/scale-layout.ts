import type { LayoutBox, LayoutRegion, PageLayout } from './find-layout.js';
import type { Span } from './runs.js';

/**
 * A layout measured on one copy of a page, in pixels of another `factor` times its size (`size`): each edge scaled
 * and widened by half a pixel of the measured copy, so the scaled box still holds every pixel of its ink.
 */
export function scaleLayout(layout: PageLayout, factor: number, size: { width: number; height: number }): PageLayout {
  if (factor === 1) return layout;
  const low = (value: number) => Math.max(0, Math.floor(value * factor));
  const high = (value: number, limit: number) => Math.min(limit - 1, Math.ceil((value + 1) * factor) - 1);
  const span = ({ start, end }: Span, limit: number): Span => ({ start: low(start), end: high(end, limit) });
  const box = ({ left, top, right, bottom }: LayoutBox): LayoutBox => ({
    left: low(left),
    top: low(top),
    right: high(right, size.width),
    bottom: high(bottom, size.height),
  });
  const region = ({ kind, box: regionBox, cells, unsure }: LayoutRegion): LayoutRegion => ({
    kind,
    ...(unsure && { unsure }),
    box: box(regionBox),
    ...(cells && {
      cells: { columns: cells.columns.map((column) => span(column, size.width)), rows: cells.rows.map((row) => span(row, size.height)) },
    }),
  });
  return { regions: layout.regions.map(region) };
}
