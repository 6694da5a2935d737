import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseApiKeys } from '../../src/api-keys.js';
import { buildTestApi, type TestApi } from '../helpers/api-app.js';

const SCAN = fileURLToPath(new URL('../fixtures/scan.png', import.meta.url));
const ALICE = 'alice-key-0123456789abcdef';
const BOB = 'bob-key-0123456789abcdef';

/**
 * A searchable PDF as a document's result holds it: a text page (A4), then a scan placed pixel on pixel at
 * 150 dpi, so the scan's page renders at the scan's own 770 × 270 pixels.
 */
async function searchablePdf(): Promise<string> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  pdf.addPage([595, 842]).drawText('A page of text that came with its own text layer.', { x: 50, y: 780, size: 12, font });
  const scan = await pdf.embedPng(fs.readFileSync(SCAN));
  const [width, height] = [(770 * 72) / 150, (270 * 72) / 150];
  pdf.addPage([width, height]).drawImage(scan, { x: 0, y: 0, width, height });
  return Buffer.from(await pdf.save()).toString('base64');
}

describe('GET /result/:id/pages/:page', () => {
  let api: TestApi;
  let taskId: string;

  const get = (url: string, key = ALICE) => api.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${key}` } });

  beforeAll(async () => {
    api = await buildTestApi({ apiKeys: parseApiKeys(`alice:${ALICE},bob:${BOB}`) });
    taskId = 'page-images-task';
    await api.stores.jobs.create({
      id: taskId,
      owner: 'alice',
      options: { lang: 'eng', outputs: ['pdf'], pages: [2, 5] },
      mediaType: 'application/pdf',
      createdAt: new Date().toISOString(),
    });
    // Pages 2 and 5 of the original were read: they are the PDF's first and second pages.
    const pages = [2, 5].map((page) => ({ page, text: `page ${page}`, confidence: 90, source: 'ocr' as const }));
    await api.complete(taskId, { pdf: await searchablePdf(), pages });
  });

  afterAll(async () => {
    await api.app.close();
  });

  it('renders a scanned page in the pixels its word boxes are measured in, and a text page whole', async () => {
    const scanned = await get(`/result/${taskId}/pages/5`);
    expect(scanned.statusCode).toBe(200);
    expect(scanned.headers['content-type']).toBe('image/jpeg');
    expect(scanned.headers['x-content-type-options']).toBe('nosniff');
    expect(await sharp(scanned.rawPayload).metadata()).toMatchObject({ format: 'jpeg', width: 770, height: 270 });

    const text = await sharp((await get(`/result/${taskId}/pages/2`)).rawPayload).metadata();
    // A4 (595 × 842 points) at 300 dpi, the resolution a page of text is rendered at, every pixel it touches.
    expect([text.width, text.height]).toEqual([2480, 3509]);
  });

  it('shrinks a page to the width asked for, as a thumbnail', async () => {
    const thumbnail = await get(`/result/${taskId}/pages/2?width=200`);
    const { width, height } = await sharp(thumbnail.rawPayload).metadata();
    // The whole A4 page, 200 pixels wide and as tall as that makes it, to the pixel its edge touches.
    expect([width, height]).toEqual([200, 284]);
  });

  it("answers 404 for a page the result does not have, and for another key's task", async () => {
    const missing = await get(`/result/${taskId}/pages/3`);
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error).toEqual({ code: 'NOT_FOUND', message: `Task ${taskId} has no page 3: its pages are 2, 5.` });
    const foreign = await get(`/result/${taskId}/pages/2`, BOB);
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().error.message).toMatch(/^No task/);
    expect((await api.app.inject({ method: 'GET', url: `/result/${taskId}/pages/2` })).statusCode).toBe(401);
  });

  it('answers 409 for a task without a searchable PDF, and 400 for a page that is no number', async () => {
    const id = 'page-images-no-pdf';
    await api.stores.jobs.create({ id, owner: 'alice', options: { lang: 'eng' }, mediaType: 'image/png', createdAt: new Date().toISOString() });
    await api.complete(id);
    const refused = await get(`/result/${id}/pages/1`);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('FORMAT_NOT_REQUESTED');
    expect((await get(`/result/${taskId}/pages/first`)).statusCode).toBe(400);
  });
});
