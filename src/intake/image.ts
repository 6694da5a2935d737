import sharp from 'sharp';
import { AppError } from '../errors.js';
import { readJpegSize, readPngSize, type DeclaredImage } from '../ocr/input/image-header.js';
import { IMAGE_TYPES, type ImageType } from '../ocr/input/image-type.js';
import { checkPngPixelData } from './png-pixel-data.js';

/** No text fits in an image narrower or lower than this; tesseract would only return nothing, slowly. */
const MIN_IMAGE_SIDE = 3;

export interface ImageLimits {
  /** Largest accepted width × height (MAX_IMAGE_PIXELS). */
  maxPixels: number;
}

export interface ValidatedImage {
  type: ImageType;
  /** Width and height as stored, before any EXIF orientation. */
  width: number;
  height: number;
}

const unreadable = (cause?: unknown) =>
  new AppError('IMAGE_UNREADABLE', 'The image is corrupt or truncated and cannot be decoded. Check the file and upload it again.', {
    cause,
  });

async function readDeclaredSize(bytes: Buffer, type: ImageType): Promise<DeclaredImage> {
  const capabilities = IMAGE_TYPES[type];
  if (!capabilities.sharp) {
    const declared = capabilities.readHeader(bytes);
    if (!declared) throw unreadable();
    return declared;
  }
  const read = type === 'png' ? readPngSize(bytes) : type === 'jpeg' ? readJpegSize(bytes) : undefined;
  if (read) return read;
  try {
    // metadata() parses the header only, so even a decompression bomb costs no pixel memory here.
    // sharp's own pixel limit is lifted here so that a bomb is reported as too large, not as unreadable.
    const { width, height } = await sharp(bytes, { limitInputPixels: false }).metadata();
    return { width, height };
  } catch (error) {
    throw unreadable(error);
  }
}

/**
 * Checks an image upload of `type` (found from its bytes) before it is queued: its declared size against the limits
 * from the header alone, then that its pixel data decodes to the end: for types sharp reads, by streaming them
 * through sharp's decoder so memory stays small (a small plain PNG by inflating its rows in JavaScript, cheaper than
 * a decoder's set-up); for the others, by measuring the pixel data their header announces against the file.
 * Throws IMAGE_TOO_LARGE, IMAGE_TOO_SMALL or IMAGE_UNREADABLE.
 */
export async function checkImage(bytes: Buffer, type: ImageType, { maxPixels }: ImageLimits): Promise<ValidatedImage> {
  const { width, height, defect } = await readDeclaredSize(bytes, type);
  if (width * height > maxPixels) {
    throw new AppError(
      'IMAGE_TOO_LARGE',
      `The image is ${width} × ${height} pixels, over the limit of ${maxPixels} pixels. Scale it down and upload it again.`,
    );
  }
  if (width < MIN_IMAGE_SIDE || height < MIN_IMAGE_SIDE) {
    throw new AppError('IMAGE_TOO_SMALL', `The image is ${width} × ${height} pixels: too small to hold any text.`);
  }
  if (defect) {
    throw new AppError(
      'IMAGE_UNREADABLE',
      `The ${IMAGE_TYPES[type].name} image cannot be decoded: ${defect}. Check the file, or save it as PNG, and upload it again.`,
    );
  }
  // A plain PNG proven whole in JavaScript needs no decode; anything it is unsure of gets sharp's.
  if (IMAGE_TYPES[type].sharp && !(type === 'png' && (await checkPngPixelData(bytes)) === 'complete')) {
    try {
      await decodeToTheEnd(bytes, type, height, maxPixels);
    } catch (error) {
      throw unreadable(error);
    }
  }
  return { type, width, height };
}

/** Types whose decoder can scale while it decodes (JPEG's DCT, WebP's), which makes a thumbnail the cheapest full read. */
const SHRINK_ON_LOAD: ReadonlySet<ImageType> = new Set(['jpeg', 'webp']);

/**
 * Decodes every row of the image, streaming, so a truncated or corrupt file fails here while memory stays
 * small. Asking for the last row alone makes the sequential decoder go through all the others to reach it, with
 * no resampling after; JPEG and WebP decode a thumbnail more cheaply still, since their decoders scale as they go.
 */
async function decodeToTheEnd(bytes: Buffer, type: ImageType, height: number, maxPixels: number): Promise<void> {
  const image = sharp(bytes, { failOn: 'truncated', limitInputPixels: maxPixels, sequentialRead: true });
  const shrunk = SHRINK_ON_LOAD.has(type) ? image.resize(16, 16, { fit: 'fill' }) : image.extract({ left: 0, top: height - 1, width: 1, height: 1 });
  await shrunk.raw().toBuffer();
}
