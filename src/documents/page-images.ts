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

/** How far a JPEG's pixel may be from the rendered page's and still count as the same: decoders may round apart. */
const SAME_PIXEL_LEVELS = 2;

/** A pixel's gray as PDFium renders an RGB one in gray (`FXRGB2GRAY`). */
const pdfiumGray = (red: number, green: number, blue: number) => Math.floor((red * 30 + green * 59 + blue * 11) / 100);

/**
 * `jpeg` (a page's one image, as stored in the PDF) when it shows exactly the rendered page `bitmap`: as large, upright,
 * every pixel the gray PDFium rendered. Then the page is its scan: it is read, and kept in the searchable PDF, as
 * that JPEG, never encoded again. Undefined when anything on the way (a mask, a clip, a turn, a colour space, a decode
 * array) changed what the page shows.
 */
export async function jpegShowingBitmap(jpeg: Uint8Array, bitmap: GrayBitmap): Promise<Buffer | undefined> {
  const bytes = Buffer.from(jpeg.buffer, jpeg.byteOffset, jpeg.byteLength);
  try {
    const image = sharp(bytes, { limitInputPixels: bitmap.width * bitmap.height, failOn: 'truncated' });
    const { format, width, height, orientation = 1, space } = await image.metadata();
    const upright = format === 'jpeg' && orientation === 1 && width === bitmap.width && height === bitmap.height;
    if (!upright || (space !== 'b-w' && space !== 'srgb')) return undefined;
    const { data, info } = await image.raw().toBuffer({ resolveWithObject: true });
    const gray =
      info.channels === 1
        ? (index: number) => data[index]!
        : (index: number) => pdfiumGray(data[index * info.channels]!, data[index * info.channels + 1]!, data[index * info.channels + 2]!);
    for (let index = 0; index < bitmap.data.length; index += 1) {
      if (Math.abs(gray(index) - bitmap.data[index]!) > SAME_PIXEL_LEVELS) return undefined;
    }
    return bytes;
  } catch {
    // A JPEG sharp cannot read is one PDFium read its own way: the rendered page stands.
    return undefined;
  }
}

/** A rendered gray page as a JPEG to look at. */
export async function bitmapAsJpeg({ width, height, data }: GrayBitmap): Promise<Buffer> {
  return sharp(data, { raw: { width, height, channels: 1 } })
    .toColourspace('b-w')
    .jpeg({ quality: 85 })
    .toBuffer();
}
