import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { characterErrorRate } from '../helpers/error-rate.js';
import { getResult, requestJson, upload, waitForResult } from '../helpers/client.js';
import { eventually } from '../helpers/eventually.js';
import { renderTextImage } from '../helpers/images.js';
import { startInProcessService, type InProcessService } from '../helpers/in-process-service.js';
import { logRecords } from '../helpers/service.js';

const MAX_UPLOAD_BYTES = 2 * 1024 * 1024;

const SAMPLES = [
  'The quick brown fox jumps over the lazy dog.\nPack my box with five dozen liquor jugs.',
  'Invoice 2041: 17 boxes of pears, total 318.40\nDue on 3 May, payable to Acme Ltd.',
  'Sphinx of black quartz, judge my vow.\nHow vexingly quick daft zebras jump!',
];

describe('the service over real HTTP (MODE=all, memory queue and store)', () => {
  let service: InProcessService;

  beforeAll(async () => {
    service = await startInProcessService({ MAX_UPLOAD_BYTES: String(MAX_UPLOAD_BYTES) });
  });

  afterAll(async () => {
    await service?.stop();
  });

  it.each(SAMPLES.map((text, index) => [index, text] as const))(
    'reads printed text %i back with under 3%% character errors',
    async (_index, text) => {
      const accepted = await upload(service.url, await renderTextImage(text));
      expect(accepted.status).toBe(202);
      expect(accepted.body).toEqual({ task_id: expect.any(String), status: 'queued', status_url: `/result/${accepted.body.task_id}` });
      expect(accepted.headers.get('location')).toBe(accepted.body.status_url);

      const done = await waitForResult(service.url, accepted.body.task_id);
      expect(done).toMatchObject({ task_id: accepted.body.task_id, status: 'completed', attempts: 1, error: null });
      expect(done.result.lang).toBe('eng');
      expect(done.result.confidence).toBeGreaterThan(70);
      expect(done.result.timings.recognition_ms).toBeGreaterThan(0);
      expect(characterErrorRate(text, done.result.text)).toBeLessThan(0.03);
    },
  );

  it('completes 20 uploads sent at once, each with its own text', async () => {
    const texts = Array.from({ length: 20 }, (_, i) => `Parcel number ${1000 + i * 37} left the depot.`);
    const images = await Promise.all(texts.map((text) => renderTextImage(text)));
    const accepted = await Promise.all(images.map((image) => upload(service.url, image)));
    expect(accepted.map((answer) => answer.status)).toEqual(Array(20).fill(202));
    expect(new Set(accepted.map((answer) => answer.body.task_id)).size).toBe(20);
    const results = await Promise.all(accepted.map((answer) => waitForResult(service.url, answer.body.task_id)));
    results.forEach((result, i) => {
      expect(result.status).toBe('completed');
      expect(result.result.text).toContain(String(1000 + i * 37));
    });
  });

  it('answers a wait at once with the state while the job is not done, and 404 for unknown tasks', async () => {
    const unknown = await getResult(service.url, '00000000-0000-4000-8000-000000000000', 1);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ error: { code: 'NOT_FOUND', message: expect.stringContaining('No task') } });
    const badWait = await fetch(`${service.url}/result/x?wait=31`);
    expect(badWait.status).toBe(400);
    expect(await badWait.json()).toMatchObject({ error: { code: 'INVALID_PARAMETER' } });
  });

  it('deletes a result, after which it is gone', async () => {
    const accepted = await upload(service.url, await renderTextImage('Delete me'));
    await waitForResult(service.url, accepted.body.task_id);
    const deleted = await fetch(`${service.url}/result/${accepted.body.task_id}`, { method: 'DELETE' });
    expect(deleted.status).toBe(204);
    expect((await getResult(service.url, accepted.body.task_id)).status).toBe(404);
    const again = await fetch(`${service.url}/result/${accepted.body.task_id}`, { method: 'DELETE' });
    expect(again.status).toBe(404);
  });

  it('takes lang and psm from the form', async () => {
    const accepted = await upload(service.url, await renderTextImage('Grüße aus Köln und Düsseldorf'), { lang: 'deu+eng', psm: '7' });
    const done = await waitForResult(service.url, accepted.body.task_id);
    expect(done.options).toEqual({ lang: 'deu+eng', psm: 7, preprocess: true, output: ['text'] });
    expect(done.result).toMatchObject({ lang: 'deu+eng', psm: 7 });
    expect(done.result.text).toContain('Grüße aus Köln');
  });

  describe('refuses bad uploads with a clear error', () => {
    const post = (body: RequestInit['body'], headers: Record<string, string> = {}) =>
      requestJson(`${service.url}/upload`, { method: 'POST', body, headers });

    it('an empty file: 400 EMPTY_FILE', async () => {
      const answer = await upload(service.url, Buffer.alloc(0));
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({ error: { code: 'EMPTY_FILE', message: expect.any(String) } });
    });

    it('text named .png and sent as image/png: 415 UNSUPPORTED_MEDIA_TYPE', async () => {
      const answer = await upload(service.url, Buffer.from('just some text, not a picture'), { filename: 'scan.png', contentType: 'image/png' });
      expect(answer.status).toBe(415);
      expect(answer.body.error).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
    });

    it('a real PNG named .txt and sent as text/plain is accepted: the bytes decide', async () => {
      const answer = await upload(service.url, await renderTextImage('Bytes decide'), { filename: 'notes.txt', contentType: 'text/plain' });
      expect(answer.status).toBe(202);
    });

    it('a file over MAX_UPLOAD_BYTES: 413 FILE_TOO_LARGE', async () => {
      const noise = await sharp({
        create: { width: 1200, height: 1200, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 60 } },
      })
        .png({ compressionLevel: 0 })
        .toBuffer();
      expect(noise.length).toBeGreaterThan(MAX_UPLOAD_BYTES);
      const answer = await upload(service.url, noise);
      expect(answer.status).toBe(413);
      expect(answer.body.error).toMatchObject({ code: 'FILE_TOO_LARGE' });
    });

    it('an unknown language: 400 UNSUPPORTED_LANGUAGE listing the installed ones', async () => {
      const answer = await upload(service.url, await renderTextImage('x'), { lang: 'eng+xyz' });
      expect(answer.status).toBe(400);
      expect(answer.body.error).toMatchObject({ code: 'UNSUPPORTED_LANGUAGE', message: expect.stringMatching(/deu.*eng.*fra.*spa/) });
    });

    it('a bad psm: 400 INVALID_PARAMETER', async () => {
      const answer = await upload(service.url, await renderTextImage('x'), { psm: '99' });
      expect(answer.status).toBe(400);
      expect(answer.body.error).toMatchObject({ code: 'INVALID_PARAMETER' });
    });

    it('a form without the file field: 400 MISSING_FILE', async () => {
      const form = new FormData();
      form.append('lang', 'eng');
      const answer = await post(form);
      expect(answer.status).toBe(400);
      expect(answer.body.error).toMatchObject({ code: 'MISSING_FILE' });
    });

    it('a request that is not multipart: a 4xx with the JSON error body', async () => {
      const answer = await post(JSON.stringify({ file: 'x' }), { 'content-type': 'application/json' });
      expect(answer.status).toBeGreaterThanOrEqual(400);
      expect(answer.status).toBeLessThan(500);
      expect(answer.body).toEqual({ error: { code: expect.any(String), message: expect.any(String) } });
    });

    it('keeps working after all of them', async () => {
      const accepted = await upload(service.url, await renderTextImage('Still standing'));
      expect((await waitForResult(service.url, accepted.body.task_id)).result.text).toContain('Still standing');
    });
  });

  it('serves the OpenAPI document and the docs page', async () => {
    const document = (await (await fetch(`${service.url}/openapi.json`)).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(document.openapi).toMatch(/^3\./);
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/upload', '/result/{id}', '/health', '/ready']));
    const page = await fetch(`${service.url}/docs/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('swagger-ui');
    const bundle = await fetch(`${service.url}/docs/static/swagger-ui-bundle.js`);
    expect(bundle.status).toBe(200);
    // Read to the end: a response left half-read keeps its connection busy, and shutdown waits for it.
    expect((await bundle.arrayBuffer()).byteLength).toBeGreaterThan(100_000);
  });

  it('answers health and readiness', async () => {
    expect(await (await fetch(`${service.url}/health`)).json()).toEqual({ status: 'ok' });
    expect(await (await fetch(`${service.url}/ready`)).json()).toEqual({ status: 'ready', checks: { queue: 'ok', store: 'ok' } });
  });

  it('logs the request id and the task id of each job, and echoes the request id', async () => {
    const form = new FormData();
    form.append('file', new Blob([await renderTextImage('Traced')]), 'scan.png');
    const response = await fetch(`${service.url}/upload`, { method: 'POST', body: form, headers: { 'x-request-id': 'trace-abc-123' } });
    expect(response.headers.get('x-request-id')).toBe('trace-abc-123');
    const { task_id: taskId } = (await response.json()) as { task_id: string };
    await waitForResult(service.url, taskId);
    // The result is stored before the worker logs it, so the line may still be in the pipe.
    const logged = (msg: string) => logRecords(service.logs()).some((record) => record.task_id === taskId && record.msg === msg);
    await eventually(() => logged('job completed'), 'the job completed log line');
    expect(logRecords(service.logs())).toContainEqual(expect.objectContaining({ request_id: 'trace-abc-123', task_id: taskId, msg: 'job accepted' }));
  });
});
