import { readFrameCount } from '../documents/page-images.js';
import { openPdf, type PdfFile } from '../documents/pdfium.js';
import { fittingDpi, type RenderLimits } from '../documents/render-resolution.js';
import type { Config } from '../config.js';
import { AppError } from '../errors.js';
import type { ImageType } from '../ocr/input/image-type.js';
import { selectPages } from './page-selection.js';

/** Image types sharp reads page by page: a file of these with more than one page is a document. */
const MULTI_PAGE_TYPES: ReadonlySet<ImageType> = new Set(['tiff', 'gif', 'webp']);

export interface DocumentLimits extends RenderLimits {
  /** MAX_PAGES: the most pages one document may have read. */
  maxPages: number;
}

/** MAX_IMAGE_PIXELS, MAX_PAGES and PDF_RENDER_DPI from the settings, as the checks and the renderer read them. */
export function documentLimits({ maxImagePixels, maxPages, pdfRenderDpi }: Omit<Config['limits'], 'maxUploadBytes'>): DocumentLimits {
  return { maxPixels: maxImagePixels, maxPages, renderDpi: pdfRenderDpi };
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

/**
 * Checks a PDF at upload from its structure alone (nothing is rendered), and answers the 1-based pages to read, in
 * order. Throws TOO_MANY_PAGES, PAGE_TOO_LARGE, DOCUMENT_ENCRYPTED, DOCUMENT_UNREADABLE, or INVALID_PARAMETER for a
 * page selection the document does not have.
 */
export async function inspectPdf(bytes: Buffer, selection: string | undefined, limits: DocumentLimits): Promise<number[]> {
  const pdf = await openPdf(bytes);
  try {
    const pages = selectPages(selection, pdf.pageCount);
    if (pages.length === 0) throw new AppError('DOCUMENT_UNREADABLE', 'The PDF has no pages.');
    checkPageCount(pages.length, limits);
    for (const page of pages) checkPdfPage(pdf, page, limits);
    return pages;
  } finally {
    pdf.close();
  }
}

/**
 * Whether an image of `type` is a document: a multi-page TIFF, GIF or WebP, checked from its structure. Answers its
 * 1-based pages to read, in order, or undefined for an image of one page. Throws TOO_MANY_PAGES, IMAGE_TOO_LARGE, or
 * INVALID_PARAMETER for a page selection the document does not have.
 */
export async function inspectImagePages(
  bytes: Buffer,
  type: ImageType,
  selection: string | undefined,
  limits: DocumentLimits,
): Promise<number[] | undefined> {
  if (!MULTI_PAGE_TYPES.has(type)) return undefined;
  const frames = await readFrameCount(bytes);
  if (!frames || frames.pages < 2) return undefined;
  const pages = selectPages(selection, frames.pages);
  checkPageCount(pages.length, limits);
  if (frames.width * frames.height > limits.maxPixels) {
    throw new AppError('IMAGE_TOO_LARGE', `A page is ${frames.width} × ${frames.height} pixels, over the limit of ${limits.maxPixels} pixels.`);
  }
  return pages;
}
