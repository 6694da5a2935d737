import type { Recognition } from '../engine/engine.js';
import { PSM_AUTO } from './page-segmentation.js';

/** The elements of an hOCR page that tesseract numbers. */
type NumberedKind = 'block' | 'par' | 'line' | 'word';

/**
 * The hOCR of several reads of one page as one page: the first read's document, its `ocr_page` holding every read's
 * areas in order, their ids numbered on from the reads before (tesseract numbers each read from 1).
 */
export function mergeHocr(documents: readonly string[]): string {
  const highest: Record<NumberedKind, number> = { block: 0, par: 0, line: 0, word: 0 };
  const bodies = documents.map((document) => {
    const offsets = { ...highest };
    const inner = /<div class='ocr_page'[^>]*>([^]*?)<\/div>\s*<\/body>/.exec(document)?.[1] ?? '';
    return inner.replace(/id='(block|par|line|word)_(\d+)_(\d+)'/g, (_, kind: NumberedKind, page: string, number: string) => {
      const renumbered = Number(number) + offsets[kind];
      highest[kind] = Math.max(highest[kind], renumbered);
      return `id='${kind}_${page}_${renumbered}'`;
    });
  });
  const first = documents[0] ?? '';
  return first.replace(
    /(<div class='ocr_page'[^>]*>)[^]*?(<\/div>\s*<\/body>)/,
    (_, open: string, close: string) => `${open}${bodies.join('')}${close}`,
  );
}

/** The TSV of several reads of one page as one: the header and page row once, block numbers going on from read to read. */
export function mergeTsv(documents: readonly string[]): string {
  const [header = '', pageRow = ''] = (documents[0] ?? '').split('\n');
  let blocksBefore = 0;
  const rows = documents.flatMap((document) => {
    const offset = blocksBefore;
    return document
      .split('\n')
      .slice(2)
      .filter((row) => row !== '')
      .map((row) => {
        const cells = row.split('\t');
        cells[2] = String(Number(cells[2]) + offset);
        blocksBefore = Math.max(blocksBefore, Number(cells[2]));
        return cells.join('\t');
      });
  });
  return `${[header, pageRow, ...rows].join('\n')}\n`;
}

const characters = (text: string) => text.replace(/\s/g, '').length;

/**
 * Several reads of the regions of one page as one recognition, in the order given: texts a blank line apart,
 * confidence the mean of the reads' weighted by the characters each read, boxes and renditions joined.
 */
export function mergeReads(reads: readonly Recognition[]): Recognition {
  const texts = reads.map((read) => read.text.trim()).filter((text) => text !== '');
  const weights = reads.map((read) => characters(read.text));
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  let blocksBefore = 0;
  const lineBoxes = reads.flatMap((read) => {
    const offset = blocksBefore;
    const boxes = read.lineBoxes.map((box) => ({ ...box, block: box.block + offset }));
    blocksBefore = Math.max(blocksBefore, ...boxes.map((box) => box.block));
    return boxes;
  });
  const [first] = reads;
  return {
    text: texts.length > 0 ? `${texts.join('\n\n')}\n` : '',
    confidence: total === 0 ? (first?.confidence ?? 0) : reads.reduce((sum, read, index) => sum + read.confidence * weights[index]!, 0) / total,
    psm: PSM_AUTO,
    recognitionMs: reads.reduce((sum, read) => sum + read.recognitionMs, 0),
    rotateRadians: first?.rotateRadians ?? 0,
    lineBoxes,
    ...(first?.words && { words: reads.flatMap((read) => read.words ?? []) }),
    ...(first?.lines && { lines: reads.flatMap((read) => read.lines ?? []) }),
    ...(first?.hocr !== undefined && { hocr: mergeHocr(reads.map((read) => read.hocr ?? '')) }),
    ...(first?.tsv !== undefined && { tsv: mergeTsv(reads.map((read) => read.tsv ?? '')) }),
  };
}
