import { AppError, isAppError } from '../errors.js';
import type { PaperPlacement } from '../job.js';
import { bitmapAsPng, frameAsPng } from './page-images.js';
import { createPageCopier } from './pdf-pages.js';
import { openPdf, type PdfFile } from './pdfium.js';
import { isPdf } from './inspect.js';
import { bitmapOnPaper, pagePlacement, placementDpi, type RenderLimits } from './render-resolution.js';

/** A page has a real text layer when it holds at least this many characters besides whitespace. */
const MIN_TEXT_LAYER_CHARACTERS = 20;

/** The pages of an uploaded document as a worker reads them, one at a time. Pages are 1-based. */
export interface DocumentSource {
  /** The page's own text, when it has a real text layer (a born-digital PDF page); undefined otherwise. */
  textLayer(page: number): string | undefined;
  /**
   * The page as a PNG that declares its resolution: a PDF page rendered as `pagePlacement` says, or a page of a
   * multi-page image with its pixels as they are.
   */
  image(page: number): Promise<PageImage>;
  /** The page as a PDF of its own, exactly as in the original (PDF only). */
  pdfPage(page: number): Promise<Uint8Array>;
  close(): void;
}

export interface PageImage {
  bytes: Buffer;
  mediaType: 'image/png';
  /** For a PDF page: where the image lies on the page. */
  paper?: PaperPlacement;
}

const pageUnreadable = (page: number, cause: unknown) =>
  isAppError(cause) ? cause : new AppError('DOCUMENT_UNREADABLE', `Page ${page} of the document cannot be read.`, { cause });

function pdfSource(bytes: Buffer, pdf: PdfFile, limits: RenderLimits): DocumentSource {
  const copyPage = createPageCopier(bytes);
  return {
    textLayer(page) {
      const text = pdf.text(page);
      return text.replace(/\s/g, '').length >= MIN_TEXT_LAYER_CHARACTERS ? text : undefined;
    },
    async image(page) {
      try {
        const size = pdf.pageSize(page);
        const placement = pagePlacement(size, pdf.content(page), limits);
        const bytes = await bitmapAsPng(pdf.render(page, placement), placementDpi(placement));
        return { bytes, mediaType: 'image/png', paper: bitmapOnPaper(size, placement) };
      } catch (error) {
        throw pageUnreadable(page, error);
      }
    },
    pdfPage: copyPage,
    close: () => pdf.close(),
  };
}

/** Opens an uploaded document (checked at upload) for its pages; the document's bytes stay in the caller's hands. */
export async function openDocument(bytes: Buffer, limits: RenderLimits): Promise<DocumentSource> {
  if (isPdf(bytes)) return pdfSource(bytes, await openPdf(bytes), limits);
  return {
    textLayer: () => undefined,
    async image(page) {
      try {
        return { bytes: await frameAsPng(bytes, page - 1, limits.maxPixels), mediaType: 'image/png' };
      } catch (error) {
        throw pageUnreadable(page, error);
      }
    },
    pdfPage: () => Promise.reject(new Error('a multi-page image has no PDF pages')),
    close: () => undefined,
  };
}
