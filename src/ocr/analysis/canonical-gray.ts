import sharp, { type Sharp } from 'sharp';
import { AppError } from '../../errors.js';

/** An upload decoded to gray: one byte a pixel, row after row. */
export interface DecodedGray {
  data: Buffer;
  width: number;
  height: number;
}

/**
 * The only picture every later decision sees (orientation, layout, scale, text): the upload's first page or frame,
 * upright as its EXIF orientation says, transparency on white paper, one 8-bit gray channel. Palette, gray, RGB,
 * with or without alpha, 8 or 16 bits a sample: the same picture gives the same gray levels within a level or two
 * of rounding (and whatever a lossy encoding or a palette lost itself). CMYK without a colour profile is the plain
 * complement of RGB, which is what the programs that write it without one mean; libvips assumes a printing press's
 * profile there instead, and gives gray levels about ten off those of the same picture in RGB.
 */
export async function decodeGray(bytes: Buffer, { maxPixels }: { maxPixels: number }): Promise<DecodedGray> {
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
