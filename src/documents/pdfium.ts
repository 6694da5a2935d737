import { PDFiumLibrary, type PDFiumDocument, type PDFiumPage } from '@hyzyla/pdfium';
import { AppError } from '../errors.js';
import { readImageSizes, type ImageSize } from './pdf-image-sizes.js';

/** The only file that loads `@hyzyla/pdfium` (PDFium compiled to WebAssembly, MIT): PDFs are opened, read and rendered here. */

const POINTS_PER_INCH = 72;

/** PDFium's `FPDF_ERR_PASSWORD` and `FPDF_ERR_SECURITY` (fpdfview.h); the package does not export its constants. */
const PASSWORD_ERRORS = new Set([4, 5]);

/** A page's size in points (1/72 inch), as the PDF declares it. */
export interface PdfPageSize {
  widthPt: number;
  heightPt: number;
}

/** A rendered page: 8-bit gray pixels, row after row. */
export interface GrayBitmap {
  width: number;
  height: number;
  data: Uint8Array;
}

/** An open PDF. Pages are 1-based, as people number them; `close()` frees its WebAssembly memory. */
export interface PdfFile {
  pageCount: number;
  pageSize(page: number): PdfPageSize;
  /** The pixel size of every image the page draws, read from the images' dictionaries: nothing is decoded. */
  imageSizes(page: number): ImageSize[];
  /** The page's text layer as PDFium extracts it, lines ending in `\n`; empty for a page that is only an image. */
  text(page: number): string;
  /** Renders the page at `dpi` in gray, white where the page is transparent. */
  render(page: number, dpi: number): Promise<GrayBitmap>;
  close(): void;
}

/** The library is compiled once per process, on first use (about 60 ms), and shared by every document. */
let library: Promise<PDFiumLibrary> | undefined;

/** PDFium's own error code after a failed load: the library throws plain errors, so the code is read from it. */
function lastErrorCode(pdfium: PDFiumLibrary): number | undefined {
  const module = (pdfium as unknown as { module?: { _FPDF_GetLastError?: () => number } }).module;
  return module?._FPDF_GetLastError?.();
}

/**
 * Closes a page opened only to be read (its size, its text): `render()` closes its own page, but nothing else does,
 * and the package has no method for it, so PDFium's own call is made on the page's handle.
 */
function closePage(page: PDFiumPage): void {
  const { module, pageIdx } = page as unknown as { module: { _FPDF_ClosePage(handle: number): void }; pageIdx: number };
  module._FPDF_ClosePage(pageIdx);
}

/**
 * Opens a PDF from its bytes: reads its structure (cross-references, page tree), not its pages' content, so even a
 * 5,000-page file opens in milliseconds. Throws DOCUMENT_ENCRYPTED for a password-protected file and
 * DOCUMENT_UNREADABLE for anything PDFium cannot parse.
 */
export async function openPdf(bytes: Uint8Array): Promise<PdfFile> {
  library ??= PDFiumLibrary.init();
  const pdfium = await library;
  let document: PDFiumDocument;
  try {
    document = await pdfium.loadDocument(bytes);
  } catch (error) {
    const code = lastErrorCode(pdfium);
    if (code !== undefined && PASSWORD_ERRORS.has(code)) {
      throw new AppError(
        'DOCUMENT_ENCRYPTED',
        'The PDF is protected by a password. Remove the protection (print it to a new PDF) and upload it again.',
        {
          cause: error,
        },
      );
    }
    throw new AppError('DOCUMENT_UNREADABLE', 'The PDF is corrupt or truncated and cannot be read. Check the file and upload it again.', {
      cause: error,
    });
  }
  const readPage = <T>(number: number, read: (page: PDFiumPage) => T): T => {
    const page = document.getPage(number - 1);
    try {
      return read(page);
    } finally {
      closePage(page);
    }
  };
  return {
    pageCount: document.getPageCount(),
    pageSize(number) {
      const { originalWidth, originalHeight } = readPage(number, (page) => page.getOriginalSize());
      return { widthPt: originalWidth, heightPt: originalHeight };
    },
    imageSizes: (number) => readPage(number, readImageSizes),
    text: (number) => readPage(number, (page) => page.getText()).replace(/\r\n?/g, '\n'),
    async render(number, dpi) {
      const page = document.getPage(number - 1);
      const { width, height, data } = await page.render({ scale: dpi / POINTS_PER_INCH, colorSpace: 'Gray', render: 'bitmap' });
      return { width, height, data };
    },
    close: () => document.destroy(),
  };
}
