import sharp from 'sharp';
import type { GrayBitmap } from './pdfium.js';

/** The documents' use of sharp: the pages of a multi-page image, and rendered PDF pages, as PNG page images. */

/** How many pages (TIFF directories, GIF or WebP frames) an image holds, and the first page's size; undefined when sharp cannot read it. */
export async function readFrameCount(bytes: Buffer): Promise<{ pages: number; width: number; height: number } | undefined> {
  try {
    const { pages = 1, width, height } = await sharp(bytes, { limitInputPixels: false }).metadata();
    return { pages, width, height };
  } catch {
    return undefined;
  }
}

/**
 * One page of a multi-page image as a PNG with the page's resolution kept, so the searchable PDF shows it at its
 * paper size. Only that page is decoded. `index` is 0-based.
 */
export async function frameAsPng(bytes: Buffer, index: number, maxPixels: number): Promise<Buffer> {
  const page = sharp(bytes, { page: index, limitInputPixels: maxPixels, failOn: 'truncated' });
  const { density } = await page.metadata();
  return page
    .withMetadata(density ? { density } : {})
    .png({ compressionLevel: 6 })
    .toBuffer();
}

/**
 * A rendered gray page as a JPEG (quality 90) that declares the resolution it was rendered at. Measured on an A4
 * scan at 300 dpi: 1.2 MB in 0.3 s, where PNG took 4.8 MB and 2.3 s; it is what crosses the broker, and what the
 * searchable PDF embeds as it is.
 */
export async function bitmapAsJpeg({ width, height, data }: GrayBitmap, dpi: number): Promise<Buffer> {
  return sharp(data, { raw: { width, height, channels: 1 } })
    .withMetadata({ density: dpi })
    .jpeg({ quality: 90 })
    .toBuffer();
}
