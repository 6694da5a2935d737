import fs from 'node:fs';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upload, waitForResult } from '../helpers/client.js';
import { characterErrorRate, normaliseText } from '../helpers/error-rate.js';
import { renderTextImage } from '../helpers/images.js';
import { readSearchablePdf } from '../helpers/pdf.js';
import { startInProcessService, type InProcessService } from '../helpers/in-process-service.js';

const fixtureDir = new URL('../fixtures/', import.meta.url);
const fixture = (name: string) => fs.readFileSync(new URL(name, fixtureDir));
const groundTruth = (name: string) => fs.readFileSync(new URL(name.replace(/\.\w+$/, '.txt'), fixtureDir), 'utf8');

/** The images of tesseract.js's own tests, in every format it reads, three of them turned by EXIF orientation. */
const PEER_IMAGES = fs.readdirSync(new URL('peer/', fixtureDir)).filter((name) => !/\.(txt|md)$/.test(name));

/** One sentence per language pack, with the diacritics each language needs. */
const LANGUAGE_SAMPLES: Record<string, string> = {
  eng: 'The café owner paid £20 for the rooms on Friday.',
  deu: 'Größere Übungen für die Prüfung schließen heute.',
  fra: 'Le garçon a reçu une lettre très élégante à Noël.',
  spa: 'El niño pequeño comió jamón en la mañana.',
  ita: 'La città è più bella quando c’è il sole.',
  por: 'A informação não está disponível até às três horas.',
  nld: 'De ruïne van het kasteel trok veel bezoekers.',
};

const fetchRendition = (service: InProcessService, taskId: string, format: string) =>
  fetch(`${service.url}/result/${taskId}?format=${format}`).then(async (response) => ({
    status: response.status,
    type: response.headers.get('content-type'),
    body: Buffer.from(await response.arrayBuffer()),
  }));

describe('OCR quality over real HTTP', () => {
  let service: InProcessService;

  beforeAll(async () => {
    // Fewer warm language sets than languages used below, so the least recently used ones get closed on the way.
    service = await startInProcessService({ OCR_CONCURRENCY: '2', OCR_MAX_LANGUAGE_SETS: '3' });
  });

  afterAll(async () => {
    await service?.stop();
  });

  it('lists the installed languages', async () => {
    const body = (await (await fetch(`${service.url}/languages`)).json()) as { languages: string[] };
    expect(body.languages).toEqual(expect.arrayContaining(Object.keys(LANGUAGE_SAMPLES)));
  });

  it.each(PEER_IMAGES)("reads tesseract.js's own test image %s as its tests expect", async (name) => {
    const accepted = await upload(service.url, fixture(`peer/${name}`), { filename: name, contentType: 'application/octet-stream' });
    expect(accepted.status).toBe(202);
    const done = await waitForResult(service.url, accepted.body.task_id);
    expect(done.status).toBe('completed');
    expect(characterErrorRate(groundTruth(`peer/${name}`), done.result.text)).toBeLessThan(0.05);
  });

  it('keeps the column spacing of the bank statement', async () => {
    const accepted = await upload(service.url, fixture('peer/bill-png.png'), { output: 'tsv' });
    const done = await waitForResult(service.url, accepted.body.task_id);
    // A row of the statement: date, description and amounts stay apart, as in tesseract.js's expected text.
    expect(done.result.text).toMatch(/01Aug2018 Clearing Cheque {3,}4987 {3,}36\.07 {3,}99,914\.15/);
  });

  it.each(Object.entries(LANGUAGE_SAMPLES))('reads %s with its diacritics', async (lang, text) => {
    const accepted = await upload(service.url, await renderTextImage(text, { font: 'DejaVu Serif' }), { lang });
    expect(accepted.status).toBe(202);
    const done = await waitForResult(service.url, accepted.body.task_id);
    expect(done.result.lang).toBe(lang);
    expect(normaliseText(done.result.text).replace(/’/g, "'")).toBe(normaliseText(text).replace(/’/g, "'"));
  });

  it.each([
    ['corpus/small_mono_03.png', '10 px text'],
    ['corpus/inverted_sans_01.jpg', 'light text on a dark background'],
    ['corpus/rotated_mono_03.png', 'text turned by 3.6°'],
    ['corpus/noise_mono_03.png', 'salt-and-pepper noise'],
    ['corpus/twocol_sans_02.png', 'two columns'],
  ])('preprocessing makes %s (%s) readable', async (name) => {
    const accepted = await upload(service.url, fixture(name));
    const done = await waitForResult(service.url, accepted.body.task_id);
    expect(characterErrorRate(groundTruth(name), done.result.text)).toBeLessThan(0.03);
  });

  it.each([
    ['corpus2/orient_serif_090.png', 270],
    ['corpus2/orient_sans_180.png', 180],
  ])('reads %s, scanned the wrong way up, upright and says it turned it by %i°', async (name, rotation) => {
    const accepted = await upload(service.url, fixture(name), { output: 'words' });
    const done = await waitForResult(service.url, accepted.body.task_id);
    expect(done.result.rotation).toBe(rotation);
    // The orientation detection, the direction of the lines and the read at that turn all agreed.
    expect(done.result.rotation_confidence).toBe(1);
    expect(characterErrorRate(groundTruth(name), done.result.text)).toBeLessThan(0.02);
    // The boxes stay in the uploaded image's pixels, however it was turned to read it.
    const { width = 0, height = 0 } = await sharp(fixture(name)).metadata();
    for (const { bbox } of done.result.words as Array<{ bbox: { x0: number; y0: number; x1: number; y1: number } }>) {
      expect(bbox.x1).toBeLessThanOrEqual(width);
      expect(bbox.y1).toBeLessThanOrEqual(height);
    }
    if (rotation === 270) {
      // Scanned a quarter turn clockwise, the page's first line runs down its right edge: its words are taller than wide.
      const first = done.result.words[0] as { bbox: { x0: number; y0: number; x1: number; y1: number } };
      expect(first.bbox.y1 - first.bbox.y0).toBeGreaterThan(first.bbox.x1 - first.bbox.x0);
      expect(first.bbox.x0).toBeGreaterThan(width / 2);
    }
  });

  it('an upright page reports no turn', async () => {
    const accepted = await upload(service.url, await renderTextImage('Nothing to turn here'));
    const done = await waitForResult(service.url, accepted.body.task_id);
    expect(done.result).toMatchObject({ rotation: 0, rotation_confidence: 1, text: 'Nothing to turn here\n' });
  });

  it('finds the language of a French page with lang=auto and reads it with its accents', async () => {
    const accepted = await upload(service.url, fixture('corpus2/auto_fra_03.png'), { lang: 'auto' });
    const done = await waitForResult(service.url, accepted.body.task_id);
    expect(done.options.lang).toBe('auto');
    expect(done.result.lang).toBe('fra');
    expect(characterErrorRate(groundTruth('corpus2/auto_fra_03.png'), done.result.text)).toBeLessThan(0.01);
  });

  it.each(['corpus2/layout_headline_04.png', 'corpus2/layout_three_03.png'])(
    'reads %s in reading order: headline, then each column top to bottom',
    async (name) => {
      const accepted = await upload(service.url, fixture(name));
      const done = await waitForResult(service.url, accepted.body.task_id);
      expect(characterErrorRate(groundTruth(name), done.result.text)).toBeLessThan(0.02);
      // Within a column the lines follow each other with no blank line between them.
      const firstColumn = groundTruth(name).split('\n').slice(0, 4).join('\n');
      expect(done.result.text).toContain(firstColumn.split('\n').slice(-3).join('\n'));
    },
  );

  it.each(['true', 'false'])('reads AVIF, which tesseract.js cannot decode itself, with preprocess=%s', async (preprocess) => {
    const avif = await sharp(await renderTextImage('Modern formats too'))
      .avif({ lossless: true })
      .toBuffer();
    const accepted = await upload(service.url, avif, { preprocess, filename: 'scan.avif', contentType: 'image/avif' });
    expect(accepted.status).toBe(202);
    expect((await waitForResult(service.url, accepted.body.task_id)).result.text.trim()).toBe('Modern formats too');
  });

  it('skips preprocessing on preprocess=false', async () => {
    const accepted = await upload(service.url, fixture('corpus/twocol_sans_02.png'), { preprocess: 'false' });
    const done = await waitForResult(service.url, accepted.body.task_id);
    expect(done.options).toMatchObject({ preprocess: false });
    // Read as one block, the two columns interleave line by line.
    expect(characterErrorRate(groundTruth('corpus/twocol_sans_02.png'), done.result.text)).toBeGreaterThan(0.3);
  });

  it('returns words and lines with boxes, and serves text, hOCR, TSV and PDF renditions with their content types', async () => {
    const text = 'Quarterly report\nRevenue grew by 12 percent';
    const image = await renderTextImage(text);
    const accepted = await upload(service.url, image, { output: 'words,lines,hocr,tsv,pdf' });
    const done = await waitForResult(service.url, accepted.body.task_id);
    expect(done.options.output).toEqual(['text', 'words', 'lines', 'hocr', 'tsv', 'pdf']);
    expect(done.result.formats).toEqual(['text', 'hocr', 'tsv', 'pdf']);
    expect(done.result.words.map((word: { text: string }) => word.text)).toEqual(text.split(/\s+/));
    expect(done.result.lines).toHaveLength(2);
    expect(done.result.words[0]).toEqual({
      text: 'Quarterly',
      confidence: expect.any(Number),
      bbox: { x0: expect.any(Number), y0: expect.any(Number), x1: expect.any(Number), y1: expect.any(Number) },
    });

    const plain = await fetchRendition(service, accepted.body.task_id, 'text');
    expect(plain).toMatchObject({ status: 200, type: 'text/plain; charset=utf-8' });
    expect(plain.body.toString()).toBe(done.result.text);
    const hocr = await fetchRendition(service, accepted.body.task_id, 'hocr');
    expect(hocr).toMatchObject({ status: 200, type: 'text/html; charset=utf-8' });
    expect(hocr.body.toString()).toMatch(/<!DOCTYPE html [^]*<meta name='ocr-system' [^]*class='ocrx_word'[^]*<\/html>\n$/);
    const tsv = await fetchRendition(service, accepted.body.task_id, 'tsv');
    expect(tsv.type).toBe('text/tab-separated-values; charset=utf-8');
    expect(tsv.body.toString()).toMatch(/^level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n1\t/);
    expect(
      tsv.body
        .toString()
        .split('\n')
        .filter((line) => line.startsWith('5\t'))
        .map((line) => line.split('\t')[11]),
    ).toEqual(text.split(/\s+/));
    const pdf = await fetchRendition(service, accepted.body.task_id, 'pdf');
    expect(pdf.type).toBe('application/pdf');
    // The page is the uploaded image at its resolution (or 300 dpi), under its words.
    const { width, height, density = 300 } = await sharp(image).metadata();
    const page = readSearchablePdf(pdf.body);
    expect(page.image).toMatchObject({ width, height });
    expect(page.mediaBox.map((value) => Math.round(value))).toEqual([0, 0, Math.round((width * 72) / density), Math.round((height * 72) / density)]);
    expect(page.words.map((word) => word.text)).toEqual(text.split(/\s+/));
  });

  it('answers 409 for a rendition not asked for at upload', async () => {
    const accepted = await upload(service.url, await renderTextImage('Plain only'));
    await waitForResult(service.url, accepted.body.task_id);
    const hocr = await fetchRendition(service, accepted.body.task_id, 'hocr');
    expect(hocr.status).toBe(409);
    expect(JSON.parse(hocr.body.toString())).toEqual({ error: { code: 'FORMAT_NOT_REQUESTED', message: expect.stringContaining('output=hocr') } });
    const unknown = await fetchRendition(service, accepted.body.task_id, 'docx');
    expect(unknown.status).toBe(400);
  });
});
