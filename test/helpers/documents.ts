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

/** Runs `use` on `pdf` written to a file of its own, removed afterwards. */
async function withPdfFile<T>(pdf: Buffer, use: (file: string) => Promise<T>): Promise<T> {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ocr-pdf-')), 'out.pdf');
  fs.writeFileSync(file, pdf);
  try {
    return await use(file);
  } finally {
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
}

/** The text layer of a PDF as poppler's `pdftotext -raw` reads it (in the order it is written: a skewed page's words follow its slope), pages separated by form feeds, and its page count. */
export function readPdfText(pdf: Buffer): Promise<{ pages: number; text: string }> {
  return withPdfFile(pdf, async (file) => {
    const { stdout: info } = await run('pdfinfo', [file]);
    const { stdout: text } = await run('pdftotext', ['-raw', file, '-']);
    return { pages: Number(/^Pages:\s+(\d+)/m.exec(info)?.[1]), text };
  });
}

export interface PdfTextPage {
  /** The page's size in points. */
  width: number;
  height: number;
  /** Each word of the text layer and its box, in points from the page's top-left corner. */
  words: Array<{ text: string; xMin: number; yMin: number; xMax: number; yMax: number }>;
}

const unescapeXml = (text: string) =>
  text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');

/** Each page of a PDF with the words of its text layer where poppler's `pdftotext -bbox` finds them. */
export function readPdfWords(pdf: Buffer): Promise<PdfTextPage[]> {
  return withPdfFile(pdf, async (file) => {
    const { stdout } = await run('pdftotext', ['-bbox', file, '-'], { maxBuffer: 64 * 1024 * 1024 });
    return [...stdout.matchAll(/<page width="([\d.]+)" height="([\d.]+)">([^]*?)<\/page>/g)].map(([, width, height, body]) => ({
      width: Number(width),
      height: Number(height),
      words: [...body!.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g)].map(
        ([, xMin, yMin, xMax, yMax, text]) => ({
          text: unescapeXml(text!),
          xMin: Number(xMin),
          yMin: Number(yMin),
          xMax: Number(xMax),
          yMax: Number(yMax),
        }),
      ),
    }));
  });
}

/** The images of a PDF as poppler's `pdfimages -png` extracts them (their samples as stored, decoded), in page order. */
export function readPdfImages(pdf: Buffer): Promise<Buffer[]> {
  return withPdfFile(pdf, async (file) => {
    await run('pdfimages', ['-png', file, path.join(path.dirname(file), 'image')]);
    const names = fs
      .readdirSync(path.dirname(file))
      .filter((name) => name.startsWith('image-'))
      .sort();
    return names.map((name) => fs.readFileSync(path.join(path.dirname(file), name)));
  });
}
