import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import sharp from 'sharp';
import { characterErrorRate } from '../helpers/error-rate.js';
import { startInProcessService, type InProcessService } from '../helpers/in-process-service.js';
import { ROOT } from '../helpers/service.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

/** The text of the born-digital first page of `report.pdf`. */
const TEXT_PAGE = 'Part One. The workshop opened at seven, and the first task of the day was to sweep the floor.';

/**
 * A 3-page PDF as people upload them: a born-digital page with its own text, then two scans placed at 150 dpi
 * (the meeting notes of scan.png, then an invoice).
 */
async function writeReport(file: string): Promise<{ pages: string[] }> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  pdf.addPage([595, 842]).drawText(TEXT_PAGE, { x: 40, y: 780, size: 11, font });
  for (const name of ['scan.png', 'corpus/invoice_mono_01.png']) {
    const scan = await pdf.embedPng(fs.readFileSync(fixture(name)));
    const [width, height] = [(scan.width * 72) / 150, (scan.height * 72) / 150];
    pdf.addPage([width, height]).drawImage(scan, { x: 0, y: 0, width, height });
  }
  fs.writeFileSync(file, await pdf.save());
  return { pages: [TEXT_PAGE, fs.readFileSync(fixture('scan.txt'), 'utf8'), fs.readFileSync(fixture('corpus/invoice_mono_01.txt'), 'utf8')] };
}

describe('the web page in a real browser', () => {
  let service: InProcessService;
  let browser: Browser;
  let page: Page;
  const foreignRequests: string[] = [];
  /** What went wrong while the page loaded: console errors, and answers of 400 or more (a missing favicon's 404). */
  const loadProblems: string[] = [];
  let scratch: string;
  let report: string;
  let reportPages: string[];

  beforeAll(async () => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'image-ocr-web-'));
    report = path.join(scratch, 'report.pdf');
    ({ pages: reportPages } = await writeReport(report));
    // With an archive, as `npm start` runs: the page's search box shows.
    service = await startInProcessService({ ARCHIVE: 'pglite', ARCHIVE_DIR: path.join(scratch, 'archive') });
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
    page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    page.on('request', (request) => {
      const url = request.url();
      if (!url.startsWith(service.url) && !url.startsWith('data:') && !url.startsWith('blob:')) foreignRequests.push(url);
    });
    page.on('console', (message) => message.type() === 'error' && loadProblems.push(message.text()));
    page.on('response', (response) => response.status() >= 400 && loadProblems.push(`${response.status()} ${response.url()}`));
    await page.goto(service.url);
    await page.locator('#language option[value="eng"]').waitFor({ state: 'attached' });
  });

  afterAll(async () => {
    await browser?.close();
    await service?.stop();
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  });

  it('loads without a console error or a failed request, with its own icon, and names documents in the drop hint', async () => {
    // The icon is asked for as the page loads: by then every request of the load has been answered.
    await page.waitForLoadState('networkidle');
    expect(loadProblems).toEqual([]);
    const icon = await page.locator('link[rel="icon"]').getAttribute('href');
    const served = await fetch(new URL(icon!, service.url));
    expect([served.status, served.headers.get('content-type')]).toEqual([200, 'image/svg+xml']);
    expect(await page.locator('#drop-zone').innerText()).toMatch(/Documents: PDF, multi-page TIFF/);
  });

  it('reads a 3-page PDF: a thumbnail per page, each page after its page break, and each page boxed on its own image', async () => {
    await page.locator('#files').setInputFiles(report);
    const card = page.locator('.card', { hasText: 'report.pdf' });
    const text = card.locator('[data-testid="result-text"]');
    await text.waitFor({ timeout: 60_000 });
    expect(await card.locator('.status').innerText()).toMatch(/^Done: eng, confidence \d+ %, 3 pages$/);

    // A thumbnail per page, each a picture of its page.
    const thumbnails = card.locator('.thumbnails img');
    expect(await thumbnails.count()).toBe(3);
    await expect
      .poll(() => thumbnails.evaluateAll((images) => images.map((image) => (image as unknown as { naturalWidth: number }).naturalWidth > 0)), {
        timeout: 15_000,
      })
      .toEqual([true, true, true]);

    // Each page's text after a break that names it.
    const sections = text.locator('.text-page');
    expect(await sections.locator('.page-break').allTextContents()).toEqual([
      expect.stringMatching(/^Page 1 · from the PDF’s text layer$/),
      expect.stringMatching(/^Page 2 · read by OCR, confidence \d+ %$/),
      expect.stringMatching(/^Page 3 · read by OCR, confidence \d+ %$/),
    ]);
    for (const [index, expected] of reportPages.entries()) {
      const body = await sections.nth(index).locator('div').innerText();
      expect(characterErrorRate(expected, body), `page ${index + 1}`).toBeLessThanOrEqual(0.05);
    }

    // The first page is shown: a text layer has no boxes. Each scanned page shows its own words' boxes.
    expect(await card.locator('.page-caption').innerText()).toBe('Page 1 of 3');
    expect(await card.locator('.word-boxes rect').count()).toBe(0);
    for (const number of [3, 2]) {
      await card
        .getByRole('button', { name: `Show page ${number}` })
        .first()
        .click();
      expect(await card.locator('.page-caption').innerText()).toBe(`Page ${number} of 3`);
      const words = await sections
        .nth(number - 1)
        .locator('span[data-word]')
        .count();
      expect(words).toBeGreaterThan(10);
      await expect.poll(() => card.locator(`.word-boxes rect[data-word^="${number}:"]`).count(), { timeout: 15_000 }).toBe(words);
      expect(await card.locator('.word-boxes rect').count()).toBe(words);
    }
    // Hovering a word of the page shown lights up its box on that page.
    const word = sections.nth(1).locator('span[data-word]').nth(3);
    await word.hover();
    const id = await word.getAttribute('data-word');
    await expect.poll(() => card.locator(`.word-boxes rect[data-word="${id}"]`).getAttribute('class')).toContain('active');
    if (process.env.WEB_PAGE_SCREENSHOT) await page.screenshot({ path: path.resolve(ROOT, process.env.WEB_PAGE_SCREENSHOT), fullPage: true });
    // The boxes toggle hides and shows the boxes of the page shown.
    await card.getByLabel('Word boxes').uncheck();
    expect(await card.locator('.word-boxes').isVisible()).toBe(false);
    await card.getByLabel('Word boxes').check();
    expect(await card.locator('.word-boxes').isVisible()).toBe(true);
  });

  it('reads a chosen image: its text, word boxes linked to the words, downloads, and nothing fetched from elsewhere', async () => {
    await page.locator('#files').setInputFiles(fixture('scan.png'));
    const card = page.locator('.card', { hasText: 'scan.png' });
    const text = card.locator('[data-testid="result-text"]');
    await text.waitFor({ timeout: 60_000 });
    expect(characterErrorRate(fs.readFileSync(fixture('scan.txt'), 'utf8'), await text.innerText())).toBeLessThanOrEqual(0.02);

    // Every word has a box on the image; hovering the word lights up its box.
    const boxes = card.locator('.word-boxes rect');
    expect(await boxes.count()).toBeGreaterThan(20);
    const firstWord = text.locator('span[data-word]').first();
    await firstWord.hover();
    const word = await firstWord.getAttribute('data-word');
    await expect.poll(() => card.locator(`.word-boxes rect[data-word="${word}"]`).getAttribute('class')).toContain('active');

    const download = page.waitForEvent('download');
    await card.getByRole('button', { name: 'Download PDF of scan.png' }).click();
    const saved = path.join(scratch, 'scan.pdf');
    await (await download).saveAs(saved);
    expect(fs.readFileSync(saved).subarray(0, 5).toString()).toBe('%PDF-');

    expect(foreignRequests).toEqual([]);
  });

  it('shows an image the browser cannot show (TIFF) as the server renders it, with its boxes', async () => {
    const tiff = path.join(scratch, 'notes.tif');
    await sharp(fixture('scan.png')).tiff().toFile(tiff);
    await page.locator('#files').setInputFiles(tiff);
    const card = page.locator('.card', { hasText: 'notes.tif' });
    await card.locator('[data-testid="result-text"]').waitFor({ timeout: 60_000 });
    const image = card.locator('.page-image');
    await expect
      .poll(() => image.evaluate((element) => (element as unknown as { naturalWidth: number }).naturalWidth), { timeout: 15_000 })
      .toBe(770);
    expect(await card.locator('.page').isVisible()).toBe(true);
    const words = await card.locator('span[data-word]').count();
    expect(words).toBeGreaterThan(20);
    await expect.poll(() => card.locator('.word-boxes rect').count()).toBe(words);
    expect(await card.locator('.thumbnails').isHidden()).toBe(true);
  });

  it('finds the language of a French page when the language chosen is auto', async () => {
    await page.locator('#language').selectOption('auto');
    await page.locator('#files').setInputFiles(fixture('corpus2/auto_fra_03.png'));
    const card = page.locator('.card', { hasText: 'auto_fra_03.png' });
    const text = card.locator('[data-testid="result-text"]');
    await text.waitFor({ timeout: 60_000 });
    expect(await card.locator('.status').innerText()).toMatch(/^Done: fra,/);
    expect(characterErrorRate(fs.readFileSync(fixture('corpus2/auto_fra_03.txt'), 'utf8'), await text.innerText())).toBeLessThanOrEqual(0.02);
    await page.locator('#language').selectOption('eng');
  });

  it("shows the API's message on the card of a file that is not an image", async () => {
    const notAnImage = path.join(scratch, 'notes.png');
    fs.writeFileSync(notAnImage, 'This is a text file, not a picture.\n');
    await page.locator('#files').setInputFiles(notAnImage);
    const error = page.locator('.card', { hasText: 'notes.png' }).locator('.error');
    await error.waitFor();
    expect(await error.innerText()).toMatch(/UNSUPPORTED_MEDIA_TYPE/);
    const answer = await fetch(`${service.url}/upload`, {
      method: 'POST',
      body: (() => {
        const form = new FormData();
        form.append('file', new Blob([fs.readFileSync(notAnImage)]), 'notes.png');
        return form;
      })(),
    });
    const { error: apiError } = (await answer.json()) as { error: { message: string } };
    expect(await error.innerText()).toContain(apiError.message);
  });

  it('fits a phone-width window without scrolling sideways, and is reachable by keyboard', async () => {
    const phone = await browser.newPage({ viewport: { width: 360, height: 740 } });
    await phone.goto(service.url);
    await phone.locator('#language option[value="eng"]').waitFor({ state: 'attached' });
    expect(Number(await phone.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(360);
    const focused: string[] = [];
    for (let step = 0; step < 4; step += 1) {
      await phone.keyboard.press('Tab');
      focused.push(String(await phone.evaluate("document.activeElement?.id ?? ''")));
    }
    expect(focused).toEqual(['language', 'psm', 'preprocess', 'files']);
    await phone.close();
  });

  it('searches the archive: a hit is titled by its file and page, and opens the result in the page at that page', async () => {
    // A fresh tab, without the card of report.pdf that the upload above left in the first.
    const tab = await browser.newPage();
    try {
      await tab.goto(service.url);
      await tab.locator('#search').waitFor();
      // The archive is written off the OCR path: search until the text is in.
      await expect
        .poll(
          async () => {
            await tab.locator('#search-query').fill('fern studio');
            await tab.locator('#search-query').press('Enter');
            return tab.locator('.search-results li').count();
          },
          { timeout: 60_000 },
        )
        .toBeGreaterThan(0);
      const hit = tab.locator('.search-results li').first();
      expect(await hit.locator('mark').first().innerText()).toMatch(/fern/i);
      // Snippets are the archive's text and marks only: no markup of its own reaches the page.
      expect(await hit.locator('p').innerHTML()).not.toMatch(/<(?!\/?mark>)/);

      const link = hit.getByRole('link', { name: 'report.pdf, page 3' });
      await link.click();
      expect(new URL(tab.url()).hash).toMatch(/^#task=[\w-]+&page=3$/);
      const card = tab.locator('.card', { hasText: 'report.pdf' });
      await card.locator('[data-testid="result-text"]').waitFor();
      expect(await card.locator('.page-caption').innerText()).toBe('Page 3 of 3');
      expect(await card.locator('.thumbnails [aria-current="page"]').getAttribute('aria-label')).toBe('Show page 3');
      await expect.poll(() => card.locator('.word-boxes rect[data-word^="3:"]').count(), { timeout: 15_000 }).toBeGreaterThan(10);
      expect(await card.locator('.text-page[data-page="3"]').innerText()).toContain('Blue Fern Studio');
    } finally {
      await tab.close();
    }
  });

  it('keeps the page out of the OpenAPI document', async () => {
    const document = (await (await fetch(`${service.url}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(document.paths)).not.toContain('/');
    // The page's routes are its files only: any other path is still the API's own 404.
    const unknown = await fetch(`${service.url}/no-such-page.html`);
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
  });

  it('asks for the API key on a 401, keeps it in session storage, and then reads the image; no search box without an archive', async () => {
    const key = 'web-page-test-key-0123456789';
    const keyed = await startInProcessService({ API_KEYS: `tester:${key}` });
    const tab = await browser.newPage();
    try {
      const settings = tab.waitForResponse((response) => response.url().endsWith('/web-page.json'));
      await tab.goto(keyed.url);
      await tab.locator('#language option[value="eng"]').waitFor({ state: 'attached' });
      expect(await (await settings).json()).toEqual({ search: false });
      expect(await tab.locator('#api-key').isHidden()).toBe(true);
      expect(await tab.locator('#search').isHidden()).toBe(true);
      await tab.locator('#files').setInputFiles(fixture('scan.png'));
      const refused = tab.locator('.card .error');
      await refused.waitFor();
      expect(await refused.innerText()).toMatch(/needs an API key.*UNAUTHORIZED/s);
      await tab.locator('#api-key').fill(key);
      expect(await tab.evaluate('sessionStorage.length')).toBe(1);
      await tab.locator('#files').setInputFiles(fixture('scan.png'));
      // New cards go on top: the first is the second upload's.
      const text = tab.locator('.card').first().locator('[data-testid="result-text"]');
      await text.waitFor({ timeout: 60_000 });
      expect(await text.innerText()).toContain('The board will meet');
    } finally {
      await tab.close();
      await keyed.stop();
    }
  });
});
