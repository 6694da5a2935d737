import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { parseUploadOptions } from '../../src/api/upload-options.js';
import { toOptionsBody } from '../../src/job-body.js';
import { createLanguageCatalog } from '../../src/ocr/engine/languages.js';
import { startInProcessService, type InProcessService } from '../helpers/in-process-service.js';

const catalog = createLanguageCatalog();

/** Opens an operation on the page, as a person would; "Try it out" is on as the page loads. */
async function open(page: Page, method: string, path: string): Promise<Locator> {
  const operation = page.locator(`.opblock-${method}`).filter({ has: page.locator('.opblock-summary-path', { hasText: new RegExp(`^${path}$`) }) });
  await operation.locator('.opblock-summary').click();
  return operation;
}

/** Presses Execute and reads the answer Swagger UI shows: its status code and body. */
async function execute(operation: Locator): Promise<{ status: number; body: string }> {
  await operation.locator('button.execute').click();
  const answer = operation.locator('.live-responses-table .response').first();
  await answer.waitFor({ timeout: 40_000 });
  return {
    status: Number(await answer.locator('.response-col_status').innerText()),
    body: await answer.locator('.response-col_description pre').first().innerText(),
  };
}

describe('the OpenAPI page in a real browser', () => {
  let service: InProcessService;
  let browser: Browser;

  beforeAll(async () => {
    service = await startInProcessService();
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

  it('uploads with the form as it loads (only a file chosen, no "Try it out"), which leaves every option to the server', async () => {
    const page = await browser.newPage();
    const consoleErrors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    await page.goto(`${service.url}/docs/`);
    const upload = await open(page, 'post', '/upload');
    await expect(upload.locator('button.execute').isVisible()).resolves.toBe(true);
    await upload
      .locator('tr[data-property-name="file"] input[type="file"]')
      .setInputFiles(fileURLToPath(new URL('../fixtures/scan.png', import.meta.url)));
    const accepted = await execute(upload);
    expect(accepted.status, accepted.body).toBe(202);
    // What the page sent, as its curl line shows it: nothing the server would read differently from no option at all.
    const curl = await upload.locator('.curl-command').innerText();
    const fields = Object.fromEntries([...curl.matchAll(/-F '([a-z_]+)=([^';]*)/g)].map((match) => [match[1]!, match[2]!]));
    const { file, ...options } = fields;
    expect(file).toBe('@scan.png');
    // No psm and no pages: the service chooses the layout and reads every page.
    expect([options.psm ?? '', options.pages ?? '']).toEqual(['', '']);
    const sent = parseUploadOptions(catalog, options);
    expect(sent.forceOcr).toBeUndefined();
    expect(toOptionsBody(sent)).toEqual(toOptionsBody(parseUploadOptions(catalog, {})));
    const { task_id: taskId } = JSON.parse(accepted.body) as { task_id: string };

    const result = await open(page, 'get', '/result/{id}');
    await result.locator('tr[data-param-name="id"] input').fill(taskId);
    await result.locator('tr[data-param-name="wait"] input').fill('30');
    const answer = await execute(result);
    expect(answer.status, answer.body).toBe(200);
    const task = JSON.parse(answer.body) as { status: string; options: { psm: number | null; output: string[] }; result: { text: string } };
    expect(task.status).toBe('completed');
    // Automatic layout: the service chose how to read the page.
    expect(task.options).toMatchObject({ psm: null, output: ['text'] });
    expect(task.result.text).toContain('The board will meet on the second Tuesday');
    expect(consoleErrors).toEqual([]);
  });
});
