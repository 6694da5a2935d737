import type { PDFiumPage } from '@hyzyla/pdfium';

/** A page's image objects read through PDFium's object API (fpdf_edit.h): their pixel sizes, and a scan's JPEG as it is stored. */

/** An image's size in pixels, as its dictionary declares it: what decoding it would produce. */
export interface ImageSize {
  width: number;
  height: number;
}

/**
 * The calls of PDFium's object API this module makes, on the WebAssembly module the package wraps. The package's own
 * image object reads the pixel size as two 16-bit numbers into four bytes, where PDFium writes two 32-bit ones: sizes
 * past 65535 come out wrong and the heap past the buffer is overwritten. So the calls are made here.
 */
interface PdfiumObjectApi {
  _FPDFPage_CountObjects(page: number): number;
  _FPDFPage_GetObject(page: number, index: number): number;
  _FPDFPageObj_GetType(object: number): number;
  _FPDFFormObj_CountObjects(form: number): number;
  _FPDFFormObj_GetObject(form: number, index: number): number;
  _FPDFImageObj_GetImagePixelSize(image: number, width: number, height: number): number;
  _FPDFImageObj_GetImageFilterCount(image: number): number;
  _FPDFImageObj_GetImageFilter(image: number, index: number, buffer: number, length: number): number;
  _FPDFImageObj_GetImageDataRaw(image: number, buffer: number, length: number): number;
  _FPDFTextObj_GetTextRenderMode(text: number): number;
  wasmExports: { malloc(size: number): number; free(pointer: number): void };
  /** Read anew after each call: the views are replaced whenever the module's memory grows. */
  HEAPU8: Uint8Array;
  HEAPU32: Uint32Array;
}

/** Page object types (`FPDF_PAGEOBJ_*`, fpdf_edit.h). */
export const OBJECT = { text: 1, path: 2, image: 3, shading: 4, form: 5 } as const;
/** `FPDF_TEXTRENDERMODE_INVISIBLE` (fpdf_edit.h): the text of an OCR layer, which draws nothing. */
export const INVISIBLE_TEXT = 3;

const moduleOf = (page: PDFiumPage) => page as unknown as { module: PdfiumObjectApi; pageIdx: number };

/** Runs `use` with `bytes` of the WebAssembly heap, freed afterwards. */
export function withHeap<T>(module: Pick<PdfiumObjectApi, 'wasmExports'>, bytes: number, use: (pointer: number) => T): T {
  const pointer = module.wasmExports.malloc(bytes);
  if (pointer === 0) throw new Error(`PDFium could not allocate ${bytes} bytes`);
  try {
    return use(pointer);
  } finally {
    module.wasmExports.free(pointer);
  }
}

/** The page's own objects, those of its form XObjects not included. */
const pageObjects = (module: PdfiumObjectApi, page: number): number[] =>
  Array.from({ length: module._FPDFPage_CountObjects(page) }, (_, index) => module._FPDFPage_GetObject(page, index));

/**
 * The pixel size of every image a PDF page draws, those inside form XObjects included, read from the images'
 * dictionaries: nothing is decoded, so a 60000 × 60000 image costs what a small one does. An image whose size PDFium
 * cannot read is left out (PDFium does not draw it either).
 */
export function readImageSizes(page: PDFiumPage): ImageSize[] {
  const { module, pageIdx } = moduleOf(page);
  return withHeap(module, 8, (pointer) => {
    const sizes: ImageSize[] = [];
    const visit = (objects: number[]): void => {
      for (const object of objects) {
        const type = module._FPDFPageObj_GetType(object);
        if (type === OBJECT.form) {
          visit(Array.from({ length: module._FPDFFormObj_CountObjects(object) }, (_, inner) => module._FPDFFormObj_GetObject(object, inner)));
        } else if (type === OBJECT.image && module._FPDFImageObj_GetImagePixelSize(object, pointer, pointer + 4)) {
          sizes.push({ width: module.HEAPU32[pointer >> 2]!, height: module.HEAPU32[(pointer >> 2) + 1]! });
        }
      }
    };
    visit(pageObjects(module, pageIdx));
    return sizes;
  });
}

/** The name of an image's only filter, or undefined when it has none or several. */
function soleFilter(module: PdfiumObjectApi, image: number): string | undefined {
  if (module._FPDFImageObj_GetImageFilterCount(image) !== 1) return undefined;
  const length = module._FPDFImageObj_GetImageFilter(image, 0, 0, 0);
  // The name comes with its terminating NUL.
  return withHeap(module, length, (name) => {
    module._FPDFImageObj_GetImageFilter(image, 0, name, length);
    return Buffer.from(module.HEAPU8.subarray(name, name + length - 1)).toString('latin1');
  });
}

/**
 * The stored bytes of the one image a page draws when the image is a JPEG (its only filter DCTDecode) and nothing
 * else is drawn (an invisible text layer aside): a scanned page as a scanner or a phone makes it. Undefined for
 * any other page. Whether the JPEG shows the page as rendered (no mask, clip, turn or colour change on the way) is
 * for the caller to check from the pixels.
 */
export function readSoleJpeg(page: PDFiumPage): Uint8Array | undefined {
  const { module, pageIdx } = moduleOf(page);
  const drawn = pageObjects(module, pageIdx).filter(
    (object) => module._FPDFPageObj_GetType(object) !== OBJECT.text || module._FPDFTextObj_GetTextRenderMode(object) !== INVISIBLE_TEXT,
  );
  const [image] = drawn;
  if (drawn.length !== 1 || module._FPDFPageObj_GetType(image!) !== OBJECT.image || soleFilter(module, image!) !== 'DCTDecode') return undefined;
  const length = module._FPDFImageObj_GetImageDataRaw(image!, 0, 0);
  if (length === 0) return undefined;
  return withHeap(module, length, (data) => {
    module._FPDFImageObj_GetImageDataRaw(image!, data, length);
    return module.HEAPU8.slice(data, data + length);
  });
}
