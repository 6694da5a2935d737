import pino from 'pino';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TextBox } from '../../src/formats.js';
import type { JobRecord } from '../../src/job.js';
import { createMemoryQueue } from '../../src/queue/memory.js';
import { createMemoryStores } from '../../src/store/memory/index.js';
import { expectedPages, readDoc, readPdfText, readPdfWords } from '../helpers/documents.js';
import { characterErrorRate } from '../helpers/error-rate.js';
import { createLocalPipeline } from '../helpers/ocr-pipeline.js';
import { createTestProcessor } from '../helpers/processor.js';

/**
 * The searchable PDF of a scanned document is no bigger than it must be: a PDF's scanned pages keep their JPEG, a
 * TIFF's pages are stored as a scanner stores them. Through the worker's job path, in this process, with real OCR.
 */
describe('the searchable PDF of a scanned document: about the size of the scan, its text where the words are', () => {
  const logger = pino({ level: 'silent' });
  const { engine, pipeline } = createLocalPipeline({ maxLanguageSets: 1, jobTimeoutMs: 60_000 });
  const stores = createMemoryStores({ resultTtlSeconds: 600 });
  const queue = createMemoryQueue({ maxAttempts: 1 });

  beforeAll(async () => {
    const processor = createTestProcessor({ stores, queue, pipeline, logger });
    await queue.consume(processor.handle, { concurrency: 1, onDeadLetter: processor.recordDeadLetter });
  });

  afterAll(async () => {
    await queue.close();
    await engine.close();
  });

  const readDocument = async (name: string, mediaType: string): Promise<{ record: JobRecord; pdf: Buffer }> => {
    const options = { lang: 'eng', outputs: ['pdf' as const, 'words' as const], pages: [1, 2, 3] };
    const id = `size-${name}`;
    const created = await stores.jobs.create({ id, options, mediaType, createdAt: new Date().toISOString() });
    await queue.publish({ id, kind: 'document', image: readDoc(name), mediaType, options });
    const record = await stores.jobs.waitFor(created, 240_000);
    expect(record?.status, JSON.stringify(record?.error)).toBe('completed');
    return { record: record!, pdf: Buffer.from(record!.result!.pdf!, 'base64') };
  };

  /**
   * Every page's text layer reads the page's text at CER ≤ 1 % (pdftotext -raw), on a page of the source's size in
   * points, each word within a point of where the OCR found it on the page's `pixelsPerPoint` image.
   */
  const expectTextInPlace = async ({ record, pdf }: { record: JobRecord; pdf: Buffer }, sizes: Array<[number, number]>, pixelsPerPoint: number) => {
    const expected = expectedPages('scan3');
    const texts = (await readPdfText(pdf)).text.split('\f');
    const pages = await readPdfWords(pdf);
    expect(pages.map(({ width, height }) => [width, height])).toEqual(
      sizes.map(([width, height]) => [expect.closeTo(width, 2), expect.closeTo(height, 2)]),
    );
    record.result!.pages!.forEach((page, index) => {
      expect(characterErrorRate(expected[index]!, texts[index]!), `page ${page.page}: ${texts[index]}`).toBeLessThanOrEqual(0.01);
      // pdftotext orders the words as it reads the page and may split one: a word is in place when pdftotext finds
      // it, as the OCR read it, within a point of its box (left, right, baseline).
      const shown = pages[index]!.words;
      const inPlace = ({ text, bbox }: TextBox) =>
        shown.some(
          (word) =>
            word.text === text &&
            Math.abs(word.xMin - bbox.x0 / pixelsPerPoint) < 1 &&
            Math.abs(word.xMax - bbox.x1 / pixelsPerPoint) < 1 &&
            Math.abs(word.yMax - bbox.y1 / pixelsPerPoint) < 1,
        );
      const words = page.words!.filter((word) => word.text.trim() !== '');
      expect(words.filter(inPlace).length, `words of page ${page.page} in place`).toBeGreaterThanOrEqual(0.95 * words.length);
    });
  };

  it('keeps the JPEG of each page of a scanned PDF: the copy is at most 1.25 × the input', { timeout: 300_000 }, async () => {
    const input = readDoc('scan3.pdf');
    const read = await readDocument('scan3.pdf', 'application/pdf');
    expect(read.pdf.length).toBeLessThanOrEqual(1.25 * input.length);
    const sizes = (await readPdfWords(input)).map(({ width, height }): [number, number] => [width, height]);
    // Each 1654 × 2339 scan covers its A4 page.
    await expectTextInPlace(read, sizes, 1654 / sizes[0]![0]);
  });

  it('stores the gray pages of a TIFF in gray at their 200 dpi: the copy is at most 1.5 × the input', { timeout: 300_000 }, async () => {
    const input = readDoc('scan3.tif');
    const read = await readDocument('scan3.tif', 'image/tiff');
    expect(read.pdf.length).toBeLessThanOrEqual(1.5 * input.length);
    const { width, height, density } = await sharp(input).metadata();
    expect(density).toBe(200);
    await expectTextInPlace(
      read,
      [1, 2, 3].map(() => [(width * 72) / 200, (height * 72) / 200]),
      200 / 72,
    );
  });
});
