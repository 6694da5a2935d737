import fs from 'node:fs';
import path from 'node:path';
import { PDFDocument } from 'pdf-lib';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutputFormat } from '../../src/formats.js';
import type { JobRecord } from '../../src/job.js';
import { toJobBody } from '../../src/job-body.js';
import { createLanguageCatalog } from '../../src/ocr/engine/languages.js';
import { createLanguageIdentifier } from '../../src/ocr/engine/language-identification.js';
import { createOcrPipeline } from '../../src/ocr/pipeline.js';
import { createTesseractEngine } from '../../src/ocr/engine/tesseract-engine.js';
import { createMemoryQueue } from '../../src/queue/memory.js';
import { createMemoryStores } from '../../src/store/memory/index.js';
import { readPdfText } from '../helpers/documents.js';
import { characterErrorRate } from '../helpers/error-rate.js';
import { createTestProcessor } from '../helpers/processor.js';
import { encodeGrayTiffPages } from '../helpers/raw-image-files.js';
import { ROOT } from '../helpers/service.js';

/** One corpus image of each kind that reads worst when enlarged or set on a page: noisy, low-resolution, scanned, small, an invoice, rotated. */
const IMAGES = ['noise_mono_03.png', 'lowres_mono_03.jpg', 'scan_serif_01.jpg', 'small_mono_03.png', 'invoice_mono_01.png', 'rotated_mono_03.png'];
const corpus = (name: string) => fs.readFileSync(path.join(ROOT, 'test/fixtures/corpus', name));
const expectedText = (name: string) => corpus(name.replace(/\.\w+$/, '.txt')).toString('utf8');

/** The images as a phone scanning app makes a PDF of them: each drawn 500 pt wide at the top of an A4 page. */
async function scannedPdf(): Promise<Buffer> {
  const document = await PDFDocument.create();
  for (const name of IMAGES) {
    // pdf-lib reads images through a DataView of their whole ArrayBuffer: each gets a buffer of its own.
    const bytes = new Uint8Array(corpus(name));
    const image = name.endsWith('.png') ? await document.embedPng(bytes) : await document.embedJpg(bytes);
    const page = document.addPage([595.28, 841.89]);
    const height = (500 * image.height) / image.width;
    page.drawImage(image, { x: (595.28 - 500) / 2, y: 841.89 - 36 - height, width: 500, height });
  }
  return Buffer.from(await document.save());
}

describe('a page of a document reads as its image uploaded alone (the worker’s job path, real OCR)', () => {
  const logger = pino({ level: 'silent' });
  const catalog = createLanguageCatalog();
  const engine = createTesseractEngine({ catalog, workersPerLanguageSet: 1, maxLanguageSets: 1, jobTimeoutMs: 60_000, logger });
  const pipeline = createOcrPipeline({ engine, maxPixels: 40_000_000, identifyLanguage: createLanguageIdentifier(catalog.installed) });
  const stores = createMemoryStores({ resultTtlSeconds: 600 });
  const queue = createMemoryQueue({ maxAttempts: 1 });
  const alone = new Map<string, { cer: number; rotation: number }>();

  const read = async (id: string, image: Buffer, mediaType: string, pages?: number[], outputs: OutputFormat[] = []): Promise<JobRecord> => {
    const options = { lang: 'eng', outputs, ...(pages && { pages }) };
    const created = await stores.jobs.create({ id, options, mediaType, createdAt: new Date().toISOString() });
    await queue.publish({ id, kind: pages ? 'document' : 'image', image, mediaType, options });
    const record = await stores.jobs.waitFor(created, 120_000);
    expect(record?.status, JSON.stringify(record?.error)).toBe('completed');
    return record!;
  };

  beforeAll(async () => {
    const processor = createTestProcessor({ stores, queue, pipeline, logger });
    await queue.consume(processor.handle, { concurrency: 1, onDeadLetter: processor.recordDeadLetter });
    for (const name of IMAGES) {
      const { result } = await read(`alone-${name}`, corpus(name), name.endsWith('.png') ? 'image/png' : 'image/jpeg');
      alone.set(name, { cer: characterErrorRate(expectedText(name), result!.text), rotation: result!.rotation ?? 0 });
    }
  }, 180_000);

  afterAll(async () => {
    await queue.close();
    await engine.close();
  });

  /** Each page within half a point of CER of its image read alone, turned the same way, and the least confident page named. */
  const expectReadAsAlone = (record: JobRecord) => {
    const pages = record.result!.pages!;
    expect(pages.map((page) => page.page)).toEqual(IMAGES.map((_, index) => index + 1));
    IMAGES.forEach((name, index) => {
      const page = pages[index]!;
      const cer = characterErrorRate(expectedText(name), page.text);
      expect(Math.abs(cer - alone.get(name)!.cer), `page ${page.page} (${name}): ${page.text}`).toBeLessThanOrEqual(0.005);
      expect(page.rotation ?? 0, name).toBe(alone.get(name)!.rotation);
    });
    expect(toJobBody(record).result!.min_page_confidence).toBe(Math.min(...pages.map((page) => page.confidence)));
  };

  it('reads the pages of a PDF made of six corpus images as it reads the images alone', { timeout: 180_000 }, async () => {
    const record = await read('six-pages-pdf', await scannedPdf(), 'application/pdf', [1, 2, 3, 4, 5, 6], ['pdf']);
    expectReadAsAlone(record);

    // The searchable PDF has the original's six A4 pages, each page's words in its text layer.
    const pdf = Buffer.from(record.result!.pdf!, 'base64');
    const sizes = (await PDFDocument.load(pdf)).getPages().map((page) => Object.values(page.getSize()).map(Math.round));
    expect(sizes).toEqual(IMAGES.map(() => [595, 842]));
    const { text } = await readPdfText(pdf);
    text
      .split('\f')
      .slice(0, IMAGES.length)
      .forEach((pageText, index) => expect(characterErrorRate(record.result!.pages![index]!.text, pageText), pageText).toBeLessThanOrEqual(0.02));
  });

  it('reads the pages of a multi-page TIFF of the same images as it reads the images alone', { timeout: 180_000 }, async () => {
    const tiff = await encodeGrayTiffPages(IMAGES.map(corpus));
    expectReadAsAlone(await read('six-pages-tiff', tiff, 'image/tiff', [1, 2, 3, 4, 5, 6]));
  });
});
