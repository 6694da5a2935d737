import { AppError, isAppError } from '../errors.js';
import { bitmapAsJpeg, frameAsPng } from './page-images.js';
import { createPageCopier } from './pdf-pages.js';
import { openPdf, type PdfFile } from './pdfium.js';
import { isPdf, renderDpiFor, type DocumentLimits } from './inspect.js';

/** A page has a real text layer when it holds at least this many characters besides whitespace. */
const MIN_TEXT_LAYER_CHARACTERS = 20;

/** The pages of an uploaded document as a worker reads them, one at a time. Pages are 1-based. */
export interface DocumentSource {
  /** The page's own text, when it has a real text layer (a born-digital PDF page); undefined otherwise. */
  textLayer(page: number): string | undefined;
  /** The page as an image that declares its resolution: a PDF page rendered (JPEG), or a page of a multi-page image (PNG). */
  image(page: number): Promise<PageImage>;
  /** The page as a PDF of its own, exactly as in the original (PDF only). */
  pdfPage(page: number): Promise<Uint8Array>;
  close(): void;
}

export interface PageImage {
  bytes: Buffer;
  mediaType: 'image/jpeg' | 'image/png';
}

const pageUnreadable = (page: number, cause: unknown) =>
  isAppError(cause) ? cause : new AppError('DOCUMENT_UNREADABLE', `Page ${page} of the document cannot be read.`, { cause });

function pdfSource(bytes: Buffer, pdf: PdfFile, limits: Pick<DocumentLimits, 'maxPixels' | 'renderDpi'>): DocumentSource {
  const copyPage = createPageCopier(bytes);
  return {
    textLayer(page) {
      const text = pdf.text(page);
      return text.replace(/\s/g, '').length >= MIN_TEXT_LAYER_CHARACTERS ? text : undefined;
    },
    async image(page) {
      try {
        const dpi = renderDpiFor(pdf.pageSize(page), limits);
        return { bytes: await bitmapAsJpeg(await pdf.render(page, dpi), dpi), mediaType: 'image/jpeg' };
      } catch (error) {
        throw pageUnreadable(page, error);
      }
    },
    pdfPage: copyPage,
    close: () => pdf.close(),
  };
}

/** Opens an uploaded document (checked at upload) for its pages; the document's bytes stay in the caller's hands. */
export async function openDocument(bytes: Buffer, limits: Pick<DocumentLimits, 'maxPixels' | 'renderDpi'>): Promise<DocumentSource> {
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
