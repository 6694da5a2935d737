import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { characterErrorRate } from '../helpers/error-rate.js';
import { startInProcessService, type InProcessService } from '../helpers/in-process-service.js';
import { ROOT } from '../helpers/service.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

describe('the web page in a real browser', () => {
  let service: InProcessService;
  let browser: Browser;
  let page: Page;
  const foreignRequests: string[] = [];
  let scratch: string;

  beforeAll(async () => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'image-ocr-web-'));
    service = await startInProcessService();
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
    page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    page.on('request', (request) => {
      const url = request.url();
      if (!url.startsWith(service.url) && !url.startsWith('data:') && !url.startsWith('blob:')) foreignRequests.push(url);
    });
    await page.goto(service.url);
    await page.locator('#language option[value="eng"]').waitFor({ state: 'attached' });
  });

  afterAll(async () => {
    await browser?.close();
    await service?.stop();
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
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

    if (process.env.WEB_PAGE_SCREENSHOT) await page.screenshot({ path: path.resolve(ROOT, process.env.WEB_PAGE_SCREENSHOT), fullPage: true });
    expect(foreignRequests).toEqual([]);
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

  it('searches the archive on a server that keeps one: the hit links to its record, with the match marked', async () => {
    const archiveDir = path.join(scratch, 'archive');
    const archived = await startInProcessService({ ARCHIVE: 'pglite', ARCHIVE_DIR: archiveDir });
    const tab = await browser.newPage();
    try {
      await tab.goto(archived.url);
      await tab.locator('#search').waitFor();
      await tab.locator('#files').setInputFiles(fixture('scan.png'));
      await tab.locator('[data-testid="result-text"]').waitFor({ timeout: 60_000 });
      // The archive is written off the OCR path: search until the text is in.
      await expect
        .poll(
          async () => {
            await tab.locator('#search-query').fill('conference');
            await tab.locator('#search-query').press('Enter');
            return tab.locator('.search-results li').count();
          },
          { timeout: 30_000 },
        )
        .toBeGreaterThan(0);
      const hit = tab.locator('.search-results li').first();
      expect(await hit.locator('mark').first().innerText()).toMatch(/conference/i);
      expect(await hit.locator('a').getAttribute('href')).toMatch(/^\/archive\//);
      // Snippets are the archive's text and marks only: no markup of its own reaches the page.
      expect(await hit.locator('p').innerHTML()).not.toMatch(/<(?!\/?mark>)/);
    } finally {
      await tab.close();
      await archived.stop();
    }
  });

  it('keeps the page out of the OpenAPI document and shows no search box on a server without an archive', async () => {
    const document = (await (await fetch(`${service.url}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(document.paths)).not.toContain('/');
    // The page's routes are its files only: any other path is still the API's own 404.
    const unknown = await fetch(`${service.url}/no-such-page.html`);
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
    expect(await page.locator('#search').isHidden()).toBe(true);
  });

  it('asks for the API key on a 401, keeps it in session storage, and then reads the image', async () => {
    const key = 'web-page-test-key-0123456789';
    const keyed = await startInProcessService({ API_KEYS: `tester:${key}` });
    const tab = await browser.newPage();
    try {
      await tab.goto(keyed.url);
      await tab.locator('#language option[value="eng"]').waitFor({ state: 'attached' });
      expect(await tab.locator('#api-key').isHidden()).toBe(true);
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
