import type { Region, Table } from '../../formats.js';
import type { Recognition, RecognizeRequest } from '../engine/engine.js';
import type { LayoutRegion } from '../layout/find-layout.js';
import { PSM_AUTO, PSM_SINGLE_BLOCK } from './page-segmentation.js';
import type { PreparedImage } from '../analysis/preprocess.js';
import { wordsOfTsv } from './tsv-rows.js';
import { mergeReads } from './merge-reads.js';
import { blockRegions, layoutRegions, readRegions } from './page-regions.js';
import { tableCells } from './table-cells.js';

/** One read of a page or a part of it; `words` asks for the words' boxes (tesseract's TSV), which tables need. */
export type ReadRequest = Pick<RecognizeRequest, 'psm' | 'rectangle' | 'deskew'> & { words: boolean };

/** What a page read in its regions gives: boxes in pixels of the image tesseract read. */
export interface PageReading {
  recognition: Recognition;
  regions: Region[];
  tables: Table[];
}

const tablesOf = (recognition: Recognition, tables: readonly LayoutRegion[]): Table[] => {
  if (tables.length === 0) return [];
  const words = wordsOfTsv(recognition.tsv ?? '');
  return tables.map((table) => tableCells(table, words));
};

/** Whether some regions stand side by side (columns), which a read of the whole page as one block would read across. */
const hasSideBySide = (layout: readonly LayoutRegion[]) =>
  layout.some(({ box: a }, index) =>
    layout.some(({ box: b }, at) => at !== index && a.top <= b.bottom && b.top <= a.bottom && (a.right < b.left || b.right < a.left)),
  );

/**
 * Reads a page the way its layout asks: a page whose regions lie one under the other (running text, forms, tables)
 * in one pass as a block of lines, row by row, each line going to the region it lies in; a page in columns region by
 * region in reading order, each as a block of lines, so that columns are never read across nor a table column by
 * column. A page the analysis cannot tell (no table, a gutter beside blocks too narrow for columns) is read as
 * tesseract's own analysis reads it. A segmentation mode the client chose reads the whole page with it, tesseract
 * finding the regions.
 */
export async function readPage(page: PreparedImage, read: (request: ReadRequest) => Promise<Recognition>, clientPsm?: number): Promise<PageReading> {
  const layout = page.layout.regions;
  if (clientPsm !== undefined) {
    const recognition = await read({ psm: clientPsm, deskew: page.deskew, words: false });
    return { recognition, regions: blockRegions(recognition), tables: [] };
  }
  const tables = layout.filter((region) => region.kind === 'table');
  if (tables.length === 0 && layout.some((region) => region.unsure)) {
    const recognition = await read({ psm: PSM_AUTO, deskew: page.deskew, words: false });
    return { recognition, regions: blockRegions(recognition), tables: [] };
  }
  if (!hasSideBySide(layout)) {
    const recognition = await read({ psm: PSM_SINGLE_BLOCK, deskew: page.deskew, words: tables.length > 0 });
    return { recognition, regions: layoutRegions(recognition, layout), tables: tablesOf(recognition, tables) };
  }
  // The regions were found on the page turned by the measured skew: each read turns it by that angle too.
  const deskew = page.deskew === 'fit' ? page.analysis.skewRadians : page.deskew;
  const reads: Recognition[] = [];
  for (const region of layout) {
    reads.push(await read({ psm: PSM_SINGLE_BLOCK, rectangle: region.box, deskew, words: region.kind === 'table' }));
  }
  return {
    recognition: mergeReads(reads),
    regions: readRegions(reads, layout),
    tables: tables.map((table) => tablesOf(reads[layout.indexOf(table)]!, [table])[0]!),
  };
}
