import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { upscaleGray } from '../../../src/ocr/analysis/upscale.js';
import { renderTextImage } from '../../helpers/images.js';

async function grayPixels(image: Buffer) {
  const { data, info } = await sharp(image).grayscale().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

describe('upscaleGray', () => {
  it('keeps an even gray even, at the size asked for', () => {
    const enlarged = upscaleGray(Buffer.alloc(7 * 5, 173), 7, 5, 16, 11);
    expect(enlarged).toHaveLength(16 * 11);
    expect(new Set(enlarged)).toEqual(new Set([173]));
  });

  it('writes into the buffer it is given, the pixels it would return', () => {
    const source = Uint8Array.from({ length: 9 * 4 }, (_, index) => (index * 37) % 256);
    const image = Buffer.alloc(3 + 20 * 9, 7);
    const written = upscaleGray(source, 9, 4, 20, 9, image.subarray(3));
    expect(written.buffer).toBe(image.buffer);
    expect(image.subarray(0, 3)).toEqual(Buffer.from([7, 7, 7]));
    expect(image.subarray(3)).toEqual(Buffer.from(upscaleGray(source, 9, 4, 20, 9)));
  });

  it('writes rows the stride apart, leaving the bytes between them alone', () => {
    const source = Uint8Array.from({ length: 5 * 3 }, (_, index) => (index * 53) % 256);
    const packed = upscaleGray(source, 5, 3, 11, 7);
    const padded = Buffer.alloc(12 * 7, 9);
    upscaleGray(source, 5, 3, 11, 7, padded, 12);
    for (let y = 0; y < 7; y += 1) {
      expect(padded.subarray(y * 12, y * 12 + 11)).toEqual(Buffer.from(packed.subarray(y * 11, (y + 1) * 11)));
      expect(padded[y * 12 + 11]).toBe(9);
    }
  });

  it('stays within black and white at a sharp edge, where bicubic weights overshoot', () => {
    const edge = Buffer.from([0, 0, 0, 255, 255, 255]);
    const enlarged = upscaleGray(edge, 6, 1, 24, 1);
    expect(Math.min(...enlarged)).toBe(0);
    expect(Math.max(...enlarged)).toBe(255);
    // Dark on the left, light on the right, with a ramp between.
    expect(enlarged.subarray(0, 8).every((level) => level === 0)).toBe(true);
    expect(enlarged.subarray(17).every((level) => level === 255)).toBe(true);
  });

  it.each([2, 1.83, 3.67])('gives the pixels libvips gives when sharp enlarges a page of text %s×', async (scale) => {
    const { data, width, height } = await grayPixels(await renderTextImage('Invoice 2041 for seventeen boxes', { dpi: 70 }));
    const [outWidth, outHeight] = [Math.round(width * scale), Math.round(height * scale)];
    const ours = upscaleGray(data, width, height, outWidth, outHeight);
    const libvips = await sharp(data, { raw: { width, height, channels: 1 } })
      .grayscale()
      .resize(outWidth, outHeight, { kernel: 'lanczos3' })
      .toColourspace('b-w')
      .raw()
      .toBuffer();
    let difference = 0;
    for (let index = 0; index < ours.length; index += 1) difference += Math.abs(ours[index]! - libvips[index]!);
    expect(difference / ours.length).toBeLessThan(1);
  });
});
