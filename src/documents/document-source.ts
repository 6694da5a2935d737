import { AppError, isAppError } from '../errors.js';
import type { PaperPlacement } from '../job.js';
import { bitmapAsPng, jpegShowingPage } from './page-images.js';
import { createPageCopier } from './pdf-pages.js';
import type { PageRenderer, RenderedPdf } from './page-renderer.js';

/** The media type of a PDF upload; any other document is an image of several pages. */
export const PDF_MEDIA_TYPE = 'application/pdf';

/** The pages of an uploaded document as a worker reads them, one at a time. Pages are 1-based. */
export interface DocumentSource {
  /**
   * The page's own text when `textLayer` is asked for and it has a real one (a born-digital PDF page); otherwise the
   * page as an image: a PDF page that is one JPEG as that JPEG, any other PDF page as a PNG rendered at the
   * resolution of what it draws (which it declares), a page of a multi-page image as a PNG of its pixels as they are.
   * Throws PAGE_TOO_COMPLEX for a page that takes longer than RENDER_TIMEOUT_MS, or more memory than
   * RENDER_MEMORY_MB, to render.
   */
  read(page: number, options: { textLayer: boolean }): Promise<{ text: string } | { image: PageImage }>;
  /** The page as a PDF of its own, exactly as in the original (PDF only). */
  pdfPage(page: number): Promise<Uint8Array>;
  close(): void;
}

export interface PageImage {
  bytes: Buffer;
  mediaType: 'image/png' | 'image/jpeg';
  /** For a PDF page: where the image lies on the page. */
  paper?: PaperPlacement;
}

const pageUnreadable = (page: number, cause: unknown) =>
  isAppError(cause) ? cause : new AppError('DOCUMENT_UNREADABLE', `Page ${page} of the document cannot be read.`, { cause });

/** A page that is one JPEG the JPEG does not show, rendered as any other page. */
async function renderedPage(pdf: RenderedPdf, page: number) {
  const read = await pdf.read(page, { textLayer: false, rendered: true });
  if (!('bitmap' in read)) throw new Error('a page read with `rendered` comes back rendered');
  return read;
}

/**
 * Opens an uploaded document for its pages, as the type found at upload says it is; the document's bytes stay in
 * the caller's hands.
 */
export function openDocument(bytes: Buffer, mediaType: string, renderer: PageRenderer): DocumentSource {
  if (mediaType === PDF_MEDIA_TYPE) {
    const pdf = renderer.openPdf(bytes);
    return {
      async read(page, options) {
        const read = await pdf.read(page, options);
        if ('text' in read) return read;
        const { paper } = read;
        const scan = 'scan' in read ? await jpegShowingPage(read.scan) : undefined;
        if (scan) return { image: { bytes: scan, mediaType: 'image/jpeg', paper } };
        const { bitmap, dpi } = 'bitmap' in read ? read : await renderedPage(pdf, page);
        return { image: { bytes: await bitmapAsPng(bitmap, dpi), mediaType: 'image/png', paper } };
      },
      pdfPage: createPageCopier(bytes),
      close: () => pdf.close(),
    };
  }
  return {
    async read(page) {
      try {
        return { image: { bytes: await renderer.imagePage(bytes, page - 1), mediaType: 'image/png' } };
      } catch (error) {
        throw pageUnreadable(page, error);
      }
    },
    pdfPage: () => Promise.reject(new Error('a multi-page image has no PDF pages')),
    close: () => undefined,
  };
}
