import fs from 'node:fs';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { checkImage } from '../../src/intake/image.js';
import { detectUploadType } from '../../src/intake/media-type.js';
import type { ImageType } from '../../src/ocr/input/image-type.js';
import { renderTextImage } from '../helpers/images.js';
import { encodeBmp, encodeNetpbm, type BmpOptions, type NetpbmKind } from '../helpers/raw-image-files.js';

const fixture = (name: string) => fs.readFileSync(new URL(`../fixtures/${name}`, import.meta.url));
const limits = { maxPixels: 40_000_000 };

async function validate(bytes: Buffer) {
  return checkImage(bytes, detectUploadType(bytes) as ImageType, limits);
}

describe('checkImage', () => {
  it.each([
    ['peer/simple-png.png', 'png', 320, 180],
    ['peer/simple-jpg.jpg', 'jpeg', 320, 180],
    ['peer/simple-webp.webp', 'webp', 320, 180],
    ['peer/simple-gif.gif', 'gif', 320, 180],
    ['peer/simple-bmp.bmp', 'bmp', 320, 180],
    ['peer/simple-pbm.pbm', 'pnm', 320, 180],
    ['peer/testocr-pbm.pbm', 'pnm', 640, 480],
    ['bad/wide_60000x40.png', 'png', 60000, 40],
  ])('accepts %s as %s, %i × %i', async (name, type, width, height) => {
    expect(await validate(fixture(name))).toEqual({ type, width, height });
  });

  it('refuses a 30000 × 30000 pixel bomb from its header, without decoding it', async () => {
    const started = performance.now();
    await expect(validate(fixture('bad/bomb_30000.png'))).rejects.toMatchObject({ code: 'IMAGE_TOO_LARGE' });
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('refuses an image over the configured limit', async () => {
    await expect(checkImage(fixture('peer/simple-png.png'), 'png', { maxPixels: 320 * 180 - 1 })).rejects.toMatchObject({
      code: 'IMAGE_TOO_LARGE',
    });
  });

  it('refuses a 1 × 1 image as too small', async () => {
    await expect(validate(fixture('bad/tiny_1x1.png'))).rejects.toMatchObject({ code: 'IMAGE_TOO_SMALL' });
  });

  it('refuses a PNG whose header is intact but whose pixel data is cut off', async () => {
    await expect(validate(fixture('bad/truncated.png'))).rejects.toMatchObject({ code: 'IMAGE_UNREADABLE' });
  });

  it.each([
    ['BMP', 'peer/simple-bmp.bmp'],
    ['PBM', 'peer/testocr-pbm.pbm'],
  ])('refuses a truncated %s, whose header announces more pixels than the file holds', async (_kind, name) => {
    const whole = fixture(name);
    await expect(validate(whole.subarray(0, Math.floor(whole.length / 2)))).rejects.toMatchObject({ code: 'IMAGE_UNREADABLE' });
  });

  it('refuses a BMP that declares a huge size in its header', async () => {
    const bmp = Buffer.from(fixture('peer/simple-bmp.bmp'));
    bmp.writeInt32LE(100_000, 18);
    bmp.writeInt32LE(100_000, 22);
    await expect(validate(bmp)).rejects.toMatchObject({ code: 'IMAGE_TOO_LARGE' });
  });

  it('refuses a Netpbm header that is cut off', async () => {
    await expect(validate(Buffer.from('P5\n640'))).rejects.toMatchObject({ code: 'IMAGE_UNREADABLE' });
  });

  describe('BMP and Netpbm, which sharp cannot decode: the pixel data their header announces must be in the file', () => {
    // An odd width, so every row of every depth needs padding to 4 bytes (BMP) or to a whole byte (PBM).
    const page = renderTextImage('Truncated files', { dpi: 61 });
    const unreadable = (reason: RegExp) => ({ code: 'IMAGE_UNREADABLE', message: expect.stringMatching(reason) });

    const bmpLayouts: Array<[string, BmpOptions]> = [
      ['1 bit', { bitsPerPixel: 1 }],
      ['4 bits', { bitsPerPixel: 4 }],
      ['8 bits', { bitsPerPixel: 8 }],
      ['8 bits, top-down', { bitsPerPixel: 8, topDown: true }],
      ['8 bits, RLE8', { bitsPerPixel: 8, rle8: true }],
      ['24 bits', { bitsPerPixel: 24 }],
      ['32 bits', { bitsPerPixel: 32 }],
    ];

    it.each(bmpLayouts)('accepts a whole BMP of %s and refuses it one byte short', async (_layout, options) => {
      const bmp = await encodeBmp(await page, options);
      const { width } = await sharp(await page).metadata();
      expect(width % 4).not.toBe(0);
      await expect(validate(bmp)).resolves.toMatchObject({ type: 'bmp', width });
      await expect(validate(bmp.subarray(0, bmp.length - 1))).rejects.toMatchObject(unreadable(/ends before the pixel data/));
    });

    it.each([
      ['an OS/2 header', { headerSize: 12 } as const, () => undefined, /OS\/2 BMP/],
      ['7 bits per pixel', {}, (bmp: Buffer) => bmp.writeUInt16LE(7, 28), /7 bits per pixel/],
      ['RLE8 at 24 bits', {}, (bmp: Buffer) => bmp.writeUInt32LE(1, 30), /compression 1 at 24 bits/],
      ['JPEG inside', {}, (bmp: Buffer) => bmp.writeUInt32LE(4, 30), /compression 4/],
      ['a palette of 300 colours at 8 bits', { bitsPerPixel: 8 } as const, (bmp: Buffer) => bmp.writeUInt32LE(300, 46), /palette of 300/],
      ['pixel data starting inside its palette', { bitsPerPixel: 8 } as const, (bmp: Buffer) => bmp.writeUInt32LE(100, 10), /overlaps/],
    ])('refuses a BMP with %s', async (_defect, options, corrupt, reason) => {
      const bmp = await encodeBmp(await page, { bitsPerPixel: 24, ...options });
      corrupt(bmp);
      await expect(validate(bmp)).rejects.toMatchObject(unreadable(reason));
    });

    it('refuses an RLE8 BMP whose runs end before the end-of-bitmap mark', async () => {
      const bmp = await encodeBmp(await page, { bitsPerPixel: 8, rle8: true });
      await expect(validate(bmp.subarray(0, bmp.length - 2))).rejects.toMatchObject(unreadable(/ends before/));
    });

    it.each<[NetpbmKind, number]>([
      ['P1', 1],
      ['P2', 255],
      ['P2', 65535],
      ['P3', 255],
      ['P4', 1],
      ['P5', 255],
      ['P5', 65535],
      ['P6', 255],
      ['P6', 65535],
    ])('accepts a whole %s with maximum value %i and refuses it cut short', async (kind, maxValue) => {
      const pnm = await encodeNetpbm(await page, kind, { maxValue });
      await expect(validate(pnm)).resolves.toMatchObject({ type: 'pnm' });
      // Binary rasters lose their last byte; plain ones their last sample and the newline after it.
      const cut =
        kind <= 'P3'
          ? pnm
              .toString('latin1')
              .trimEnd()
              .replace(/\s*\d+$/, '')
          : pnm.subarray(0, pnm.length - 1);
      await expect(validate(Buffer.from(cut))).rejects.toMatchObject(unreadable(/ends before the pixel data/));
    });

    it('refuses a 16-bit PGM whose samples take one byte each', async () => {
      const wide = await encodeNetpbm(await page, 'P5', { maxValue: 255 });
      await expect(validate(Buffer.from(wide.toString('latin1').replace('\n255\n', '\n65535\n'), 'latin1'))).rejects.toMatchObject(
        unreadable(/ends before/),
      );
    });

    it.each([
      ['a sample over its maximum value', (pgm: string) => pgm.replace('\n255\n', '\n100\n'), /numbers from 0 to 100/],
      ['a maximum value of 0', (pgm: string) => pgm.replace('\n255\n', '\n0\n'), /maximum sample value 0/],
      ['letters among its samples', (pgm: string) => pgm.replace(/ 255 /, ' ff '), /numbers from 0 to 255/],
    ])('refuses a plain PGM with %s', async (_defect, corrupt, reason) => {
      const pgm = (await encodeNetpbm(await page, 'P2')).toString('latin1');
      await expect(validate(Buffer.from(corrupt(pgm), 'latin1'))).rejects.toMatchObject(unreadable(reason));
    });
  });
});
