import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { startService, type RunningService } from '../helpers/service.js';

describe('the OpenAPI page in a real browser', () => {
  let service: RunningService;
  let browser: Browser;

  beforeAll(async () => {
    service = await startService();
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await service?.stop();
  });

  it('renders every operation using only what the service itself serves', async () => {
    const page = await browser.newPage();
    const foreignRequests: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(service.url) && !request.url().startsWith('data:')) foreignRequests.push(request.url());
    });
    await page.goto(`${service.url}/docs/`);
    await page.locator('.opblock-summary-path', { hasText: '/upload' }).first().waitFor({ timeout: 20_000 });
    const paths = await page.locator('.opblock-summary-path').allInnerTexts();
    expect(paths.map((path) => path.trim())).toEqual(expect.arrayContaining(['/upload', '/result/{id}', '/health', '/ready']));
    expect(foreignRequests).toEqual([]);
  });
});
