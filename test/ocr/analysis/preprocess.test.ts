import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { analysePage } from '../../../src/ocr/analysis/page-analysis.js';
import { decodeGray, preprocessImage } from '../../../src/ocr/analysis/preprocess.js';
import { renderTextImage } from '../../helpers/images.js';

/** An image prepared as the pipeline prepares it, upright. */
const prepare = async (bytes: Buffer) => preprocessImage(await decodeGray(bytes, { maxPixels: MAX_PIXELS }));

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
    const prepared = await prepare(await renderTextImage(TEXT, { dpi: 150 }));
    expect(prepared.deskew).toBe(0);
  });

  it('turns a skewed page back by the angle it measured, sparing tesseract its own line fit', async () => {
    const prepared = await prepare(await skewedPage());
    expect(prepared.deskew).toBe(prepared.analysis.skewRadians);
    // Tesseract's sign: a page turned clockwise is turned back by a negative angle.
    expect(Math.abs((prepared.deskew as number) + THREE_DEGREES)).toBeLessThan(0.005);
  });

  it("leaves a speckled skewed page to tesseract's line fit", async () => {
    const prepared = await prepare(await speckled(await skewedPage()));
    expect(prepared.analysis.impulseNoise).toBeGreaterThan(0.002);
    expect(prepared.analysis.skewRadians).not.toBe(0);
    expect(prepared.deskew).toBe('fit');
  });
});

describe('preprocessImage: large pages', () => {
  it('measures a page over 4 megapixels on a shrunk copy, as the page itself measures', async () => {
    const skewed = await skewedPage();
    const { width, height } = await sharp(skewed).metadata();
    const page = await sharp({ create: { width: 2600, height: 2000, channels: 3, background: '#ffffff' } })
      .composite([{ input: skewed, left: 2600 - width, top: 2000 - height }])
      .png()
      .toBuffer();
    const prepared = await prepare(page);
    const { data, info } = await sharp(page).grayscale().raw().toBuffer({ resolveWithObject: true });
    const { analysis: full } = analysePage({ data, width: info.width, height: info.height });
    // Shrunk by 2: the line height comes back at full scale, to within the 2 px one shrunk pixel stands for.
    expect(Math.abs(prepared.analysis.lineHeight - full.lineHeight)).toBeLessThanOrEqual(2);
    expect(Math.abs(prepared.analysis.skewRadians - full.skewRadians)).toBeLessThan(0.001);
    expect(prepared.deskew).toBe(prepared.analysis.skewRadians);
  });
});

describe('preprocessImage: enlarging small text', () => {
  /** The size the prepared image declares (leptonica's header words), once its raster is checked whole. */
  const imageSize = (image: Buffer) => {
    expect(image.subarray(0, 4).toString('latin1')).toBe('spix');
    const [width, height, depth, wordsPerRow, colours, rasterBytes] = [1, 2, 3, 4, 5, 6].map((word) => image.readUInt32LE(4 * word));
    expect([depth, colours, wordsPerRow]).toEqual([8, 0, Math.ceil(width! / 4)]);
    expect(rasterBytes).toBe(image.length - 28);
    expect(rasterBytes).toBe(4 * wordsPerRow! * height!);
    return [width, height];
  };

  it('enlarges a page of small text until its lines are about 22 px tall', async () => {
    const prepared = await prepare(await renderTextImage(TEXT, { dpi: 60 }));
    const { width, height, scale } = prepared.transform;
    expect(scale).toBeGreaterThan(1.5);
    expect(imageSize(prepared.image)).toEqual([Math.round(width * scale), Math.round(height * scale)]);
    expect(prepared.analysis.lineHeight * scale).toBeCloseTo(22, 0);
  });

  it('enlarges lines of 12 to 14 px less, to about 18 px, where they read as well', async () => {
    const prepared = await prepare(await renderTextImage(TEXT, { dpi: 105 }));
    expect(prepared.analysis.lineHeight).toBeGreaterThanOrEqual(12);
    expect(prepared.analysis.lineHeight).toBeLessThan(15);
    expect(prepared.analysis.lineHeight * prepared.transform.scale).toBeCloseTo(18, 0);
  });

  it('enlarges a page that comes out larger than 4 megapixels by the same rule', async () => {
    const line = await renderTextImage(TEXT, { dpi: 60 });
    const { width, height } = await sharp(line).metadata();
    // The small text tiled into a wide page: over 4 megapixels once enlarged.
    const page = await sharp({ create: { width: width * 6, height: height * 6, channels: 3, background: '#ffffff' } })
      .composite(Array.from({ length: 36 }, (_, i) => ({ input: line, left: (i % 6) * width, top: Math.floor(i / 6) * height })))
      .png()
      .toBuffer();
    const prepared = await prepare(page);
    const { scale } = prepared.transform;
    expect(scale).toBeGreaterThan(1.5);
    const [outWidth, outHeight] = imageSize(prepared.image);
    expect(outWidth! * outHeight!).toBeGreaterThan(4_000_000);
    expect([outWidth, outHeight]).toEqual([Math.round(width * 6 * scale), Math.round(height * 6 * scale)]);
    expect(prepared.image.length).toBeGreaterThan(outWidth! * outHeight!);
  });
});
