import type { PageRenderer } from './page-renderer.js';
import { bitmapAsJpeg } from './page-images.js';

/**
 * One page of a searchable PDF the service made, as a JPEG to show. Without `width` it is rendered as a page is
 * for OCR (the images of a scanned page pixel on pixel, only where they lie), so its pixels are the ones the page's
 * word boxes are measured in; with `width`, whole and that many pixels wide (a thumbnail). `index` is the page's
 * 1-based place in the PDF; the rendering runs in the render thread, within its deadline and memory bound
 * (PAGE_TOO_COMPLEX past either).
 */
export async function pagePreview(renderer: PageRenderer, pdf: Uint8Array, index: number, options: { width?: number } = {}): Promise<Buffer> {
  const document = renderer.openPdf(pdf);
  try {
    const read = await document.read(index, { textLayer: false, rendered: true, ...options });
    if (!('bitmap' in read)) throw new Error('a page read without its text layer comes back rendered');
    return await bitmapAsJpeg(read.bitmap);
  } finally {
    document.close();
  }
}
