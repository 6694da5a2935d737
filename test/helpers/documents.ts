import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'vitest';
import { characterErrorRate } from './error-rate.js';
import { ROOT } from './service.js';

/** The document fixtures (copies of `../shared/corpus2/docs`): a scanned PDF and TIFF, born-digital and mixed PDFs, bad PDFs. */
export const DOCS_DIR = process.env.DOCS_DIR ?? path.resolve(ROOT, 'test/fixtures/docs');

export const readDoc = (name: string): Buffer => fs.readFileSync(path.join(DOCS_DIR, name));

/** The exact text of each page of a corpus document (`<name>.txt`, pages separated by form feeds). */
export const expectedPages = (name: string): string[] => fs.readFileSync(path.join(DOCS_DIR, `${name}.txt`), 'utf8').split('\f');

/** Every page of the result at CER ≤ `maxCer` against the corpus text of the same page of the original. */
export function expectPagesRead(result: Record<string, any>, name: string, pageNumbers: number[], maxCer: number): void {
  const expected = expectedPages(name);
  const pages = result.pages as Array<{ page: number; text: string }>;
  expect(pages.map((page) => page.page)).toEqual(pageNumbers);
  for (const page of pages) {
    const cer = characterErrorRate(expected[page.page - 1]!, page.text);
    expect(cer, `page ${page.page}: ${page.text}`).toBeLessThanOrEqual(maxCer);
  }
  expect(result.text).toBe(pages.map((page) => page.text).join('\f'));
}

const run = promisify(execFile);

/** The text layer of a PDF as poppler's `pdftotext -raw` reads it (in the order it is written: a skewed page's words follow its slope), pages separated by form feeds, and its page count. */
export async function readPdfText(pdf: Buffer): Promise<{ pages: number; text: string }> {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ocr-pdf-')), 'out.pdf');
  fs.writeFileSync(file, pdf);
  try {
    const { stdout: info } = await run('pdfinfo', [file]);
    const { stdout: text } = await run('pdftotext', ['-raw', file, '-']);
    return { pages: Number(/^Pages:\s+(\d+)/m.exec(info)?.[1]), text };
  } finally {
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
}
