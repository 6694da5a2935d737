import sharp from 'sharp';
import type { GrayBitmap } from './pdfium.js';
import type { ScanSample } from './render-thread.js';

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

/**
 * The side of a cell of the comparison, in the pixels of the page as rendered for OCR; windows of 2 × 2 cells, one
 * cell apart, so that any change up to a cell across (a character, a word) lies whole within one window.
 */
const CELL_PIXELS = 32;

/**
 * How far the mean gray of a window of the JPEG scaled down may be from the sample's, in levels. PDFium and libvips
 * scale down with filters of their own, which put a stroke's ink a little differently between neighbouring pixels
 * (one pixel of a scan's page can be dozens of levels apart), but not in a different window: over a window the two
 * agree within about two levels on a scan of text. What the JPEG alone does not show moves ink or paper between
 * windows: a mask or a clip that hides one capital letter of a 200 dpi scan shifts its window by over ten levels;
 * a half transparency, a turn or an inversion by tens.
 */
const WINDOW_LEVELS = 4;

/** A pixel's gray as PDFium renders an RGB one in gray (`FXRGB2GRAY`). */
const pdfiumGray = (red: number, green: number, blue: number) => Math.floor((red * 30 + green * 59 + blue * 11) / 100);

/** The pixels' grays, one byte each, from `channels` bytes a pixel (1: gray, 3: sRGB). */
function grays(data: Buffer, channels: number): Uint8Array {
  if (channels === 1) return data;
  const gray = new Uint8Array(data.length / channels);
  for (let index = 0; index < gray.length; index += 1) {
    const at = index * channels;
    gray[index] = pdfiumGray(data[at]!, data[at + 1]!, data[at + 2]!);
  }
  return gray;
}

/** Whether every window of `scaled` (as large as `sample`) has the mean gray of the sample's, within WINDOW_LEVELS. */
function agreeInWindows(scaled: Uint8Array, { width, height, data }: GrayBitmap, cell: number): boolean {
  const columns = Math.ceil(width / cell);
  const rows = Math.ceil(height / cell);
  const sums = new Float64Array(columns * rows);
  const counts = new Float64Array(columns * rows);
  for (let y = 0; y < height; y += 1) {
    const cellRow = Math.floor(y / cell) * columns;
    for (let x = 0; x < width; x += 1) {
      const index = y * width + x;
      const at = cellRow + Math.floor(x / cell);
      sums[at] = sums[at]! + scaled[index]! - data[index]!;
      counts[at] = counts[at]! + 1;
    }
  }
  for (let row = 0; row < Math.max(1, rows - 1); row += 1) {
    for (let column = 0; column < Math.max(1, columns - 1); column += 1) {
      let sum = 0;
      let count = 0;
      for (let inRow = row; inRow < Math.min(rows, row + 2); inRow += 1) {
        for (let inColumn = column; inColumn < Math.min(columns, column + 2); inColumn += 1) {
          sum += sums[inRow * columns + inColumn]!;
          count += counts[inRow * columns + inColumn]!;
        }
      }
      if (Math.abs(sum / count) > WINDOW_LEVELS) return false;
    }
  }
  return true;
}

/**
 * The page's JPEG (its one image, as stored in the PDF) when it shows the page: as large as the page is rendered
 * for OCR, upright, and, scaled down to the sample's size, with the gray of the sample in every window. Then the
 * page is its scan: it is read, and kept in the searchable PDF, as that JPEG, never encoded again. Undefined when
 * anything on the way (a mask, a clip, a turn, a colour space, a decode array) changed what the page shows: the
 * page is then rendered.
 */
export async function jpegShowingPage({ jpeg, width, height, sample }: ScanSample): Promise<Buffer | undefined> {
  const bytes = Buffer.from(jpeg.buffer, jpeg.byteOffset, jpeg.byteLength);
  try {
    const image = sharp(bytes, { limitInputPixels: width * height, failOn: 'truncated' });
    const { format, width: jpegWidth, height: jpegHeight, orientation = 1, space } = await image.metadata();
    const upright = format === 'jpeg' && orientation === 1 && jpegWidth === width && jpegHeight === height;
    if (!upright || (space !== 'b-w' && space !== 'srgb')) return undefined;
    // libjpeg decodes at a fraction of the size (shrink-on-load), and libvips scales the rest of the way.
    const { data, info } = await image
      .resize(sample.width, sample.height, { fit: 'fill', kernel: 'linear' })
      .toColourspace(space)
      .raw()
      .toBuffer({ resolveWithObject: true });
    const cell = Math.max(1, Math.round((CELL_PIXELS * sample.width) / width));
    return agreeInWindows(grays(data, info.channels), sample, cell) ? bytes : undefined;
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
