import { PDFDocument } from 'pdf-lib';
import type { PaperPlacement } from '../job.js';

/** The only file that loads `pdf-lib` (MIT): pages are copied out of an uploaded PDF, placed, and merged into one. */

/**
 * Copies single pages out of a PDF, each as a PDF of its own, exactly as they are (text, fonts, vectors): a page
 * with a text layer goes into the searchable PDF unchanged. The source is parsed once, on the first copy.
 */
export function createPageCopier(bytes: Uint8Array): (page: number) => Promise<Uint8Array> {
  let source: Promise<PDFDocument> | undefined;
  return async (page) => {
    source ??= PDFDocument.load(bytes, { updateMetadata: false });
    const single = await PDFDocument.create({ updateMetadata: false });
    const [copied] = await single.copyPages(await source, [page - 1]);
    single.addPage(copied);
    return single.save();
  };
}

/**
 * The page of a document's searchable PDF for a rendered page: `pdf` (the page image under its text layer, as the
 * OCR made it) shown at the paper's size over the box the image was rendered from, whatever resolution the image
 * declares.
 */
export async function placeOnPaper(pdf: Uint8Array, { widthPt, heightPt, image }: PaperPlacement): Promise<Uint8Array> {
  const document = await PDFDocument.create({ updateMetadata: false });
  const [shown] = await document.embedPdf(pdf, [0]);
  const page = document.addPage([widthPt, heightPt]);
  page.drawPage(shown!, { x: image.leftPt, y: heightPt - image.topPt - image.heightPt, width: image.widthPt, height: image.heightPt });
  return document.save();
}

/** One PDF of the given one-page (or longer) PDFs, their pages in order, each at its own size. */
export async function mergePdfs(parts: Uint8Array[]): Promise<Uint8Array> {
  const merged = await PDFDocument.create();
  for (const part of parts) {
    const source = await PDFDocument.load(part, { updateMetadata: false });
    for (const page of await merged.copyPages(source, source.getPageIndices())) merged.addPage(page);
  }
  return merged.save();
}
