import type { PDFiumPage } from '@hyzyla/pdfium';

/** An image's size in pixels, as its dictionary declares it: what decoding it would produce. */
export interface ImageSize {
  width: number;
  height: number;
}

/**
 * The calls of PDFium's object API (fpdf_edit.h) this module makes, on the WebAssembly module the package wraps. The
 * package's own image object reads the pixel size as two 16-bit numbers into four bytes, where PDFium writes two
 * 32-bit ones: sizes past 65535 come out wrong and the heap past the buffer is overwritten. So the calls are made here.
 */
interface PdfiumObjectApi {
  _FPDFPage_CountObjects(page: number): number;
  _FPDFPage_GetObject(page: number, index: number): number;
  _FPDFPageObj_GetType(object: number): number;
  _FPDFFormObj_CountObjects(form: number): number;
  _FPDFFormObj_GetObject(form: number, index: number): number;
  _FPDFImageObj_GetImagePixelSize(image: number, width: number, height: number): number;
  wasmExports: { malloc(size: number): number; free(pointer: number): void };
  /** Read anew after each call: the view is replaced whenever the module's memory grows. */
  HEAPU32: Uint32Array;
}

/** `FPDF_PAGEOBJ_IMAGE` and `FPDF_PAGEOBJ_FORM` (fpdf_edit.h). */
const IMAGE_OBJECT = 3;
const FORM_OBJECT = 5;

/**
 * The pixel size of every image a PDF page draws, those inside form XObjects included, read from the images'
 * dictionaries through PDFium's object API: nothing is decoded, so a 60000 × 60000 image costs what a small one does.
 * An image whose size PDFium cannot read is left out (PDFium does not draw it either).
 */
export function readImageSizes(page: PDFiumPage): ImageSize[] {
  const { module, pageIdx } = page as unknown as { module: PdfiumObjectApi; pageIdx: number };
  const sizes: ImageSize[] = [];
  const pointer = module.wasmExports.malloc(8);
  try {
    const visit = (count: number, objectAt: (index: number) => number): void => {
      for (let index = 0; index < count; index += 1) {
        const object = objectAt(index);
        const type = module._FPDFPageObj_GetType(object);
        if (type === FORM_OBJECT) {
          visit(module._FPDFFormObj_CountObjects(object), (inner) => module._FPDFFormObj_GetObject(object, inner));
        } else if (type === IMAGE_OBJECT && module._FPDFImageObj_GetImagePixelSize(object, pointer, pointer + 4)) {
          sizes.push({ width: module.HEAPU32[pointer >> 2]!, height: module.HEAPU32[(pointer >> 2) + 1]! });
        }
      }
    };
    visit(module._FPDFPage_CountObjects(pageIdx), (index) => module._FPDFPage_GetObject(pageIdx, index));
  } finally {
    module.wasmExports.free(pointer);
  }
  return sizes;
}
