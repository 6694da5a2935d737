import sharp, { type Sharp } from 'sharp';
import { AppError } from '../../errors.js';
import { analysePage, type PageAnalysis } from './page-analysis.js';
import { findLayout, type PageLayout } from '../layout/find-layout.js';
import { rotateInk, withoutSpecks, type InkMap } from '../layout/ink-map.js';
import { scaleLayout } from '../layout/scale-layout.js';
import { copyIntoRaster, createGrayRaster, sealGrayRaster } from './leptonica-image.js';
import { shrinkGray } from './shrink.js';
import { upscaleGray } from './upscale.js';
import { compactPage, type PageImage, type PageImageStorage } from '../output/page-image.js';

/**
 * Small text is upscaled until a line of text is about this tall: bench/accuracy.ts shows accuracy reaching its
 * plateau here, and every pixel more only costs recognition time.
 */
const TARGET_LINE_HEIGHT = 22;
/**
 * Lines at least this tall hold detail enough that a smaller enlargement reads them as well: to
 * NEAR_READABLE_TARGET. On the 16 pages of one column with lines of 12 to 14 px, 18 px read every page to the same
 * character error rate as 22 px in about 5 % less recognition time (16 and 17 px each read a page worse); on lines of
 * 11 px and under, 18 px read six of the fifteen enlarged pages worse.
 */
const NEAR_READABLE_LINE_HEIGHT = 12;
const NEAR_READABLE_TARGET = 18;
/** Lines at least this tall are read as they are: upscaling them read no better on either corpus, only slower. */
const READABLE_LINE_HEIGHT = 15;
/** Upscaling further only blurs and costs time. */
const MAX_UPSCALE = 4;
/** What tesseract is handed never exceeds this, so a worker's WASM heap (which never shrinks) stays flat. */
const MAX_OCR_PIXELS = 16_000_000;
/** Leptonica refuses wider or taller images ("Image too large"). */
const MAX_OCR_SIDE = 32_767;
/**
 * Enlarged pages up to this size are enlarged in JavaScript, on the event loop (fast enough at
 * this size not to hold it noticeably); larger ones by libvips on its own threads. Every page of both corpora is well under it.
 */
const MAX_ENLARGED_HERE = 4_000_000;
/** Pages larger than this are measured on a shrunk copy: the measurements need no more detail. */
const MAX_ANALYSIS_PIXELS = 4_000_000;
/** Share of lone ink dots above which a page is speckled: upscaling it only magnifies the specks. */
const SPECKLED = 0.002;
/** Share of off-level background pixels above which an evenly lit page is grainy, with the same effect. */
const GRAINY = 0.25;
/**
 * Below this share of off-level background pixels, the specks of a speckled page are salt and pepper on a
 * clean background, which a 3×3 median removes; above it they are grain, which a median smears into the letters.
 */
const SALT_AND_PEPPER = 0.15;
/** Background brightness differing by more than this across a page is uneven lighting: binarise locally. */
const UNEVEN_BACKGROUND = 60;

/** The resolution tesseract assumes for an image that declares an implausible one. */
const TESSERACT_FALLBACK_DPI = 70;
/** Tesseract's thresholding_method values. */
const THRESHOLD_OTSU = '0';
const THRESHOLD_SAUVOLA = '2';

export interface PreprocessOptions {
  /** Largest accepted width × height; sharp refuses to decode beyond it. */
  maxPixels: number;
}

/** Quarter turns a page may be read at, clockwise: a page fed sideways or upside down. */
export type QuarterTurn = 0 | 90 | 180 | 270;

/** How a prepared image relates to the uploaded one, to map boxes back. */
export interface ImageTransform {
  /** Size of the uploaded image once its EXIF orientation is applied (how viewers show it). */
  width: number;
  height: number;
  /** Prepared pixels per uploaded pixel. */
  scale: number;
  /** Degrees the upright upload was turned clockwise before it was scaled. */
  rotation: QuarterTurn;
}

export interface PreparedImage {
  /**
   * A grayscale image, dark text on a light background, at a size tesseract reads well: in leptonica's serialized
   * form, which costs nothing to encode and which tesseract copies whole (leptonica-image.ts; a PNG cost the dense
   * A4 page about a tenth of its recognition time in WASM, a binary PGM a read per pixel).
   */
  image: Buffer;
  transform: ImageTransform;
  /** The page's regions, in pixels of the image tesseract reads (prepared, then turned level by `deskew`). */
  layout: PageLayout;
  /** Tesseract parameters chosen for this page. */
  parameters: { thresholding_method: string; user_defined_dpi: string };
  /** How the page is straightened before it is read (0: it is level). */
  deskew: number | 'fit';
  /** What was measured and done, for the logs. */
  analysis: PageAnalysis & { inverted: boolean; denoised: boolean };
}

/**
 * Measures the gray pixels of a page, on a copy shrunk by a whole factor when the page is larger than the
 * measurements need. On the 300 dpi pages of the corpora (the dense page, the scanned PDFs), a copy shrunk by 2 gave
 * the decisions a lanczos3 reduction to 4 megapixels gave (scale, noise, lighting, columns, skew within 0.02°) in
 * under half the time, and without the libvips pass. A page a few pixels across is never shrunk to nothing.
 */
function measure(gray: Buffer, width: number, height: number): { analysis: PageAnalysis; ink: InkMap; factor: number } {
  const factor = Math.min(width, height, Math.ceil(Math.sqrt((width * height) / MAX_ANALYSIS_PIXELS)));
  if (factor === 1) return { ...analysePage({ data: gray, width, height }), factor };
  const { analysis, ink } = analysePage(shrinkGray(gray, width, height, factor));
  return { analysis: { ...analysis, lineHeight: analysis.lineHeight * factor }, ink, factor };
}

/**
 * The page's regions where tesseract will see them: found on the ink turned level by the measured skew (tesseract
 * turns the page it reads by that angle about its centre), then scaled from the measured copy to the prepared page.
 */
function layoutOf(ink: InkMap, analysis: PageAnalysis, factor: number, scale: number): PageLayout {
  const turned = rotateInk(ink, analysis.skewRadians);
  // A page without a single lone dot of ink (a clean one) has no specks to take out.
  const level = analysis.impulseNoise > 0 ? withoutSpecks(turned) : turned;
  return scaleLayout(findLayout(level, analysis.lineHeight / factor), factor * scale, {
    width: Math.round(ink.width * factor * scale),
    height: Math.round(ink.height * factor * scale),
  });
}

function chooseScale({ lineHeight }: PageAnalysis, noisy: boolean, width: number, height: number): number {
  const small = lineHeight > 0 && lineHeight < READABLE_LINE_HEIGHT;
  const target = lineHeight >= NEAR_READABLE_LINE_HEIGHT ? NEAR_READABLE_TARGET : TARGET_LINE_HEIGHT;
  const wanted = small && !noisy ? Math.min(MAX_UPSCALE, target / lineHeight) : 1;
  return Math.min(wanted, Math.sqrt(MAX_OCR_PIXELS / (width * height)), MAX_OCR_SIDE / Math.max(width, height));
}

/**
 * A skewed page is turned by the angle measured here, which saves tesseract the layout analysis its own line fit
 * costs: on turned corpus pages the measured angle read better (the line fit misses larger skews one way) in less
 * recognition time. A speckled or grainy page keeps
 * the line fit: on noisy pages neither angle read reliably better, and the corpus's scan read worse without it.
 */
function chooseDeskew({ skewRadians }: PageAnalysis, noisy: boolean): number | 'fit' {
  return noisy && skewRadians !== 0 ? 'fit' : skewRadians;
}

/**
 * Turns off libvips's operation cache, for the whole process: it serves a repeat of the same operation on the same
 * input, which never comes here (every upload is new), and kept on it made a worker's memory swing and creep. The
 * service calls it once at start.
 */
export function disableImageOperationCache(): void {
  sharp.cache(false);
}

/** An upload decoded to gray: one byte a pixel, row after row. */
export interface DecodedGray {
  data: Buffer;
  width: number;
  height: number;
}

/**
 * The only picture every later decision sees (orientation, layout, scale, text): the upload's first page or frame,
 * upright as its EXIF orientation says, transparency on white paper, one 8-bit gray channel. Palette, RGB, with or
 * without alpha, 8 or 16 bits a sample: the same picture gives the same gray levels within a level or two of rounding
 * (and whatever a lossy encoding or a palette lost itself). The gray is libvips's luminance; a gray file made by a
 * program that takes luma instead (ImageMagick, PIL) differs on saturated colours, but luma read colour photographs
 * worse. CMYK without a colour profile is the plain complement of RGB, which is what the programs that write it
 * without one mean; libvips assumes a printing press's profile there instead, and gives gray levels about ten off
 * those of the same picture in RGB.
 */
export async function decodeGray(bytes: Buffer, { maxPixels }: PreprocessOptions): Promise<DecodedGray> {
  const source = sharp(bytes, { limitInputPixels: maxPixels });
  try {
    const { space, hasProfile } = await source.metadata();
    if (space === 'cmyk' && !hasProfile) return await plainCmykToGray(source);
    const { data, info } = await source
      .autoOrient()
      .flatten({ background: '#ffffff' })
      .grayscale()
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height };
  } catch (error) {
    // The API decoded it already; only a job published by something other than our API gets here.
    throw new AppError('IMAGE_UNREADABLE', 'The image is corrupt or truncated and cannot be decoded.', { cause: error });
  }
}

/** RGB from CMYK as R = (1 − C)(1 − K) and so on, then gray as from any RGB picture. */
async function plainCmykToGray(source: Sharp): Promise<DecodedGray> {
  // Kept in CMYK all the way: converting to it on output alone would go through the assumed profile and back.
  const { data, info } = await source
    .autoOrient()
    .pipelineColourspace('cmyk')
    .toColourspace('cmyk')
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  const { width, height } = info;
  const rgb = Buffer.allocUnsafe(width * height * 3);
  for (let at = 0, to = 0; to < rgb.length; at += info.channels, to += 3) {
    const white = 255 - data[at + 3]!;
    for (let channel = 0; channel < 3; channel += 1) rgb[to + channel] = Math.round(((255 - data[at + channel]!) * white) / 255);
  }
  const gray = await sharp(rgb, { raw: { width, height, channels: 3 } })
    .grayscale()
    .raw()
    .toBuffer();
  return { data: gray, width, height };
}

/**
 * Turns an upload, decoded once to gray (decodeGray), into what tesseract reads best, deciding each step from
 * measurements of the page: turned by `rotation` (a page found sideways), light-on-dark inverted, salt-and-pepper noise removed, small text upscaled, huge pages reduced. Locally adaptive binarisation
 * (uneven lighting) and layout in columns are left to tesseract, through the parameters and segmentation mode it returns.
 */
export async function preprocessImage(decoded: DecodedGray, rotation: QuarterTurn = 0): Promise<PreparedImage> {
  // Turned from the upright pixels, so the transform's size is the upload's as viewers show it.
  const { data: upright, info } =
    rotation === 0
      ? { data: decoded.data, info: decoded }
      : await sharp(decoded.data, { raw: { width: decoded.width, height: decoded.height, channels: 1 } })
          .rotate(rotation)
          .toColourspace('b-w')
          .raw()
          .toBuffer({ resolveWithObject: true });
  const { width, height } = info;
  const { analysis: measured, ink, factor } = measure(upright, width, height);

  const uneven = measured.backgroundSpread > UNEVEN_BACKGROUND;
  // Uneven lighting counts as grain too (the background is off-level everywhere), so grain is judged on even pages only.
  const noisy = measured.impulseNoise > SPECKLED || (!uneven && measured.backgroundGrain > GRAINY);
  const denoised = measured.impulseNoise > SPECKLED && measured.backgroundGrain < SALT_AND_PEPPER;
  const scale = chooseScale(measured, noisy, width, height);
  const outWidth = Math.round(width * scale);
  const outHeight = Math.round(height * scale);
  // Enlarging a page, the common case, is cheaper done here (upscale.ts) than in libvips: pages that would come out
  // larger than MAX_ENLARGED_HERE are left to libvips, off the event loop, as is the median.
  const enlargeHere = scale > 1 && outWidth * outHeight <= MAX_ENLARGED_HERE;
  const resizeInLibvips = scale !== 1 && !enlargeHere;
  let pixels: Buffer = upright;
  if (denoised || resizeInLibvips) {
    let pipeline = sharp(upright, { raw: { width, height, channels: 1 } }).grayscale();
    if (denoised) pipeline = pipeline.median(3);
    if (resizeInLibvips) pipeline = pipeline.resize(outWidth, outHeight, { kernel: 'lanczos3' });
    pixels = await pipeline.toColourspace('b-w').raw().toBuffer();
  }
  // The image is written in one buffer, the enlargement straight into it: every page-sized buffer made here is memory
  // the garbage collector counts towards its next full collection of the heap.
  const raster = createGrayRaster(outWidth, outHeight);
  if (enlargeHere) upscaleGray(pixels, width, height, outWidth, outHeight, raster.pixels, raster.stride);
  else copyIntoRaster(pixels, raster);
  if (measured.darkBackground) for (let index = 0; index < raster.pixels.length; index += 1) raster.pixels[index] = 255 - raster.pixels[index]!;

  return {
    image: sealGrayRaster(raster),
    transform: { width: decoded.width, height: decoded.height, scale, rotation },
    layout: layoutOf(ink, measured, factor, scale),
    deskew: chooseDeskew(measured, noisy),
    // The image declares no resolution, and tesseract would estimate one per page: say 70 dpi outright, what it assumed
    // for the resolution the PNGs sharp wrote used to declare, which the accuracy tables were tuned with.
    parameters: { thresholding_method: uneven ? THRESHOLD_SAUVOLA : THRESHOLD_OTSU, user_defined_dpi: String(TESSERACT_FALLBACK_DPI) },
    analysis: { ...measured, inverted: measured.darkBackground, denoised },
  };
}

/**
 * The upload as a lossless PNG, pixels untouched, for types tesseract cannot decode itself (AVIF) when
 * preprocessing is off.
 */
export async function convertToPng(bytes: Buffer, { maxPixels }: PreprocessOptions): Promise<Buffer> {
  return sharp(bytes, { limitInputPixels: maxPixels }).png().toBuffer();
}

/**
 * The quality a page of a document is stored at in its searchable PDF when it was not a JPEG already: what document
 * scanners and scanning apps store gray and colour pages at, where print stays sharp at a fraction of lossless size.
 */
const SCAN_JPEG_QUALITY = 85;

/**
 * The upload as a PDF page shows it: upright, transparency on white, with the resolution it declares, stored as
 * `storage` says. A JPEG that needs no turning is kept as it is, so the PDF adds no second lossy encoding.
 */
export async function readPageImage(bytes: Buffer, { maxPixels }: PreprocessOptions, storage: PageImageStorage = 'lossless'): Promise<PageImage> {
  const source = sharp(bytes, { limitInputPixels: maxPixels });
  const { format, orientation = 1, space, width, height, channels, hasAlpha, density } = await source.metadata();
  const gray = channels - (hasAlpha ? 1 : 0) === 1;
  if (format === 'jpeg' && orientation === 1 && (space === 'srgb' || space === 'b-w')) {
    return { width, height, channels: gray ? 1 : 3, encoding: 'jpeg', data: bytes, density };
  }
  const { data, info } = await source
    .autoOrient()
    .flatten({ background: '#ffffff' })
    .toColourspace(gray ? 'b-w' : 'srgb')
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  const page = compactPage({ width: info.width, height: info.height, channels: info.channels === 1 ? 1 : 3, data, density });
  if (storage === 'lossless' || page.encoding === 'bilevel') return page;
  const jpeg = await sharp(page.data, { raw: { width: page.width, height: page.height, channels: page.channels } })
    .toColourspace(page.channels === 1 ? 'b-w' : 'srgb')
    .jpeg({ quality: SCAN_JPEG_QUALITY })
    .toBuffer();
  return { ...page, encoding: 'jpeg', data: jpeg };
}
