import type { OutputFormat } from '../formats.js';
import type { OcrResult, PageResult } from '../job.js';
import { PSM_SINGLE_BLOCK } from '../ocr/reading/page-segmentation.js';
import { hocrDocument, tsvDocument } from '../ocr/output/tesseract-documents.js';
import { mergePdfs } from './pdf-pages.js';

/** Pages of `result.text` are separated by a form feed, as `pdftotext` separates them. */
export const PAGE_SEPARATOR = '\f';

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/'/g, '&#39;');

/**
 * One page's `ocr_page` element, numbered as the `index`-th page of the document: tesseract numbers every element
 * of a page it read alone as page 1 (`page_1`, `word_1_5`, `ppageno 0`). A text-layer page has no boxes, so its
 * lines are given without any.
 */
function pageHocr(page: PageResult, index: number): string {
  if (page.source === 'text-layer' || page.hocr === undefined) {
    const lines = page.text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line, number) => `   <span class='ocr_line' id='line_${index}_${number + 1}'>${escapeHtml(line)}</span>`);
    return `  <div class='ocr_page' id='page_${index}' title='ppageno ${index - 1}'>\n${lines.join('\n')}\n  </div>`;
  }
  const body = /<body>\n?([^]*?)\s*<\/body>/.exec(page.hocr)?.[1] ?? '';
  return body.replace(/id='(\w+?)_1(_\d+)?'/g, `id='$1_${index}$2'`).replace(/ppageno 0/, `ppageno ${index - 1}`);
}

/** A page's TSV rows (no header) with the original page number in the page_num column. */
function pageTsvRows(page: PageResult): string[] {
  if (page.source === 'text-layer' || page.tsv === undefined) {
    // A text layer has no boxes here: its words come with empty ones and full confidence, line by line.
    return page.text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .flatMap((line, lineIndex) =>
        line
          .trim()
          .split(/\s+/)
          .map((word, wordIndex) => [5, page.page, 1, 1, lineIndex + 1, wordIndex + 1, 0, 0, 0, 0, 100, word].join('\t')),
      );
  }
  return page.tsv
    .split('\n')
    .slice(1)
    .filter((row) => row !== '')
    .map((row) => {
      const cells = row.split('\t');
      cells[1] = String(page.page);
      return cells.join('\t');
    });
}

export interface DocumentResultOptions {
  /** The language set asked for: `auto` gives way to the one most OCR pages were found in. */
  lang: string;
  outputs: readonly OutputFormat[];
  queuedMs: number;
}

/** The language most OCR pages were read with (the first page's on a tie), or `requested` when no page was OCRed. */
function mostUsedLanguage(pages: readonly PageResult[], requested: string): string {
  const counts = new Map<string, number>();
  for (const { lang } of pages) if (lang) counts.set(lang, (counts.get(lang) ?? 0) + 1);
  let found = requested;
  let most = 0;
  for (const [lang, count] of counts) if (count > most) [found, most] = [lang, count];
  return found;
}

/**
 * A document's result from its pages' results: the texts joined by form feeds, the mean confidence and the least
 * confident page's, each page with its source, and the renditions asked for merged into one (one `ocr_page` per
 * page, TSV rows carrying page numbers, one PDF with every page at its original size).
 */
export async function documentResult(pages: PageResult[], { lang, outputs, queuedMs }: DocumentResultOptions): Promise<OcrResult> {
  const ordered = [...pages];
  const confidences = ordered.map((page) => page.confidence);
  const confidence = confidences.reduce((sum, value) => sum + value, 0) / Math.max(1, confidences.length);
  const engineVersion = ordered.map((page) => page.hocr && /tesseract ([^']+)'/.exec(page.hocr)?.[1]).find(Boolean) ?? '5';
  return {
    text: ordered.map((page) => page.text).join(PAGE_SEPARATOR),
    confidence: Math.round(confidence * 100) / 100,
    minPageConfidence: confidences.length > 0 ? Math.min(...confidences) : 0,
    lang: mostUsedLanguage(ordered, lang),
    psm: ordered.find((page) => page.psm !== undefined)?.psm ?? PSM_SINGLE_BLOCK,
    timings: { queuedMs, recognitionMs: ordered.reduce((sum, page) => sum + page.recognitionMs, 0) },
    pages: ordered.map(({ page, text, confidence: pageConfidence, source, lang: pageLang, rotation, words, lines, regions, tables }) => ({
      page,
      text,
      confidence: pageConfidence,
      source,
      ...(pageLang && { lang: pageLang }),
      ...(rotation !== undefined && { rotation }),
      ...(words && { words }),
      ...(lines && { lines }),
      ...(regions && { regions }),
      ...(tables && { tables }),
    })),
    ...(outputs.includes('hocr') && { hocr: hocrDocument(ordered.map((page, index) => pageHocr(page, index + 1)).join('\n'), engineVersion) }),
    ...(outputs.includes('tsv') && { tsv: tsvDocument(`${ordered.flatMap(pageTsvRows).join('\n')}\n`) }),
    ...(outputs.includes('pdf') && {
      pdf: Buffer.from(await mergePdfs(ordered.map((page) => Buffer.from(page.pdf ?? '', 'base64')))).toString('base64'),
    }),
  };
}
