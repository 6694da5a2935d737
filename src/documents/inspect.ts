import { AppError } from '../errors.js';
import { detectImageType, IMAGE_TYPES } from '../ocr/input/image-type.js';
import { readFrameCount } from './page-images.js';
import { selectPages } from './page-selection.js';
import { openPdf, type PdfFile } from './pdfium.js';
import { fittingDpi, type RenderLimits } from './render-resolution.js';

export const PDF_MEDIA_TYPE = 'application/pdf';

/** Image types sharp reads page by page: a file of these with more than one page is a document. */
const MULTI_PAGE_TYPES = new Set(['tiff', 'gif', 'webp']);

export interface DocumentLimits extends RenderLimits {
  /** MAX_PAGES: the most pages one document may have read. */
  maxPages: number;
}

export interface InspectedDocument {
  mediaType: string;
  /** The 1-based pages to read, in order. */
  pages: number[];
}

/**
 * Whether the bytes are a PDF: its header may follow up to 1 KiB of anything, as readers allow, so an image (told by
 * its own signature) whose first bytes happen to hold `%PDF-` stays an image.
 */
export function isPdf(bytes: Buffer): boolean {
  return detectImageType(bytes) === undefined && bytes.subarray(0, 1024).includes('%PDF-');
}

function checkPageCount(selected: number, { maxPages }: DocumentLimits): void {
  if (selected > maxPages) {
    throw new AppError(
      'TOO_MANY_PAGES',
      `The document has ${selected} pages to read, over the limit of ${maxPages}. Split it, or choose pages with pages= (such as 1-${maxPages}).`,
    );
  }
}

/**
 * Checks one page of a PDF from its structure: DOCUMENT_UNREADABLE for a page PDFium cannot load, PAGE_TOO_LARGE for
 * a page too large to render, or one that draws an image of more than `maxPixels` pixels (a few hundred kilobytes of
 * Flate-compressed zeros can declare billions, which rendering would decode).
 */
function checkPdfPage(pdf: PdfFile, page: number, limits: DocumentLimits): void {
  const size = pdf.pageSize(page);
  // PDFium gives a page it cannot load as 0 × 0: a page tree that counts pages it does not hold, or lists itself.
  if (!(size.widthPt > 0 && size.heightPt > 0)) {
    throw new AppError('DOCUMENT_UNREADABLE', `Page ${page} of the PDF cannot be read: its page tree is broken. Check the file and upload it again.`);
  }
  fittingDpi(size, limits.maxPixels);
  for (const { width, height } of pdf.imageSizes(page)) {
    if (width * height > limits.maxPixels) {
      throw new AppError(
        'PAGE_TOO_LARGE',
        `Page ${page} draws an image of ${width} × ${height} pixels, over the limit of ${limits.maxPixels} pixels.`,
      );
    }
  }
}

async function inspectPdf(bytes: Buffer, selection: string | undefined, limits: DocumentLimits): Promise<InspectedDocument> {
  const pdf = await openPdf(bytes);
  try {
    const pages = selectPages(selection, pdf.pageCount);
    if (pages.length === 0) throw new AppError('DOCUMENT_UNREADABLE', 'The PDF has no pages.');
    checkPageCount(pages.length, limits);
    for (const page of pages) checkPdfPage(pdf, page, limits);
    return { mediaType: PDF_MEDIA_TYPE, pages };
  } finally {
    pdf.close();
  }
}

/**
 * Checks a document at upload, from its structure alone (nothing is rendered): a PDF, or an image of a multi-page
 * type with more than one page. Answers undefined for anything else, which is checked as an image. Throws
 * TOO_MANY_PAGES, PAGE_TOO_LARGE, IMAGE_TOO_LARGE, DOCUMENT_ENCRYPTED, DOCUMENT_UNREADABLE, or INVALID_PARAMETER
 * for a page selection the document does not have.
 */
export async function inspectDocument(bytes: Buffer, selection: string | undefined, limits: DocumentLimits): Promise<InspectedDocument | undefined> {
  if (isPdf(bytes)) return inspectPdf(bytes, selection, limits);
  const type = detectImageType(bytes);
  if (!type || !MULTI_PAGE_TYPES.has(type)) return undefined;
  const frames = await readFrameCount(bytes);
  if (!frames || frames.pages < 2) return undefined;
  const pages = selectPages(selection, frames.pages);
  checkPageCount(pages.length, limits);
  if (frames.width * frames.height > limits.maxPixels) {
    throw new AppError('IMAGE_TOO_LARGE', `A page is ${frames.width} × ${frames.height} pixels, over the limit of ${limits.maxPixels} pixels.`);
  }
  return { mediaType: IMAGE_TYPES[type].mediaType, pages };
}
