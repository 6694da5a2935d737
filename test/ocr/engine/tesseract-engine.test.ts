import type { Worker as Thread } from 'node:worker_threads';
import pino from 'pino';
import sharp from 'sharp';
import { createWorker } from 'tesseract.js';
import { afterAll, describe, expect, it } from 'vitest';
import { createLanguageCatalog } from '../../../src/ocr/engine/languages.js';
import { createTesseractEngine } from '../../../src/ocr/engine/tesseract-engine.js';
import { PSM_AUTO } from '../../../src/ocr/reading/page-segmentation.js';
import { characterErrorRate } from '../../helpers/error-rate.js';
import { renderTextImage } from '../../helpers/images.js';

const catalog = createLanguageCatalog();
const logger = pino({ level: 'silent' });

describe('tesseract engine', () => {
  const engine = createTesseractEngine({ catalog, workersPerLanguageSet: 1, maxLanguageSets: 2, jobTimeoutMs: 60_000, logger });
  // A tight limit only where the test is about it, so that a busy machine does not fail the others.
  const hurried = createTesseractEngine({ catalog, workersPerLanguageSet: 1, maxLanguageSets: 1, jobTimeoutMs: 700, logger });
  afterAll(() => Promise.all([engine.close(), hurried.close()]));

  it('reads text and reports progress up to the end', async () => {
    const progress: number[] = [];
    const recognition = await engine.recognize({
      image: await renderTextImage('Warm workers read quickly'),
      lang: 'eng',
      onProgress: (fraction) => progress.push(fraction),
    });
    expect(characterErrorRate('Warm workers read quickly', recognition.text)).toBeLessThan(0.03);
    expect(recognition.confidence).toBeGreaterThan(70);
    expect(progress.at(-1)).toBe(1);
  });

  it('reads an image that is a slice of a larger buffer, and only the slice', async () => {
    const image = await renderTextImage('Only the slice is read');
    // Bytes before and after the image in the same ArrayBuffer: an image sent whole would be no PNG at all.
    const surrounded = Buffer.concat([Buffer.alloc(1000, 0xff), image, Buffer.alloc(1000, 0xff)]);
    const recognition = await engine.recognize({ image: surrounded.subarray(1000, 1000 + image.length), lang: 'eng' });
    expect(characterErrorRate('Only the slice is read', recognition.text)).toBeLessThan(0.03);
  });

  it('keeps only the paragraph breaks the page shows, with or without the TSV asked for, which then comes whole', async () => {
    // Short last lines make tesseract guess paragraphs; only the blank line between the two is on the page.
    const page = 'The board will meet\non Tuesday.\nMinutes go out\nearly.\n\nA second paragraph\nfollows here.\n';
    const image = await renderTextImage(page);
    const plain = await engine.recognize({ image, lang: 'eng' });
    const withTsv = await engine.recognize({ image, lang: 'eng', outputs: ['tsv'] });
    expect(plain.text.split('\n\n').map((paragraph) => paragraph.split('\n').filter(Boolean).length)).toEqual([4, 2]);
    expect(characterErrorRate(page, plain.text)).toBeLessThan(0.03);
    expect(withTsv.text).toBe(plain.text);
    expect(plain.tsv).toBeUndefined();
    const rows = withTsv.tsv!.split('\n').slice(1).filter(Boolean);
    expect(rows.filter((row) => row.startsWith('4\t'))).toHaveLength(6);
    // Word rows, with their text: the whole TSV, not the line rows the paragraph breaks are found from.
    expect(rows.filter((row) => row.startsWith('5\t')).map((row) => row.split('\t')[11])).toContain('Tuesday.');
  });

  it("leaves a picture's background marks out of its text, boxes, hOCR and TSV alike, and a page of text whole", async () => {
    // A caption over a row of marks: bars and dashes, no letter or digit among them.
    const image = await renderTextImage('Summer fair on the green\n|  ==  ~~  --  |');
    const outputs = ['words', 'lines', 'hocr', 'tsv'] as const;
    const text = await engine.recognize({ image, lang: 'eng', outputs: [...outputs] });
    const picture = await engine.recognize({ image, lang: 'eng', outputs: [...outputs], picture: true });
    const pictureText = (await engine.recognize({ image, lang: 'eng', picture: true })).text;
    expect(text.text.split('\n').filter(Boolean)).toHaveLength(2);
    expect(picture.text).toBe('Summer fair on the green\n');
    expect(pictureText).toBe(picture.text);
    const words = picture.text.trim().split(/\s+/);
    expect(picture.words?.map((word) => word.text)).toEqual(words);
    expect(picture.lines?.map((line) => line.text)).toEqual([picture.text.trim()]);
    expect([...picture.hocr!.matchAll(/<span class='ocrx_word'[^>]*>([^<]*)<\/span>/g)].map((match) => match[1])).toEqual(words);
    const rows = picture.tsv!.split('\n').filter(Boolean);
    expect(rows.filter((row) => row.startsWith('5\t')).map((row) => row.split('\t')[11])).toEqual(words);
    expect(rows.filter((row) => row.startsWith('4\t'))).toHaveLength(1);
    expect(picture.lineBoxes).toHaveLength(1);
  });

  it('gives no line, word or TSV row for a region its own layout analysis takes for a picture, which its text has no line for', async () => {
    // A shaded disc, which tesseract at PSM 3 takes for a picture, over a caption and a row of marks.
    const [width, height] = [700, 560];
    const disc = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><defs><radialGradient id="shade"><stop offset="0" stop-color="#b0a0e0"/><stop offset="1" stop-color="#502818"/></radialGradient></defs><rect width="${width}" height="${height}" fill="white"/><ellipse cx="350" cy="150" rx="250" ry="110" fill="url(#shade)"/></svg>`;
    const caption = await renderTextImage('The old harbour at dawn\n|  ==  ~~  --  |');
    const image = await sharp(Buffer.from(disc))
      .composite([{ input: caption, left: 40, top: 330 }])
      .png()
      .toBuffer();
    const outputs = ['words', 'lines', 'tsv'] as const;
    const page = await engine.recognize({ image, lang: 'eng', psm: PSM_AUTO, outputs: [...outputs] });
    const textLines = page.text.split('\n').filter((line) => line.trim() !== '');
    expect(textLines[0]).toBe('The old harbour at dawn');
    expect(page.lineBoxes).toHaveLength(textLines.length);
    expect(page.tsv!.split('\n').filter((row) => row.startsWith('4\t'))).toHaveLength(textLines.length);
    expect(page.lines?.map((line) => line.text)).toEqual(textLines);
    expect(page.words?.every((word) => word.text !== '')).toBe(true);
    // Its lines and its text pair up, so a picture read at PSM 3 loses its background marks as one read as a block does.
    for (const asked of [[...outputs], []]) {
      const picture = await engine.recognize({ image, lang: 'eng', psm: PSM_AUTO, outputs: asked, picture: true });
      expect(picture.text).toBe('The old harbour at dawn\n');
      expect(picture.lineBoxes).toHaveLength(1);
    }
  });

  it('stops a recognition that runs past the timeout with OCR_TIMEOUT, then serves the next job on a fresh worker', async () => {
    const page = Array.from({ length: 60 }, (_, i) => `Line ${i} of a page far too long to read within the time limit set.`).join('\n');
    await expect(hurried.recognize({ image: await renderTextImage(page, { dpi: 300 }), lang: 'eng' })).rejects.toMatchObject({
      code: 'OCR_TIMEOUT',
    });
    const next = await hurried.recognize({ image: await renderTextImage('Next'), lang: 'eng' });
    expect(next.text.trim()).toBe('Next');
  });

  it('keeps a separate pool per language set', async () => {
    const german = await engine.recognize({ image: await renderTextImage('Größe und Übermaß'), lang: 'deu' });
    expect(german.text).toContain('Größe und Übermaß');
  });

  it('fails an image tesseract cannot decode with OCR_FAILED, and keeps working', async () => {
    const corrupt = (await renderTextImage('Corrupt')).subarray(0, 200);
    await expect(engine.recognize({ image: corrupt, lang: 'eng' })).rejects.toMatchObject({ code: expect.stringMatching(/OCR_FAILED|OCR_TIMEOUT/) });
    expect((await engine.recognize({ image: await renderTextImage('Alive'), lang: 'eng' })).text.trim()).toBe('Alive');
  });
});

describe('tesseract engine: worker threads and language sets', () => {
  const threads: Thread[] = [];
  const created: string[] = [];
  const initParameters: unknown[] = [];
  // tesseract.js's createWorker, watched: the tests reach the worker threads to kill them as a WASM abort would.
  const watchedCreateWorker: typeof createWorker = async (langs, oem, options, config) => {
    const worker = await createWorker(langs, oem, options, config);
    threads.push((worker as typeof worker & { worker: Thread }).worker);
    // The engine names its languages as a list of codes (lang.split('+')).
    created.push((langs as string[]).join('+'));
    initParameters.push(config);
    return worker;
  };
  const engine = createTesseractEngine({
    catalog,
    workersPerLanguageSet: 1,
    maxLanguageSets: 1,
    jobTimeoutMs: 60_000,
    logger,
    createWorker: watchedCreateWorker,
  });
  afterAll(() => engine.close());

  it("starts its tesseract workers without the legacy engine's dictionaries, and reads words as well", async () => {
    const recognition = await engine.recognize({ image: await renderTextImage('Quarterly statement of account'), lang: 'eng' });
    expect(recognition.text.trim()).toBe('Quarterly statement of account');
    expect(initParameters.at(-1)).toEqual({ load_system_dawg: '0', load_punc_dawg: '0', load_number_dawg: '0', load_freq_dawg: '0' });
  });

  it('fails the job running on it with OCR_FAILED at once, and serves the next job on a fresh worker', async () => {
    const page = Array.from({ length: 30 }, (_, i) => `Line ${i} of a page that takes a while to read.`).join('\n');
    const image = await renderTextImage(page, { dpi: 200 });
    await engine.warmUp('eng');
    const started = performance.now();
    const running = engine.recognize({ image, lang: 'eng' });
    setTimeout(() => void threads.at(-1)!.terminate(), 200);
    await expect(running).rejects.toMatchObject({ code: 'OCR_FAILED' });
    expect(performance.now() - started).toBeLessThan(10_000);
    expect((await engine.recognize({ image: await renderTextImage('Alive'), lang: 'eng' })).text.trim()).toBe('Alive');
  });

  it('survives an exception thrown inside an idle worker thread, which would otherwise end this process', async () => {
    const before = threads.length;
    // A message tesseract.js's worker script cannot handle makes it throw outside any job.
    threads.at(-1)!.postMessage(null);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await engine.recognize({ image: await renderTextImage('Still here'), lang: 'eng' })).text.trim()).toBe('Still here');
    expect(threads.length).toBe(before + 1);
  });

  it('keeps at most maxLanguageSets language sets warm, closing the least recently used', async () => {
    created.length = 0;
    for (const lang of ['deu', 'eng', 'deu']) await engine.recognize({ image: await renderTextImage('Kurz'), lang });
    expect(created).toEqual(['deu', 'eng', 'deu']);
  });

  it('never closes a language set with a job in flight, even beyond the bound', async () => {
    created.length = 0;
    const page = Array.from({ length: 12 }, (_, i) => `Line ${i} keeps the English workers busy.`).join('\n');
    const [english, german] = await Promise.all([
      engine.recognize({ image: await renderTextImage(page), lang: 'eng' }),
      engine.recognize({ image: await renderTextImage('Straße'), lang: 'deu' }),
    ]);
    expect(english.text).toContain('Line 11 keeps');
    expect(german.text.trim()).toBe('Straße');
    // The German set, asked for while the English one was busy, was kept warm: the next German job reuses it.
    await engine.recognize({ image: await renderTextImage('Weg'), lang: 'deu' });
    expect(created.sort()).toEqual(['deu', 'eng']);
  });
});
