import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectImageType } from '../../src/ocr/image-type.js';
import { validateImage } from '../../src/ocr/validate-image.js';

const fixture = (name: string) => fs.readFileSync(new URL(`../fixtures/${name}`, import.meta.url));
const limits = { maxPixels: 40_000_000 };

async function validate(bytes: Buffer) {
  return validateImage(bytes, detectImageType(bytes)!, limits);
}

describe('validateImage', () => {
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
    await expect(validateImage(fixture('peer/simple-png.png'), 'png', { maxPixels: 320 * 180 - 1 })).rejects.toMatchObject({
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
});
