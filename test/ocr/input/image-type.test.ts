import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { ACCEPTED_IMAGE_TYPES, detectImageType, IMAGE_TYPES, type ImageType } from '../../../src/ocr/input/image-type.js';

const pixels = () => sharp({ create: { width: 8, height: 8, channels: 3, background: '#fff' } });

describe('detectImageType', () => {
  it.each([
    ['png', () => pixels().png().toBuffer()],
    ['jpeg', () => pixels().jpeg().toBuffer()],
    ['webp', () => pixels().webp().toBuffer()],
    ['gif', () => pixels().gif().toBuffer()],
    ['tiff', () => pixels().tiff().toBuffer()],
    ['avif', () => pixels().avif().toBuffer()],
  ])('recognises a real %s file by its bytes', async (type, make) => {
    expect(detectImageType(await make())).toBe(type);
  });

  it('recognises BMP and Netpbm headers', () => {
    const bmp = Buffer.alloc(64);
    bmp.write('BM', 0, 'ascii');
    bmp.writeUInt32LE(40, 14);
    expect(detectImageType(bmp)).toBe('bmp');
    expect(detectImageType(Buffer.from('P4\n8 8\n\0\0\0\0\0\0\0\0'))).toBe('pnm');
    expect(detectImageType(Buffer.from('P6 1 1 255\n\0\0\0'))).toBe('pnm');
  });

  it.each([
    ['plain text', Buffer.from('hello, this is not an image')],
    ['HTML', Buffer.from('<!doctype html><html><body>nope</body></html>')],
    ['a PDF', Buffer.from('%PDF-1.7\n')],
    ['text starting with BM', Buffer.from('BMW owners club newsletter, issue 12')],
    ['text starting with P1', Buffer.from('P1ease read me')],
    ['a truncated PNG signature', Buffer.from([0x89, 0x50, 0x4e])],
    ['nothing', Buffer.alloc(0)],
  ])('refuses %s', (_name, bytes) => {
    expect(detectImageType(bytes)).toBeUndefined();
  });
});

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

  it('names every accepted type once, in one sentence', () => {
    expect(ACCEPTED_IMAGE_TYPES).toBe('PNG, JPEG, WebP, BMP, TIFF, GIF, AVIF or PBM/PGM/PPM');
  });
});
