import zlib from 'node:zlib';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import type { TextBox } from '../../src/formats.js';
import { characterErrorRate } from '../helpers/error-rate.js';
import { createLocalPipeline } from '../helpers/ocr-pipeline.js';
import { renderTextImage } from '../helpers/images.js';
import { readPdfImages, readPdfText } from '../helpers/documents.js';
import { readSearchablePdf } from '../helpers/pdf.js';
import { encodeBmp } from '../helpers/raw-image-files.js';

const { engine, pipeline } = createLocalPipeline({ maxLanguageSets: 2, jobTimeoutMs: 60_000 });
afterAll(() => engine.close());

const TEXT = 'Invoice 2041 for seventeen boxes\nPayable to Acme Limited in May';

const centre = ({ bbox }: TextBox) => [(bbox.x0 + bbox.x1) / 2, (bbox.y0 + bbox.y1) / 2] as const;

function expectSameWordsInPlace(actual: TextBox[], expected: TextBox[], tolerance: number) {
  expect(actual.map((word) => word.text)).toEqual(expected.map((word) => word.text));
  actual.forEach((word, index) => {
    const [x, y] = centre(word);
    const [ex, ey] = centre(expected[index]!);
    expect(Math.abs(x - ex), `x of "${word.text}"`).toBeLessThan(tolerance);
    expect(Math.abs(y - ey), `y of "${word.text}"`).toBeLessThan(tolerance);
  });
}

describe('OCR pipeline (preprocessing, engine, coordinates)', () => {
  it('returns every rendition: boxes inside the image on the right words, hOCR, TSV and a searchable PDF', async () => {
    const image = await renderTextImage(TEXT, { dpi: 110 });
    const { width, height } = await sharp(image).metadata();
    const result = await pipeline.run({
      image,
      mediaType: 'image/png',
      lang: 'eng',
      preprocess: true,
      outputs: ['words', 'lines', 'hocr', 'tsv', 'pdf'],
    });

    expect(characterErrorRate(TEXT, result.text)).toBeLessThan(0.03);
    expect(result.words!.map((word) => word.text)).toEqual(TEXT.split(/\s+/));
    expect(result.lines!.map((line) => line.text)).toEqual(TEXT.split('\n'));
    for (const box of [...result.words!, ...result.lines!]) {
      expect(box.confidence).toBeGreaterThan(50);
      expect(box.bbox.x0).toBeGreaterThanOrEqual(0);
      expect(box.bbox.y0).toBeGreaterThanOrEqual(0);
      expect(box.bbox.x1).toBeLessThanOrEqual(width);
      expect(box.bbox.y1).toBeLessThanOrEqual(height);
      expect(box.bbox.x1).toBeGreaterThan(box.bbox.x0);
    }
    // Words of the first line sit above those of the second, left to right.
    const [invoice, number] = result.words!;
    const payable = result.words!.find((word) => word.text === 'Payable')!;
    expect(number!.bbox.x0).toBeGreaterThan(invoice!.bbox.x1);
    expect(payable.bbox.y0).toBeGreaterThan(invoice!.bbox.y1);

    // A whole hOCR document, as the tesseract CLI writes it, around the page.
    expect(result.hocr).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<!DOCTYPE html /);
    expect(result.hocr).toMatch(/<head>[^]*<meta name='ocr-system' content='tesseract 5[^']*' \/>[^]*<\/head>/);
    expect(result.hocr).toContain("<meta name='ocr-capabilities' content='ocr_page ocr_carea ocr_par ocr_line ocrx_word ocrp_wconf ocrp_lang'/>");
    expect(result.hocr).toMatch(/<body>\n<div class='ocr_page' [^]*<\/div>\n <\/body>\n<\/html>\n$/);
    const hocrWords = [...result.hocr!.matchAll(/class=['"]ocrx_word['"][^>]*title=['"]bbox (\d+) (\d+) (\d+) (\d+)[^>]*>([^<]+)</g)];
    expect(hocrWords.map((match) => match[5])).toEqual(TEXT.split(/\s+/));
    expect(hocrWords.every((match) => Number(match[3]) <= width && Number(match[4]) <= height)).toBe(true);

    const rows = result
      .tsv!.trim()
      .split('\n')
      .map((line) => line.split('\t'));
    expect(rows[0]).toEqual(['level', 'page_num', 'block_num', 'par_num', 'line_num', 'word_num', 'left', 'top', 'width', 'height', 'conf', 'text']);
    const wordRows = rows.filter((cells) => cells[0] === '5');
    expect(wordRows.map((cells) => cells[11])).toEqual(TEXT.split(/\s+/));
    expect(wordRows.every((cells) => Number(cells[6]) + Number(cells[8]) <= width)).toBe(true);

    const pdf = Buffer.from(result.pdf!);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(readSearchablePdf(pdf).words.map((word) => word.text)).toEqual(TEXT.split(/\s+/));
  });

  describe('the searchable PDF', () => {
    const POINTS_PER_INCH = 72;
    const expectPageSize = (mediaBox: number[], width: number, height: number) => {
      expect(mediaBox.slice(0, 2)).toEqual([0, 0]);
      expect(mediaBox[2]).toBeCloseTo(width, 2);
      expect(mediaBox[3]).toBeCloseTo(height, 2);
    };

    it('shows the uploaded image, in colour, at the resolution it declares, with each word laid over its box', async () => {
      // 770 × 270 px at 150 dpi: small text that preprocessing upscales and turns gray before tesseract reads it.
      const page = await sharp({ create: { width: 770, height: 270, channels: 3, background: '#fdf6e3' } })
        .composite([{ input: await renderTextImage(TEXT, { dpi: 70, foreground: '#1a3c8c', background: '#fdf6e3' }), top: 40, left: 40 }])
        .withDensity(150)
        .png()
        .toBuffer();
      const result = await pipeline.run({ image: page, mediaType: 'image/png', lang: 'eng', preprocess: true, outputs: ['words', 'pdf'] });
      expect(result.preprocessing!.scale).toBeGreaterThan(1.5);

      const pdf = readSearchablePdf(Buffer.from(result.pdf!));
      const points = POINTS_PER_INCH / 150;
      expectPageSize(pdf.mediaBox, 770 * points, 270 * points);
      expect(pdf.image).toMatchObject({ width: 770, height: 270, colorSpace: 'DeviceRGB', filter: 'FlateDecode' });
      expect(zlib.inflateSync(pdf.image.stream).subarray(0, 3)).toEqual(Buffer.from([0xfd, 0xf6, 0xe3]));

      expect(pdf.words.map((word) => word.text)).toEqual(result.words!.map((word) => word.text));
      pdf.words.forEach(({ text, matrix }, index) => {
        const { bbox } = result.words![index]!;
        const [a, b, , d, e, f] = matrix as [number, number, number, number, number, number];
        // The baseline starts at the bottom-left corner of the word's box, runs its width and rises its height.
        expect(Math.abs(e - bbox.x0 * points), `left of "${text}"`).toBeLessThan(1);
        expect(Math.abs(f - (270 - bbox.y1) * points), `bottom of "${text}"`).toBeLessThan(1);
        expect(Math.abs(a * text.length * 0.5 - (bbox.x1 - bbox.x0) * points), `width of "${text}"`).toBeLessThan(1);
        expect(Math.abs(d - (bbox.y1 - bbox.y0) * points), `height of "${text}"`).toBeLessThan(1);
        expect(Math.abs(b)).toBeLessThan(0.01);
      });
    });

    it('assumes 300 dpi for an image that declares no resolution, and returns no words unless asked for', async () => {
      const { data, info } = await sharp(await renderTextImage(TEXT, { dpi: 110 }))
        .raw()
        .toBuffer({ resolveWithObject: true });
      const page = await sharp(data, { raw: info }).png().toBuffer();
      expect((await sharp(page).metadata()).density).toBeUndefined();
      const result = await pipeline.run({ image: page, mediaType: 'image/png', lang: 'eng', preprocess: true, outputs: ['pdf'] });
      expect(result.words).toBeUndefined();
      const pdf = readSearchablePdf(Buffer.from(result.pdf!));
      expectPageSize(pdf.mediaBox, (info.width * POINTS_PER_INCH) / 300, (info.height * POINTS_PER_INCH) / 300);
      expect(pdf.words.map((word) => word.text).join(' ')).toBe(TEXT.replace(/\n/g, ' '));
    });

    it('sets the words of a deskewed page along the slope of the uploaded image', async () => {
      const skewed = await sharp(await renderTextImage(TEXT, { dpi: 150 }))
        .rotate(3, { background: '#ffffff' })
        .png()
        .toBuffer();
      const result = await pipeline.run({ image: skewed, mediaType: 'image/png', lang: 'eng', preprocess: true, outputs: ['pdf'] });
      expect(Math.abs(result.preprocessing!.deskewRadians)).toBeGreaterThan(0.03);
      const { words } = readSearchablePdf(Buffer.from(result.pdf!));
      expect(words.map((word) => word.text).join(' ')).toBe(TEXT.replace(/\n/g, ' '));
      for (const { matrix } of words) {
        // Turned 3° clockwise on screen: in PDF points, whose y axis points up, the baseline falls to the right.
        expect((Math.atan2(matrix[1]!, matrix[0]!) * 180) / Math.PI).toBeCloseTo(-3, 0);
      }
    });

    it('embeds a JPEG as it was uploaded, without encoding it again', async () => {
      const jpeg = await sharp(await renderTextImage(TEXT, { dpi: 150 }))
        .withDensity(200)
        .jpeg({ quality: 90 })
        .toBuffer();
      const result = await pipeline.run({ image: jpeg, mediaType: 'image/jpeg', lang: 'eng', preprocess: false, outputs: ['pdf'] });
      const pdf = readSearchablePdf(Buffer.from(result.pdf!));
      expect(pdf.image).toMatchObject({ filter: 'DCTDecode', colorSpace: 'DeviceRGB' });
      expect(pdf.image.stream.equals(jpeg)).toBe(true);
      const { width, height } = await sharp(jpeg).metadata();
      expectPageSize(pdf.mediaBox, (width * POINTS_PER_INCH) / 200, (height * POINTS_PER_INCH) / 200);
    });

    /** The gray pixels of an image, and its size. */
    const grayPixels = async (image: Buffer) => {
      const { data, info } = await sharp(image).flatten({ background: '#ffffff' }).grayscale().raw().toBuffer({ resolveWithObject: true });
      return { width: info.width, height: info.height, data };
    };
    /** TEXT in black on white at 150 dpi, every pixel one or the other, in an RGB PNG. */
    const bilevelPage = async () =>
      sharp(await renderTextImage(TEXT, { dpi: 150 }))
        .flatten({ background: '#ffffff' })
        .threshold(128, { grayscale: false })
        .withDensity(150)
        .png()
        .toBuffer();

    it('stores an upload in gray when every pixel is gray, and in one bit a pixel when every pixel is black or white, losing none', async () => {
      const gray = await sharp(await renderTextImage(TEXT, { dpi: 150 }))
        .flatten({ background: '#ffffff' })
        .withDensity(150)
        .png()
        .toBuffer();
      expect((await sharp(gray).metadata()).channels).toBe(3);
      for (const [image, bitsPerComponent] of [
        [gray, 8],
        [await bilevelPage(), 1],
      ] as const) {
        const result = await pipeline.run({ image, mediaType: 'image/png', lang: 'eng', preprocess: true, outputs: ['pdf'] });
        const pdf = Buffer.from(result.pdf!);
        expect(readSearchablePdf(pdf).image).toMatchObject({ colorSpace: 'DeviceGray', bitsPerComponent, filter: 'FlateDecode' });
        const [shown] = await readPdfImages(pdf);
        expect(await grayPixels(shown!)).toEqual(await grayPixels(image));
        expect(characterErrorRate(result.text, (await readPdfText(pdf)).text)).toBeLessThan(0.01);
      }
    });

    it("stores a document's page as a scanner does: gray as a JPEG at its resolution, black and white in one bit a pixel", async () => {
      const gray = await sharp(await renderTextImage(TEXT, { dpi: 150 }))
        .flatten({ background: '#ffffff' })
        .withDensity(150)
        .toColourspace('b-w')
        .png()
        .toBuffer();
      const read = (image: Buffer) =>
        pipeline.run({ image, mediaType: 'image/png', lang: 'eng', preprocess: true, outputs: ['pdf'], pdfImage: 'scan' });
      const grayPdf = readSearchablePdf(Buffer.from((await read(gray)).pdf!));
      const { width, height } = await sharp(gray).metadata();
      expect(grayPdf.image).toMatchObject({ width, height, colorSpace: 'DeviceGray', bitsPerComponent: 8, filter: 'DCTDecode' });
      expectPageSize(grayPdf.mediaBox, (width * POINTS_PER_INCH) / 150, (height * POINTS_PER_INCH) / 150);
      const [original, stored] = [await grayPixels(gray), await grayPixels(grayPdf.image.stream)];
      const meanDifference = original.data.reduce((sum, value, index) => sum + Math.abs(value - stored.data[index]!), 0) / original.data.length;
      expect(meanDifference).toBeLessThan(2);

      const bilevel = await bilevelPage();
      const bilevelPdf = Buffer.from((await read(bilevel)).pdf!);
      expect(readSearchablePdf(bilevelPdf).image).toMatchObject({ colorSpace: 'DeviceGray', bitsPerComponent: 1, filter: 'FlateDecode' });
      expect(await grayPixels((await readPdfImages(bilevelPdf))[0]!)).toEqual(await grayPixels(bilevel));
    });

    it('shows a BMP, which only tesseract decodes, at the resolution its header declares', async () => {
      const bmp = await encodeBmp(await renderTextImage(TEXT, { dpi: 150 }), { bitsPerPixel: 8 });
      const dpi = bmp.readInt32LE(38) * 0.0254;
      const result = await pipeline.run({ image: bmp, mediaType: 'image/bmp', lang: 'eng', preprocess: true, outputs: ['pdf'] });
      const pdf = readSearchablePdf(Buffer.from(result.pdf!));
      const width = bmp.readInt32LE(18);
      const height = bmp.readInt32LE(22);
      expect(pdf.image).toMatchObject({ width, height });
      expectPageSize(pdf.mediaBox, (width * POINTS_PER_INCH) / dpi, (height * POINTS_PER_INCH) / dpi);
      expect(pdf.words.map((word) => word.text)).toEqual(result.text.trim().split(/\s+/));
    });
  });

  it('maps boxes of small, upscaled text back to the pixels of the uploaded image', async () => {
    const image = await renderTextImage(TEXT, { dpi: 60 });
    const [prepared, untouched] = await Promise.all([
      pipeline.run({ image, mediaType: 'image/png', lang: 'eng', preprocess: true, outputs: ['words'] }),
      pipeline.run({ image, mediaType: 'image/png', lang: 'eng', preprocess: false, outputs: ['words'] }),
    ]);
    expect(prepared.preprocessing!.scale).toBeGreaterThan(1.5);
    expectSameWordsInPlace(prepared.words!, untouched.words!, 4);
  });

  it('straightens skewed text and maps its boxes back onto the skewed image', async () => {
    const straight = await renderTextImage(TEXT, { dpi: 150 });
    const skewed = await sharp(straight).rotate(3, { background: '#ffffff' }).png().toBuffer();
    const [deskewed, asUploaded] = await Promise.all([
      pipeline.run({ image: skewed, mediaType: 'image/png', lang: 'eng', preprocess: true, outputs: ['words'] }),
      pipeline.run({ image: skewed, mediaType: 'image/png', lang: 'eng', preprocess: false, outputs: ['words'] }),
    ]);
    expect(Math.abs(deskewed.preprocessing!.deskewRadians)).toBeGreaterThan(0.03);
    expect(characterErrorRate(TEXT, deskewed.text)).toBeLessThan(0.03);
    // Tesseract reads the 3° slope well enough untouched: its boxes there are the truth to match.
    expectSameWordsInPlace(deskewed.words!, asUploaded.words!, 6);
  });

  it('reads light text on a dark background', async () => {
    const image = await sharp(await renderTextImage(TEXT, { dpi: 90 }))
      .flatten({ background: '#ffffff' })
      .negate()
      .png()
      .toBuffer();
    const result = await pipeline.run({ image, mediaType: 'image/png', lang: 'eng', preprocess: true, outputs: [] });
    expect(result.preprocessing!.inverted).toBe(true);
    expect(characterErrorRate(TEXT, result.text)).toBeLessThan(0.03);
  });
});
