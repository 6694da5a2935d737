import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { ACCEPTED_IMAGE_TYPES, IMAGE_TYPES, imageTypeCapabilities, type ImageType } from '../../../src/ocr/input/image-type.js';

describe('IMAGE_TYPES', () => {
  /** sharp's name for the loader of each type (BMP would need its ImageMagick loader). */
  const SHARP_LOADERS: Record<ImageType, keyof typeof sharp.format> = {
    png: 'png',
    jpeg: 'jpeg',
    webp: 'webp',
    bmp: 'magick',
    tiff: 'tiff',
    gif: 'gif',
    avif: 'heif',
    pnm: 'ppm',
  };

  it.each(Object.entries(IMAGE_TYPES))('says whether the installed sharp decodes %s', (type, capabilities) => {
    expect(sharp.format[SHARP_LOADERS[type as ImageType]].input.buffer).toBe(capabilities.sharp);
  });

  it('finds each type by its media type, and nothing for another', () => {
    for (const capabilities of Object.values(IMAGE_TYPES)) expect(imageTypeCapabilities(capabilities.mediaType)).toBe(capabilities);
    expect(imageTypeCapabilities('application/pdf')).toBeUndefined();
  });

  it('names every accepted type once, in one sentence', () => {
    expect(ACCEPTED_IMAGE_TYPES).toBe('PNG, JPEG, WebP, BMP, TIFF, GIF, AVIF or PBM/PGM/PPM');
  });
});
