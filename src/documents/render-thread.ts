import { parentPort, workerData } from 'node:worker_threads';
import { isAppError, type ErrorInfo } from '../errors.js';
import type { PaperPlacement } from '../job.js';
import { limitPdfiumHeap, openPdf, type GrayBitmap, type PdfFile } from './pdfium.js';
import { bitmapOnPaper, pagePlacement, placementDpi, previewPlacement, samplePlacement, type RenderLimits } from './render-resolution.js';

/**
 * The render thread: PDFium opens, reads and renders PDFs here, away from the event loop that answers HTTP and the
 * broker, with its heap held to a bound. The page renderer (`page-renderer.ts`) sends one request at a time and
 * terminates the thread when a request outlives its deadline.
 */

/** A page has a real text layer when it holds at least this many characters besides whitespace. */
const MIN_TEXT_LAYER_CHARACTERS = 20;

export interface RenderThreadData {
  limits: RenderLimits;
  /** RENDER_MEMORY_MB, in bytes: the most PDFium's heap may grow to. */
  heapBytes: number;
}

export type RenderRequest =
  /** Opens a document under the page renderer's number for it. */
  | { kind: 'open'; document: number; bytes: Uint8Array }
  /**
   * A page's text layer when `textLayer` and it has a real one; otherwise the page rendered: as for OCR (a page
   * that is one JPEG as that JPEG and a sample to check it against, unless `rendered`), or with `width` whole and
   * that many pixels wide.
   */
  | { kind: 'read'; document: number; page: number; textLayer: boolean; width?: number; rendered?: boolean }
  /** Closes a document; answered by nothing. */
  | { kind: 'close'; document: number };

/**
 * A page that is one JPEG and nothing else: the JPEG's stored bytes, the size the page is rendered at for OCR, and
 * the page rendered about SAMPLE_SHRINK times smaller (`samplePlacement`), to check that the JPEG shows the page.
 */
export interface ScanSample {
  jpeg: Uint8Array;
  width: number;
  height: number;
  sample: GrayBitmap;
}

/**
 * A page of a PDF as read for OCR: its own text, or where its image lies on the page and either the image rendered
 * or, for a page that is one JPEG, the JPEG to check against a sample of the page (rendering the page at full size
 * only to find it is the JPEG costs as much as reading the JPEG).
 */
export type PdfPageRead = { text: string } | ({ dpi: number; paper: PaperPlacement } & ({ bitmap: GrayBitmap } | { scan: ScanSample }));

/** The thread's first message, once PDFium is loaded, then one reply to each request but `close`. */
export type RenderReply =
  | { ready: true }
  | { ok: true; page?: PdfPageRead }
  /**
   * `error` is the AppError's code and message when the request failed with one. `memory` says PDFium was refused
   * more heap on the way; `fatal` that the thread is no longer to be trusted (PDFium ran short of heap, or failed
   * in a way no check foresaw: an abort leaves its heap unusable) and must be replaced.
   */
  | { ok: false; error?: ErrorInfo; memory: boolean; fatal: boolean };

const { limits, heapBytes } = workerData as RenderThreadData;
let heapRefused = false;
void limitPdfiumHeap({ maxBytes: heapBytes, onRefused: () => (heapRefused = true) }).then(() =>
  parentPort!.postMessage({ ready: true } satisfies RenderReply),
);

const documents = new Map<number, PdfFile>();

function readPage(pdf: PdfFile, { page, textLayer, width, rendered = false }: Extract<RenderRequest, { kind: 'read' }>): PdfPageRead {
  if (textLayer) {
    const text = pdf.text(page);
    if (text.replace(/\s/g, '').length >= MIN_TEXT_LAYER_CHARACTERS) return { text };
  }
  const size = pdf.pageSize(page);
  const placement = width === undefined ? pagePlacement(size, pdf.content(page), limits) : previewPlacement(size, width, limits.maxPixels);
  const where = { dpi: placementDpi(placement), paper: bitmapOnPaper(size, placement) };
  // A preview is only looked at: it is rendered as it is, whatever the page draws.
  const jpeg = width === undefined && !rendered ? pdf.soleJpeg(page) : undefined;
  if (!jpeg) return { ...where, bitmap: pdf.render(page, placement) };
  const { width: scanWidth, height: scanHeight } = placement;
  return { ...where, scan: { jpeg, width: scanWidth, height: scanHeight, sample: pdf.render(page, samplePlacement(placement)) } };
}

async function answer(request: Exclude<RenderRequest, { kind: 'close' }>): Promise<PdfPageRead | undefined> {
  if (request.kind === 'open') {
    documents.set(request.document, await openPdf(request.bytes));
    return undefined;
  }
  const pdf = documents.get(request.document);
  if (!pdf) throw new Error(`document ${request.document} is not open in this thread`);
  return readPage(pdf, request);
}

parentPort!.on('message', (request: RenderRequest) => {
  if (request.kind === 'close') {
    documents.get(request.document)?.close();
    documents.delete(request.document);
    return;
  }
  heapRefused = false;
  answer(request).then(
    (page) => {
      // A page PDFium could not find the memory for may come out blank rather than fail: it is not a page read.
      if (heapRefused) return parentPort!.postMessage({ ok: false, memory: true, fatal: true } satisfies RenderReply);
      const arrays = !page || 'text' in page ? [] : 'bitmap' in page ? [page.bitmap.data] : [page.scan.jpeg, page.scan.sample.data];
      const transfer = arrays.map(({ buffer }) => buffer as ArrayBuffer);
      parentPort!.postMessage({ ok: true, page } satisfies RenderReply, transfer);
    },
    (error: unknown) => {
      parentPort!.postMessage({
        ok: false,
        ...(isAppError(error) && { error: { code: error.code, message: error.message } }),
        memory: heapRefused,
        fatal: heapRefused || !isAppError(error),
      } satisfies RenderReply);
    },
  );
});
