import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { preprocessImage } from '../../src/ocr/preprocess.js';
import { renderTextImage } from '../helpers/images.js';

const TEXT = 'Invoice 2041 for seventeen boxes\nPayable to Acme Limited in May\nDelivered to the warehouse on Friday';
const MAX_PIXELS = 40_000_000;
const THREE_DEGREES = (3 * Math.PI) / 180;

/** The page turned 3° clockwise, on white paper. */
const skewedPage = async () =>
  sharp(await renderTextImage(TEXT, { dpi: 150 }))
    .rotate(3, { background: '#ffffff' })
    .png()
    .toBuffer();

/** Black specks on 1 % of the pixels, the same ones every run: salt and pepper. */
async function speckled(image: Buffer): Promise<Buffer> {
  const { data, info } = await sharp(image).grayscale().raw().toBuffer({ resolveWithObject: true });
  let seed = 7;
  for (let speck = 0; speck < data.length / 100; speck += 1) {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    data[seed % data.length] = 0;
  }
  return sharp(data, { raw: { width: info.width, height: info.height, channels: 1 } })
    .png()
    .toBuffer();
}

describe('preprocessImage: straightening', () => {
  it('leaves a level page level', async () => {
    const prepared = await preprocessImage(await renderTextImage(TEXT, { dpi: 150 }), { maxPixels: MAX_PIXELS });
    expect(prepared.deskew).toBe(0);
  });

  it('turns a skewed page back by the angle it measured, sparing tesseract its own line fit', async () => {
    const prepared = await preprocessImage(await skewedPage(), { maxPixels: MAX_PIXELS });
    expect(prepared.deskew).toBe(prepared.analysis.skewRadians);
    expect(Math.abs(Math.abs(prepared.deskew as number) - THREE_DEGREES)).toBeLessThan(0.005);
  });

  it("leaves a speckled skewed page to tesseract's line fit", async () => {
    const prepared = await preprocessImage(await speckled(await skewedPage()), { maxPixels: MAX_PIXELS });
    expect(prepared.analysis.impulseNoise).toBeGreaterThan(0.002);
    expect(prepared.analysis.skewRadians).not.toBe(0);
    expect(prepared.deskew).toBe('fit');
  });
});
