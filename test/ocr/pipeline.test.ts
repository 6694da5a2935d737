import zlib from 'node:zlib';
import pino from 'pino';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import type { TextBox } from '../../src/formats.js';
import { createLanguageCatalog } from '../../src/ocr/languages.js';
import { createOcrPipeline } from '../../src/ocr/pipeline.js';
import { createTesseractEngine } from '../../src/ocr/tesseract-engine.js';
import { characterErrorRate } from '../helpers/error-rate.js';
import { renderTextImage } from '../helpers/images.js';

const engine = createTesseractEngine({
  catalog: createLanguageCatalog(),
  workersPerLanguageSet: 1,
  maxLanguageSets: 2,
  jobTimeoutMs: 60_000,
  logger: pino({ level: 'silent' }),
});
const pipeline = createOcrPipeline({ engine, maxPixels: 40_000_000 });
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

/** The invisible text a PDF from tesseract carries: UTF-16 hex strings shown with TJ in its compressed content streams. */
function pdfTextLayer(pdf: Buffer): string {
  const streams = [...pdf.toString('latin1').matchAll(/stream\r?\n/g)].map((match) => {
    try {
      return zlib.inflateSync(pdf.subarray(match.index + match[0].length)).toString('latin1');
    } catch {
      return '';
    }
  });
  const shown = streams.flatMap((stream) => [...stream.matchAll(/\[ <([0-9A-F]+)> \] TJ/g)]);
  return shown.map(([, hex]) => Buffer.from(hex!, 'hex').swap16().toString('utf16le')).join('');
}

describe('OCR pipeline (preprocessing, engine, coordinates)', () => {
  it('returns every rendition: boxes inside the image on the right words, hOCR, TSV and a searchable PDF', async () => {
    const image = await renderTextImage(TEXT, { dpi: 110 });
    const { width, height } = await sharp(image).metadata();
    const result = await pipeline.run({ image, lang: 'eng', preprocess: true, outputs: ['words', 'lines', 'hocr', 'tsv', 'pdf'] });

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

    expect(result.hocr).toMatch(/class=['"]ocr_page['"]/);
    const hocrWords = [...result.hocr!.matchAll(/class=['"]ocrx_word['"][^>]*title=['"]bbox (\d+) (\d+) (\d+) (\d+)[^>]*>([^<]+)</g)];
    expect(hocrWords.map((match) => match[5])).toEqual(TEXT.split(/\s+/));
    expect(hocrWords.every((match) => Number(match[3]) <= width! && Number(match[4]) <= height!)).toBe(true);

    const rows = result.tsv!.trim().split('\n').map((line) => line.split('\t'));
    const wordRows = rows.filter((cells) => cells[0] === '5');
    expect(wordRows.map((cells) => cells[11])).toEqual(TEXT.split(/\s+/));
    expect(wordRows.every((cells) => Number(cells[6]) + Number(cells[8]) <= width!)).toBe(true);

    const pdf = Buffer.from(result.pdf!);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdfTextLayer(pdf)).toContain('Payable to Acme Limited');
  });

  it('maps boxes of small, upscaled text back to the pixels of the uploaded image', async () => {
    const image = await renderTextImage(TEXT, { dpi: 60 });
    const [prepared, untouched] = await Promise.all([
      pipeline.run({ image, lang: 'eng', preprocess: true, outputs: ['words'] }),
      pipeline.run({ image, lang: 'eng', preprocess: false, outputs: ['words'] }),
    ]);
    expect(prepared.preprocessing!.scale).toBeGreaterThan(1.5);
    expectSameWordsInPlace(prepared.words!, untouched.words!, 4);
  });

  it('straightens skewed text and maps its boxes back onto the skewed image', async () => {
    const straight = await renderTextImage(TEXT, { dpi: 150 });
    const skewed = await sharp(straight).rotate(3, { background: '#ffffff' }).png().toBuffer();
    const [deskewed, asUploaded] = await Promise.all([
      pipeline.run({ image: skewed, lang: 'eng', preprocess: true, outputs: ['words'] }),
      pipeline.run({ image: skewed, lang: 'eng', preprocess: false, outputs: ['words'] }),
    ]);
    expect(Math.abs(deskewed.preprocessing!.deskewRadians)).toBeGreaterThan(0.03);
    expect(characterErrorRate(TEXT, deskewed.text)).toBeLessThan(0.03);
    // Tesseract reads the 3° slope well enough untouched: its boxes there are the truth to match.
    expectSameWordsInPlace(deskewed.words!, asUploaded.words!, 6);
  });

  it('reads light text on a dark background', async () => {
    const image = await sharp(await renderTextImage(TEXT, { dpi: 90 })).flatten({ background: '#ffffff' }).negate().png().toBuffer();
    const result = await pipeline.run({ image, lang: 'eng', preprocess: true, outputs: [] });
    expect(result.preprocessing!.inverted).toBe(true);
    expect(characterErrorRate(TEXT, result.text)).toBeLessThan(0.03);
  });
});
