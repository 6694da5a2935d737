import sharp from 'sharp';
import type { GrayBitmap } from './pdfium.js';

/** The documents' use of sharp: the pages of a multi-page image, and rendered PDF pages, as PNG page images. */

/**
 * Page images are lossless, so that a page reaches the OCR with the pixels it has in the document, and is read as
 * those pixels uploaded alone are: a JPEG's artefacts change what is read. zlib's level 3 compresses a scan
 * nearly as well as its default and several times faster.
 */
const PAGE_PNG = { compressionLevel: 3 } as const;

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
 * paper size. Only that page is decoded, and libvips stops after `timeoutSeconds`. `index` is 0-based.
 */
export async function frameAsPng(bytes: Buffer, index: number, maxPixels: number, timeoutSeconds: number): Promise<Buffer> {
  const page = sharp(bytes, { page: index, limitInputPixels: maxPixels, failOn: 'truncated' }).timeout({ seconds: timeoutSeconds });
  const { density, space } = await page.metadata();
  // sharp writes an sRGB PNG unless told otherwise: a gray page stays gray, as it would be uploaded alone.
  const png = page.toColourspace(space === 'b-w' ? 'b-w' : 'srgb').png(PAGE_PNG);
  return (density ? png.withDensity(density) : png).toBuffer();
}

/** A rendered gray page as a PNG that declares the resolution it was rendered at. */
export async function bitmapAsPng({ width, height, data }: GrayBitmap, dpi: number): Promise<Buffer> {
  return sharp(data, { raw: { width, height, channels: 1 } })
    .toColourspace('b-w')
    .withDensity(dpi)
    .png(PAGE_PNG)
    .toBuffer();
}

/** A rendered page image as a document's searchable PDF keeps it: a gray JPEG at quality 90, a fraction of the PNG. */
export async function pageAsJpeg(png: Buffer): Promise<Buffer> {
  return sharp(png).toColourspace('b-w').jpeg({ quality: 90 }).toBuffer();
}

/** A rendered gray page as a JPEG to look at. */
export async function bitmapAsJpeg({ width, height, data }: GrayBitmap): Promise<Buffer> {
  return sharp(data, { raw: { width, height, channels: 1 } })
    .toColourspace('b-w')
    .jpeg({ quality: 85 })
    .toBuffer();
}
