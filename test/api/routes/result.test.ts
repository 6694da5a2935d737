import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApi, type TestApi } from '../../helpers/api-app.js';
import { RENDITION_NAMES } from '../../../src/formats.js';

const PDF = Buffer.from('%PDF-1.5 a searchable page');

describe('GET /result/:id', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await buildTestApi();
  });

  afterAll(async () => {
    await api.app.close();
  });

  const get = (url: string) => api.app.inject({ method: 'GET', url });

  it('reports progress 1 once completed, and options.output agrees with result.formats', async () => {
    const id = await api.createTask({ options: { lang: 'eng', outputs: ['words', 'hocr', 'pdf'] } });
    const queued = (await get(`/result/${id}`)).json();
    expect(queued).toMatchObject({ status: 'queued', progress: null, options: { output: ['text', 'words', 'hocr', 'pdf'] }, result: null });

    await api.complete(id, { words: [], hocr: '<div/>', pdf: PDF.toString('base64') });
    const done = (await get(`/result/${id}`)).json();
    expect(done).toMatchObject({
      status: 'completed',
      progress: 1,
      options: { lang: 'eng', psm: null, preprocess: true, output: ['text', 'words', 'hocr', 'pdf'] },
    });
    expect(done.result).toMatchObject({ text: 'Hello', words: [], formats: ['text', 'hocr', 'pdf'] });
    // Every output asked for is in the result: as a field (words) or as a rendition (formats).
    expect(done.options.output.filter((name: string) => !done.result.formats.includes(name))).toEqual(['words']);
  });

  it.each(RENDITION_NAMES)('serves format=%s inert: no script, no sniffing, and HTML or PDF only as a download', async (format) => {
    const id = await api.createTask({ options: { lang: 'eng', outputs: ['hocr', 'tsv', 'pdf'] } });
    await api.complete(id, { text: '<script>alert(1)</script>', hocr: '<html/>', tsv: 'level\tpage_num\n', pdf: PDF.toString('base64') });
    const { statusCode, headers } = await get(`/result/${id}?format=${format}`);
    expect(statusCode).toBe(200);
    expect(headers['content-security-policy']).toBe("default-src 'none'; sandbox");
    expect(headers['x-content-type-options']).toBe('nosniff');
    const download = { hocr: `attachment; filename="${id}.hocr"`, pdf: `attachment; filename="${id}.pdf"` } as Record<string, string>;
    expect(headers['content-disposition']).toBe(download[format]);
  });

  it('serves each rendition with its media type, and the PDF as a named download', async () => {
    const id = await api.createTask({ options: { lang: 'eng', outputs: ['hocr', 'tsv', 'pdf'] } });
    await api.complete(id, { hocr: '<html/>', tsv: 'level\tpage_num\n', pdf: PDF.toString('base64') });

    const text = await get(`/result/${id}?format=text`);
    expect(text.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(text.body).toBe('Hello');
    expect((await get(`/result/${id}?format=hocr`)).headers['content-type']).toBe('text/html; charset=utf-8');
    expect((await get(`/result/${id}?format=tsv`)).headers['content-type']).toBe('text/tab-separated-values; charset=utf-8');
    const pdf = await get(`/result/${id}?format=pdf`);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.headers['content-disposition']).toBe(`attachment; filename="${id}.pdf"`);
    expect(pdf.rawPayload).toEqual(PDF);
  });

  it('answers 409 FORMAT_NOT_REQUESTED for a rendition not asked for at upload', async () => {
    const id = await api.createTask();
    await api.complete(id);
    const answer = await get(`/result/${id}?format=pdf`);
    expect(answer.statusCode).toBe(409);
    expect(answer.json().error).toEqual({ code: 'FORMAT_NOT_REQUESTED', message: expect.stringContaining('output=pdf') });
  });

  it('points at wait= when a rendition is asked for before the task completed', async () => {
    const id = await api.createTask({ options: { lang: 'eng', outputs: ['pdf'] } });
    const answer = await get(`/result/${id}?format=pdf`);
    expect(answer.statusCode).toBe(409);
    expect(answer.json().error).toEqual({ code: 'NO_RESULT', message: expect.stringContaining('wait=') });
  });

  it('holds ?format= with wait= until the task completes, so a rendition can be fetched right after the upload', async () => {
    const id = await api.createTask({ options: { lang: 'eng', outputs: ['pdf'] } });
    // inject() sends only once awaited: then() starts the request now, before the task completes.
    const answer = get(`/result/${id}?wait=10&format=pdf`).then((response) => response);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await api.complete(id, { pdf: PDF.toString('base64') });
    const { statusCode, rawPayload } = await answer;
    expect(statusCode).toBe(200);
    expect(rawPayload).toEqual(PDF);
  });

  it('names the formats there are when format= is not one of them', async () => {
    const id = await api.createTask();
    const answer = await get(`/result/${id}?format=xml`);
    expect(answer.statusCode).toBe(400);
    expect(answer.json().error).toEqual({ code: 'INVALID_PARAMETER', message: expect.stringContaining('json, text, hocr, tsv, pdf') });
  });
});

describe('the reads and writes of /result/:id', () => {
  it('answers a wait on a finished task from the one read that found it', async () => {
    const api = await buildTestApi();
    try {
      const id = await api.createTask();
      await api.complete(id);
      let reads = 0;
      const { jobs } = api.stores;
      const counted = await buildTestApi({
        stores: { ...api.stores, jobs: { ...jobs, get: (taskId) => ((reads += 1), jobs.get(taskId)) } },
      });
      const answer = await counted.app.inject({ method: 'GET', url: `/result/${id}?wait=5` });
      await counted.app.close();
      expect(answer.json()).toMatchObject({ task_id: id, status: 'completed' });
      expect(reads).toBe(1);
    } finally {
      await api.app.close();
    }
  });

  it('takes a deleted task out of the archive outbox, so its text is not archived after the DELETE', async () => {
    const api = await buildTestApi();
    try {
      const id = await api.createTask();
      await api.stores.outbox.add(id);
      await api.complete(id);
      expect((await api.app.inject({ method: 'DELETE', url: `/result/${id}` })).statusCode).toBe(204);
      expect(await api.stores.jobs.get(id)).toBeUndefined();
      expect(await api.stores.outbox.list(10)).toEqual([]);
    } finally {
      await api.app.close();
    }
  });
});
