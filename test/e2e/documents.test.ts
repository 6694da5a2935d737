import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getResult, requestJson, upload, waitForResult } from '../helpers/client.js';
import { expectedPages, expectPagesRead, readDoc, readPdfText } from '../helpers/documents.js';
import { characterErrorRate } from '../helpers/error-rate.js';
import { eventually } from '../helpers/eventually.js';
import { renderTextImage } from '../helpers/images.js';
import { startInProcessService, type InProcessService } from '../helpers/in-process-service.js';
import sharp from 'sharp';
import { copyEmptyPgliteDatabase } from '../helpers/pglite-template.js';

const PDF = { filename: 'document.pdf', contentType: 'application/pdf' };

describe('documents: PDF and multi-page TIFF in, one result of pages out (MODE=all, over real HTTP)', () => {
  let service: InProcessService;

  let archiveDir: string;

  beforeAll(async () => {
    archiveDir = await copyEmptyPgliteDatabase(fs.mkdtempSync(path.join(os.tmpdir(), 'ocr-documents-archive-')));
    service = await startInProcessService({ OCR_CONCURRENCY: '2', ARCHIVE: 'pglite', ARCHIVE_DIR: archiveDir });
  });

  afterAll(async () => {
    await service?.stop();
    fs.rmSync(archiveDir, { recursive: true, force: true });
  });

  const read = async (file: string, fields: Record<string, string> = {}) => {
    const accepted = await upload(service.url, readDoc(file), {
      ...(file.endsWith('.pdf') ? PDF : { filename: file, contentType: 'image/tiff' }),
      ...fields,
    });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(202);
    const body = await waitForResult(service.url, accepted.body.task_id as string, 180_000);
    expect(body.status, JSON.stringify(body.error)).toBe('completed');
    return body;
  };

  it('reads the three pages of a scanned PDF with OCR, each at CER ≤ 2 %, and counts progress in pages', { timeout: 240_000 }, async () => {
    const body = await read('scan3.pdf');
    expectPagesRead(body.result, 'scan3', [1, 2, 3], 0.02);
    expect(body.result.pages.map((page: { source: string }) => page.source)).toEqual(['ocr', 'ocr', 'ocr']);
    expect(body.progress).toBe(1);
    expect(body.options).toMatchObject({ lang: 'eng' });
  });

  it(
    'reads the same pages from a multi-page TIFF, each at CER ≤ 2 %, with the language found per page for lang=auto',
    { timeout: 240_000 },
    async () => {
      const body = await read('scan3.tif', { lang: 'auto' });
      expectPagesRead(body.result, 'scan3', [1, 2, 3], 0.02);
      expect(body.result.pages.map(({ lang, rotation }: { lang: string; rotation: number }) => [lang, rotation])).toEqual([
        ['eng', 0],
        ['eng', 0],
        ['eng', 0],
      ]);
      expect(body.result.lang).toBe('eng');
    },
  );

  it('takes the text layer of a born-digital PDF as it is: exact text, no OCR', { timeout: 60_000 }, async () => {
    const body = await read('born2.pdf');
    expect(body.result.pages.map((page: { source: string }) => page.source)).toEqual(['text-layer', 'text-layer']);
    expect(body.result.pages.map((page: { text: string }) => page.text.trim())).toEqual(expectedPages('born2').map((page) => page.trim()));
    expect(body.result.timings.recognition_ms).toBe(0);

    // The archive keeps the pages as numbered in the original.
    let archived: Record<string, any> | undefined;
    await eventually(
      async () => {
        const answer = await requestJson(`${service.url}/archive/${body.task_id}`);
        archived = answer.body;
        return answer.status === 200;
      },
      'the document archived',
      30_000,
    );
    expect(archived!.pages.map((page: { page: number }) => page.page)).toEqual([1, 2]);
  });

  it('reads a mixed PDF each page its own way: the text layer, then OCR', { timeout: 120_000 }, async () => {
    const body = await read('mixed2.pdf');
    expect(body.result.pages.map((page: { source: string }) => page.source)).toEqual(['text-layer', 'ocr']);
    expect(body.result.pages[0].text.trim()).toBe(expectedPages('mixed2')[0]!.trim());
    expectPagesRead(body.result, 'mixed2', [1, 2], 0.02);
  });

  it('OCRs a page with a text layer too when asked to with force_ocr=true', { timeout: 120_000 }, async () => {
    const body = await read('born2.pdf', { force_ocr: 'true', pages: '1' });
    expect(body.result.pages).toMatchObject([{ page: 1, source: 'ocr' }]);
    expect(characterErrorRate(expectedPages('born2')[0]!, body.result.text)).toBeLessThanOrEqual(0.02);
  });

  it('reads only the pages asked for with pages=2-3, numbered as in the original', { timeout: 240_000 }, async () => {
    const body = await read('scan3.pdf', { pages: '2-3' });
    expectPagesRead(body.result, 'scan3', [2, 3], 0.02);
  });

  it('refuses a page selection the document does not have with 400 INVALID_PARAMETER', async () => {
    const answer = await upload(service.url, readDoc('scan3.pdf'), { ...PDF, pages: '2-9' });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toEqual({ code: 'INVALID_PARAMETER', message: expect.stringContaining('3 pages') });
  });

  it(
    'makes one searchable PDF of the scanned pages: three A4 pages whose text layer pdftotext reads at CER ≤ 3 %, plus hOCR and TSV per page',
    { timeout: 240_000 },
    async () => {
      const body = await read('scan3.pdf', { output: 'pdf,hocr,tsv' });
      const pdf = await fetch(`${service.url}/result/${body.task_id}?format=pdf`);
      expect(pdf.headers.get('content-type')).toBe('application/pdf');
      const { pages, text } = await readPdfText(Buffer.from(await pdf.arrayBuffer()));
      expect(pages).toBe(3);
      const expected = expectedPages('scan3');
      text
        .split('\f')
        .slice(0, 3)
        .forEach((pageText, index) => {
          expect(characterErrorRate(expected[index]!, pageText), `page ${index + 1}: ${pageText}`).toBeLessThanOrEqual(0.03);
        });

      const hocr = await (await fetch(`${service.url}/result/${body.task_id}?format=hocr`)).text();
      expect([...hocr.matchAll(/class='ocr_page' id='(page_\d+)'/g)].map((match) => match[1])).toEqual(['page_1', 'page_2', 'page_3']);
      const tsv = await (await fetch(`${service.url}/result/${body.task_id}?format=tsv`)).text();
      const pageNumbers = new Set(
        tsv
          .trim()
          .split('\n')
          .slice(1)
          .map((row) => row.split('\t')[1]),
      );
      expect(pageNumbers).toEqual(new Set(['1', '2', '3']));
    },
  );

  it.each(['gif', 'webp'] as const)('reads each frame of a multi-frame %s as a page', { timeout: 120_000 }, async (format) => {
    const texts = ['The first frame holds this line.', 'The second frame holds another line.'];
    const frames = await Promise.all(
      texts.map(async (text) =>
        sharp(await renderTextImage(text))
          .resize(900, 160, { fit: 'contain', background: '#ffffff' })
          .png()
          .toBuffer(),
      ),
    );
    const animated = await sharp(frames, { join: { animated: true } })
      .toFormat(format)
      .toBuffer();
    const accepted = await upload(service.url, animated, { filename: `frames.${format}`, contentType: `image/${format}` });
    expect(accepted.status).toBe(202);
    const body = await waitForResult(service.url, accepted.body.task_id as string);
    expect(body.result.pages.map((page: { page: number; source: string }) => [page.page, page.source])).toEqual([
      [1, 'ocr'],
      [2, 'ocr'],
    ]);
    body.result.pages.forEach((page: { text: string }, index: number) =>
      expect(characterErrorRate(texts[index]!, page.text)).toBeLessThanOrEqual(0.05),
    );
  });

  it.each([
    ['encrypted.pdf', 422, 'DOCUMENT_ENCRYPTED'],
    ['truncated.pdf', 422, 'DOCUMENT_UNREADABLE'],
    ['not_a_pdf.pdf', 422, 'DOCUMENT_UNREADABLE'],
    ['pages5000.pdf', 413, 'TOO_MANY_PAGES'],
    ['giant_page.pdf', 413, 'PAGE_TOO_LARGE'],
  ])('refuses bad/%s at upload with %i %s, and stays up', async (file, status, code) => {
    const answer = await upload(service.url, readDoc(`bad/${file}`), PDF);
    expect(answer.status).toBe(status);
    expect(answer.body).toEqual({ error: { code, message: expect.any(String) } });
    expect((await requestJson(`${service.url}/health`)).status).toBe(200);
  });

  it('still reads documents after the bad ones', { timeout: 60_000 }, async () => {
    const accepted = await upload(service.url, readDoc('born2.pdf'), PDF);
    expect((await getResult(service.url, accepted.body.task_id as string, 30)).body.status).toBe('completed');
  });
});
