import { PDFiumLibrary, type PDFiumDocument, type PDFiumPage } from '@hyzyla/pdfium';
import { AppError } from '../errors.js';
import { heapLimitedInstantiation, type HeapLimit } from './pdfium-heap.js';
import { INVISIBLE_TEXT, OBJECT, readImageSizes, readSoleJpeg, withHeap, type ImageSize } from './pdf-image-objects.js';

/** The only file that loads `@hyzyla/pdfium` (PDFium compiled to WebAssembly, MIT): PDFs are opened, read and rendered here. */

/** PDFium's `FPDF_ERR_PASSWORD` and `FPDF_ERR_SECURITY` (fpdfview.h); the package does not export its constants. */
const PASSWORD_ERRORS = new Set([4, 5]);

/** `FPDF_ANNOT | FPDF_LCD_TEXT | FPDF_GRAYSCALE` (fpdfview.h), the flags the package renders gray pages with. */
const GRAY_RENDER_FLAGS = 0x01 | 0x02 | 0x08;
/** `FPDFBitmap_Gray` (fpdfview.h): one byte a pixel. */
const GRAY_BITMAP = 1;

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

/** An affine map as PDF writes one, `[a, b, c, d, e, f]`: (x, y) goes to (a·x + c·y + e, b·x + d·y + f). */
export type Matrix = readonly [number, number, number, number, number, number];

/** `first`, then `second`. */
export function concat([a, b, c, d, e, f]: Matrix, [a2, b2, c2, d2, e2, f2]: Matrix): Matrix {
  return [a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2, e * a2 + f * c2 + e2, e * b2 + f * d2 + f2];
}

/**
 * An image a page draws: its size in pixels, and `matrix`, which takes its unit square to the page as it is
 * rendered at 72 dpi (1 pixel a point, x to the right and y down from the top-left corner, the page's /Rotate applied).
 */
export interface PlacedImage {
  width: number;
  height: number;
  matrix: Matrix;
}

/** What a page draws, as far as the resolution to render it at depends on it. */
export interface PageContent {
  /** Every image, those inside form XObjects included. */
  images: PlacedImage[];
  /** Whether it draws anything besides images: visible text, paths or shadings. */
  drawsVectors: boolean;
}

/**
 * The bitmap a page is rendered to, `width` × `height` pixels, and where the page lands on it: the page's point
 * (x, y) at 72 dpi goes to (scaleX·x + offsetX, scaleY·y + offsetY), and what falls outside is not drawn.
 */
export interface PagePlacement {
  scaleX: number;
  scaleY: number;
  offsetX: number;
  offsetY: number;
  width: number;
  height: number;
}

/** An open PDF. Pages are 1-based, as people number them; `close()` frees its WebAssembly memory. */
export interface PdfFile {
  pageCount: number;
  pageSize(page: number): PdfPageSize;
  /** The pixel size of every image the page draws, read from the images' dictionaries: nothing is decoded. */
  imageSizes(page: number): ImageSize[];
  /** The page's text layer as PDFium extracts it, lines ending in `\n`; empty for a page that is only an image. */
  text(page: number): string;
  content(page: number): PageContent;
  /** The stored bytes of the page's one image when it is a JPEG and all the page draws (`readSoleJpeg`). */
  soleJpeg(page: number): Uint8Array | undefined;
  /** Renders the page in gray, white where the page is transparent, as placed on its bitmap. */
  render(page: number, placement: PagePlacement): GrayBitmap;
  close(): void;
}

/**
 * The PDFium functions called here directly, past the package's own wrappers (which render only at sizes rounded to
 * whole points and read no object's placement); pointers are offsets into the WebAssembly heap.
 */
interface PdfiumModule {
  _FPDF_GetLastError(): number;
  _FPDF_ClosePage(page: number): void;
  _FPDF_GetPageWidthF(page: number): number;
  _FPDF_GetPageHeightF(page: number): number;
  _FPDF_DeviceToPage(
    page: number,
    startX: number,
    startY: number,
    sizeX: number,
    sizeY: number,
    rotate: number,
    deviceX: number,
    deviceY: number,
    pageX: number,
    pageY: number,
  ): number;
  _FPDFPage_CountObjects(page: number): number;
  _FPDFPage_GetObject(page: number, index: number): number;
  _FPDFFormObj_CountObjects(form: number): number;
  _FPDFFormObj_GetObject(form: number, index: number): number;
  _FPDFPageObj_GetType(object: number): number;
  _FPDFPageObj_GetMatrix(object: number, matrix: number): number;
  _FPDFImageObj_GetImagePixelSize(image: number, width: number, height: number): number;
  _FPDFTextObj_GetTextRenderMode(text: number): number;
  _FPDFBitmap_CreateEx(width: number, height: number, format: number, buffer: number, stride: number): number;
  _FPDFBitmap_FillRect(bitmap: number, left: number, top: number, width: number, height: number, color: number): void;
  _FPDFBitmap_Destroy(bitmap: number): void;
  _FPDF_RenderPageBitmapWithMatrix(bitmap: number, page: number, matrix: number, clip: number, flags: number): void;
  HEAPU8: Uint8Array;
  HEAPU32: Uint32Array;
  HEAPF32: Float32Array;
  HEAPF64: Float64Array;
  wasmExports: { malloc(size: number): number; free(pointer: number): void };
}

/** The library is compiled once per thread, on first use, and shared by every document. */
let library: Promise<PDFiumLibrary> | undefined;

/**
 * Loads this thread's PDFium with its heap held to `limit`: called before any PDF is opened (the render thread's
 * first act), since a loaded PDFium's heap cannot be bounded afterwards. Resolves once PDFium is ready.
 */
export async function limitPdfiumHeap(limit: HeapLimit): Promise<void> {
  if (library) throw new Error('PDFium is loaded already: its heap can be limited only before the first PDF is opened');
  library = PDFiumLibrary.init({ instantiateWasm: heapLimitedInstantiation(limit) });
  await library;
}

const moduleOf = (pdfium: PDFiumLibrary | PDFiumPage) => (pdfium as unknown as { module: PdfiumModule }).module;
const handleOf = (page: PDFiumPage) => (page as unknown as { pageIdx: number }).pageIdx;

/** An object's matrix: for an image its unit square to its parent's space, for a form XObject the form's space to its parent's. */
const objectMatrix = (module: PdfiumModule, object: number): Matrix =>
  withHeap(module, 24, (pointer) => {
    if (!module._FPDFPageObj_GetMatrix(object, pointer)) return [1, 0, 0, 1, 0, 0];
    const [a = 1, b = 0, c = 0, d = 1, e = 0, f = 0] = module.HEAPF32.subarray(pointer >> 2, (pointer >> 2) + 6);
    return [a, b, c, d, e, f];
  });

const imagePixelSize = (module: PdfiumModule, image: number): { width: number; height: number } =>
  withHeap(module, 8, (pointer) => {
    if (!module._FPDFImageObj_GetImagePixelSize(image, pointer, pointer + 4)) return { width: 0, height: 0 };
    return { width: module.HEAPU32[pointer >> 2]!, height: module.HEAPU32[(pointer >> 2) + 1]! };
  });

/**
 * The page's user space (its PDF coordinates) to the page as rendered at 72 dpi, as PDFium itself maps it (crop box
 * and /Rotate included): three points of a large device space are mapped back to the page, and the map inverted.
 */
function pageToDevice(module: PdfiumModule, page: number): Matrix {
  const width = module._FPDF_GetPageWidthF(page);
  const height = module._FPDF_GetPageHeightF(page);
  // Device coordinates are whole pixels: on a device this large, one is about a twenty-thousandth of a point of A4.
  const size = 1 << 24;
  const toPage = (x: number, y: number) =>
    withHeap(module, 16, (pointer) => {
      module._FPDF_DeviceToPage(page, 0, 0, size, size, 0, x, y, pointer, pointer + 8);
      return [module.HEAPF64[pointer >> 3]!, module.HEAPF64[(pointer >> 3) + 1]!] as const;
    });
  const [ox, oy] = toPage(0, 0);
  const [xx, xy] = toPage(size, 0);
  const [yx, yy] = toPage(0, size);
  // Device (u, v) at 72 dpi is page origin + (u / width)·(x axis) + (v / height)·(y axis).
  const [a, b, c, d] = [(xx - ox) / width, (xy - oy) / width, (yx - ox) / height, (yy - oy) / height];
  const determinant = a * d - b * c;
  const [ia, ib, ic, id] = [d / determinant, -b / determinant, -c / determinant, a / determinant];
  return [ia, ib, ic, id, -(ox * ia + oy * ic), -(ox * ib + oy * id)];
}

/** The images and other drawing of a list of objects (a page's, or a form XObject's), each placed through `toDevice`. */
function collectContent(module: PdfiumModule, objects: number[], toDevice: Matrix, content: PageContent): void {
  for (const object of objects) {
    const type = module._FPDFPageObj_GetType(object);
    if (type === OBJECT.image) {
      const { width, height } = imagePixelSize(module, object);
      if (width > 0 && height > 0) content.images.push({ width, height, matrix: concat(objectMatrix(module, object), toDevice) });
    } else if (type === OBJECT.form) {
      const children = Array.from({ length: module._FPDFFormObj_CountObjects(object) }, (_, index) => module._FPDFFormObj_GetObject(object, index));
      collectContent(module, children, concat(objectMatrix(module, object), toDevice), content);
    } else if (
      type === OBJECT.path ||
      type === OBJECT.shading ||
      (type === OBJECT.text && module._FPDFTextObj_GetTextRenderMode(object) !== INVISIBLE_TEXT)
    ) {
      content.drawsVectors = true;
    }
  }
}

function renderPage(module: PdfiumModule, page: number, { scaleX, scaleY, offsetX, offsetY, width, height }: PagePlacement): GrayBitmap {
  return withHeap(module, width * height, (pixels) => {
    const bitmap = module._FPDFBitmap_CreateEx(width, height, GRAY_BITMAP, pixels, width);
    if (bitmap === 0) throw new Error(`PDFium could not create a ${width} × ${height} bitmap`);
    try {
      module._FPDFBitmap_FillRect(bitmap, 0, 0, width, height, 0xffffffff);
      withHeap(module, 40, (matrix) => {
        // FS_MATRIX then FS_RECTF (the clip, the whole bitmap), both of floats.
        module.HEAPF32.set([scaleX, 0, 0, scaleY, offsetX, offsetY, 0, 0, width, height], matrix >> 2);
        module._FPDF_RenderPageBitmapWithMatrix(bitmap, page, matrix, matrix + 24, GRAY_RENDER_FLAGS);
      });
      return { width, height, data: module.HEAPU8.slice(pixels, pixels + width * height) };
    } finally {
      module._FPDFBitmap_Destroy(bitmap);
    }
  });
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
    const code = moduleOf(pdfium)._FPDF_GetLastError();
    if (PASSWORD_ERRORS.has(code)) {
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
  /** Opens a page for `read` and closes it after: the package opens pages but has no method to close one. */
  const readPage = <T>(number: number, read: (page: PDFiumPage, module: PdfiumModule, handle: number) => T): T => {
    const page = document.getPage(number - 1);
    const module = moduleOf(page);
    try {
      return read(page, module, handleOf(page));
    } finally {
      module._FPDF_ClosePage(handleOf(page));
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
    content: (number) =>
      readPage(number, (_page, module, handle) => {
        const content: PageContent = { images: [], drawsVectors: false };
        const objects = Array.from({ length: module._FPDFPage_CountObjects(handle) }, (_, index) => module._FPDFPage_GetObject(handle, index));
        collectContent(module, objects, pageToDevice(module, handle), content);
        return content;
      }),
    soleJpeg: (number) => readPage(number, readSoleJpeg),
    render: (number, placement) => readPage(number, (_page, module, handle) => renderPage(module, handle, placement)),
    close: () => document.destroy(),
  };
}
