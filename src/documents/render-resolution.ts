import { AppError } from '../errors.js';
import type { PaperPlacement } from '../job.js';
import type { PageContent, PagePlacement, PdfPageSize, PlacedImage } from './pdfium.js';

/** The resolution a PDF page is rendered at, from what it draws (as OCRmyPDF chooses it): a scan at its own. */

/** Below this a page is refused rather than rendered smaller: text of a usual size stops being readable. */
export const MIN_RENDER_DPI = 100;

const POINTS_PER_INCH = 72;

/**
 * How far inside whole pixels an image's edges are placed (a fiftieth of a pixel): PDFium draws an image onto every
 * pixel its box touches, so a box that is whole pixels wide but for a rounding error would be stretched by one.
 */
const EDGE_INSET = 0.02;

/** An image at least this share of the largest image's area on a page is one of the page's main images. */
const MAIN_IMAGE_SHARE = 0.5;

/** An image is drawn upright or turned by quarter turns when its matrix is off that by no more than this share. */
const AXIS_TOLERANCE = 1e-6;

export interface RenderLimits {
  /** MAX_IMAGE_PIXELS: no page is rendered larger. */
  maxPixels: number;
  /** PDF_RENDER_DPI: what a page of vector drawing or text is rendered at, and the least a page with any is. */
  renderDpi: number;
}

/** How the page's points at 72 dpi map to the bitmap's pixels, before the bitmap is cut. */
type Transform = Pick<PagePlacement, 'scaleX' | 'scaleY' | 'offsetX' | 'offsetY'>;

/** A box on the page at 72 dpi, from its top-left corner. */
interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/**
 * The highest resolution that keeps the page within `maxPixels`. Throws PAGE_TOO_LARGE when even MIN_RENDER_DPI
 * would not fit (a 200-inch page).
 */
export function fittingDpi({ widthPt, heightPt }: PdfPageSize, maxPixels: number): number {
  const squareInches = (widthPt / POINTS_PER_INCH) * (heightPt / POINTS_PER_INCH);
  const fitting = Math.floor(Math.sqrt(maxPixels / squareInches));
  if (fitting < MIN_RENDER_DPI) {
    const inches = (points: number) => Math.round(points / POINTS_PER_INCH);
    throw new AppError(
      'PAGE_TOO_LARGE',
      `A page is ${inches(widthPt)} × ${inches(heightPt)} inches: it cannot be rendered at ${MIN_RENDER_DPI} dpi within the limit of ${maxPixels} pixels.`,
    );
  }
  return fitting;
}

/** The image's own resolution where it is drawn: its pixels over the length it is drawn at, the higher of its two axes. */
export function imageDpi({ width, height, matrix: [a, b, c, d] }: PlacedImage): number {
  return POINTS_PER_INCH * Math.max(width / Math.hypot(a, b), height / Math.hypot(c, d));
}

/** The resolution a placement renders at (the higher of its axes'), as the page image declares it. */
export const placementDpi = ({ scaleX, scaleY }: PagePlacement): number => POINTS_PER_INCH * Math.max(scaleX, scaleY);

/**
 * The image whose resolution the page is rendered at: of the page's main images (the largest and those near its
 * size, such as the text mask and the background of a compressed scan), the sharpest. A logo or a stamp does not
 * set the resolution of the page it is on.
 */
function mainImage(images: readonly PlacedImage[]): PlacedImage | undefined {
  const area = ({ matrix: [a, b, c, d] }: PlacedImage) => Math.abs(a * d - b * c);
  const largest = Math.max(0, ...images.map(area));
  const main = images.filter((image) => area(image) > 0 && area(image) >= largest * MAIN_IMAGE_SHARE);
  return main.reduce<PlacedImage | undefined>((sharpest, image) => (sharpest && imageDpi(sharpest) >= imageDpi(image) ? sharpest : image), undefined);
}

/** The box an image covers on the page. */
function imageBox({ matrix: [a, b, c, d, e, f] }: PlacedImage): Box {
  return {
    left: e + Math.min(0, a) + Math.min(0, c),
    top: f + Math.min(0, b) + Math.min(0, d),
    right: e + Math.max(0, a) + Math.max(0, c),
    bottom: f + Math.max(0, b) + Math.max(0, d),
  };
}

/** The box the images cover together, within the page. */
function imagesBox(images: readonly PlacedImage[], page: Box): Box {
  const boxes = images.map(imageBox);
  return {
    left: Math.max(page.left, Math.min(...boxes.map((box) => box.left))),
    top: Math.max(page.top, Math.min(...boxes.map((box) => box.top))),
    right: Math.min(page.right, Math.max(...boxes.map((box) => box.right))),
    bottom: Math.min(page.bottom, Math.max(...boxes.map((box) => box.bottom))),
  };
}

const atDpi = (dpi: number): Transform => ({ scaleX: dpi / POINTS_PER_INCH, scaleY: dpi / POINTS_PER_INCH, offsetX: 0, offsetY: 0 });

/**
 * The page at the image's own resolution along each axis, shifted by less than a pixel, so that the image's box
 * starts on a whole pixel and spans as many pixels as the image has: each of its pixels becomes one of the
 * bitmap's, as in the image alone. An image drawn at a slant has no such placement: the page is rendered at its
 * resolution, and the image resampled.
 */
function onImagePixels(image: PlacedImage): Transform {
  const [a, b, c, d] = image.matrix;
  const upright = Math.max(Math.abs(b), Math.abs(c)) <= AXIS_TOLERANCE * Math.max(Math.abs(a), Math.abs(d));
  const turned = Math.max(Math.abs(a), Math.abs(d)) <= AXIS_TOLERANCE * Math.max(Math.abs(b), Math.abs(c));
  if (!upright && !turned) return atDpi(imageDpi(image));
  const box = imageBox(image);
  const [pixelsX, pixelsY] = upright ? [image.width, image.height] : [image.height, image.width];
  const scaleX = (pixelsX - 2 * EDGE_INSET) / (box.right - box.left);
  const scaleY = (pixelsY - 2 * EDGE_INSET) / (box.bottom - box.top);
  const offset = (start: number) => Math.round(start) + EDGE_INSET - start;
  return { scaleX, scaleY, offsetX: offset(box.left * scaleX), offsetY: offset(box.top * scaleY) };
}

/** The bitmap that holds `box` as `transform` places it: every pixel the box touches, and no other. */
function onBitmap({ scaleX, scaleY, offsetX, offsetY }: Transform, box: Box): PagePlacement {
  const left = Math.floor(box.left * scaleX + offsetX);
  const top = Math.floor(box.top * scaleY + offsetY);
  return {
    scaleX,
    scaleY,
    offsetX: offsetX - left,
    offsetY: offsetY - top,
    width: Math.max(1, Math.ceil(box.right * scaleX + offsetX) - left),
    height: Math.max(1, Math.ceil(box.bottom * scaleY + offsetY) - top),
  };
}

/**
 * How a PDF page is rendered for OCR. A page that draws only images (a scan, a photo of a page) is rendered at its
 * main image's own resolution, pixel on pixel, and only where its images are: it is read as those pixels uploaded
 * alone are, where a 150 dpi scan rendered at 300 dpi would be read with its noise enlarged, and a photo's paper
 * tone against the white page around it would be taken for a block of print. A page with vector drawing or
 * visible text is rendered whole, at `renderDpi` at least, so that its text is sharp; a page with no image, at
 * `renderDpi`. No page is rendered over `maxPixels`. Throws PAGE_TOO_LARGE as `fittingDpi` does.
 */
export function pagePlacement(size: PdfPageSize, { images, drawsVectors }: PageContent, { maxPixels, renderDpi }: RenderLimits): PagePlacement {
  const fitting = fittingDpi(size, maxPixels);
  const page: Box = { left: 0, top: 0, right: size.widthPt, bottom: size.heightPt };
  const image = mainImage(images);
  if (!image || (drawsVectors && imageDpi(image) < renderDpi)) return onBitmap(atDpi(Math.min(renderDpi, fitting)), page);
  const transform = imageDpi(image) <= fitting ? onImagePixels(image) : atDpi(fitting);
  return onBitmap(transform, drawsVectors ? page : imagesBox(images, page));
}

/**
 * How a whole page is rendered about `width` pixels wide, for a preview: at the resolution that takes, but never
 * over `maxPixels` (a long, narrow page comes out narrower).
 */
export function previewPlacement(size: PdfPageSize, width: number, maxPixels: number): PagePlacement {
  const squareInches = (size.widthPt / POINTS_PER_INCH) * (size.heightPt / POINTS_PER_INCH);
  // Whole dots per inch under the cap, as `fittingDpi` counts them: the pixels each edge touches stay within it.
  const dpi = Math.min((width * POINTS_PER_INCH) / size.widthPt, Math.floor(Math.sqrt(maxPixels / squareInches)));
  return onBitmap(atDpi(dpi), { left: 0, top: 0, right: size.widthPt, bottom: size.heightPt });
}

/**
 * How many times smaller, each way, a page that is one JPEG is rendered to check the JPEG against
 * (`samplePlacement`) than it is for OCR.
 */
export const SAMPLE_SHRINK = 4;

/**
 * `placement` about SAMPLE_SHRINK times smaller each way, its bitmap's edges on the same points of the page: each
 * pixel of the sample covers the same box of `placement`'s pixels as a pixel of the JPEG scaled to the sample's
 * size does, so the two are compared without a shift between them.
 */
export function samplePlacement({ scaleX, scaleY, offsetX, offsetY, width, height }: PagePlacement): PagePlacement {
  const sampleWidth = Math.ceil(width / SAMPLE_SHRINK);
  const sampleHeight = Math.ceil(height / SAMPLE_SHRINK);
  const [x, y] = [sampleWidth / width, sampleHeight / height];
  return { scaleX: scaleX * x, scaleY: scaleY * y, offsetX: offsetX * x, offsetY: offsetY * y, width: sampleWidth, height: sampleHeight };
}

/** Where the bitmap of `placement` lies on the page of `size`. */
export function bitmapOnPaper(
  { widthPt, heightPt }: PdfPageSize,
  { scaleX, scaleY, offsetX, offsetY, width, height }: PagePlacement,
): PaperPlacement {
  return { widthPt, heightPt, image: { leftPt: -offsetX / scaleX, topPt: -offsetY / scaleY, widthPt: width / scaleX, heightPt: height / scaleY } };
}
