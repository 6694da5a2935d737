import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createLanguageCatalog } from '../../src/ocr/languages.js';
import { createTesseractEngine } from '../../src/ocr/tesseract-engine.js';
import { characterErrorRate } from '../helpers/error-rate.js';
import { renderTextImage } from '../helpers/images.js';

const catalog = createLanguageCatalog();
const logger = pino({ level: 'silent' });

describe('tesseract engine', () => {
  const engine = createTesseractEngine({ catalog, workersPerLanguageSet: 1, jobTimeoutMs: 700, logger });
  afterAll(() => engine.close());

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

  it('stops a recognition that runs past the timeout with OCR_TIMEOUT, then serves the next job on a fresh worker', async () => {
    const page = Array.from({ length: 60 }, (_, i) => `Line ${i} of a page far too long to read within the time limit set.`).join('\n');
    await expect(engine.recognize({ image: await renderTextImage(page, { dpi: 300 }), lang: 'eng' })).rejects.toMatchObject({
      code: 'OCR_TIMEOUT',
    });
    const next = await engine.recognize({ image: await renderTextImage('Next'), lang: 'eng' });
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
