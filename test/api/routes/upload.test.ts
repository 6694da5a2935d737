import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIELD_MAX_LENGTHS, FILE_NAME_MAX_LENGTH, MULTIPART_FIELD_BYTES } from '../../../src/api/upload-options.js';
import { AppError } from '../../../src/errors.js';
import { createMemoryQueue } from '../../../src/queue/memory.js';
import { createMemoryStores } from '../../../src/store/memory/index.js';
import { buildTestApi, multipart, type TestApi } from '../../helpers/api-app.js';
import { countTwoOneKid, deflatedZeros, imageBombPage, treeListsItself } from '../../helpers/hostile-pdfs.js';

const scan = new Blob([fs.readFileSync(new URL('../../fixtures/scan.png', import.meta.url))], { type: 'image/png' });

describe('POST /upload', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await buildTestApi();
  });

  afterAll(async () => {
    await api.app.close();
  });

  const upload = async (fields: Record<string, string | Blob>, query = '') =>
    api.app.inject({ method: 'POST', url: `/upload${query}`, ...(await multipart(fields)) });

  it('answers 202 with the task, its status_url and the same URL in Location', async () => {
    const answer = await upload({ file: scan, lang: 'deu', output: 'words,pdf' });
    expect(answer.statusCode).toBe(202);
    const body = answer.json();
    expect(body).toEqual({ task_id: expect.any(String), status: 'queued', status_url: `/result/${body.task_id}` });
    expect(answer.headers.location).toBe(body.status_url);
  });

  it('refuses a form field it does not take, naming it, instead of running with the default', async () => {
    const answer = await upload({ file: scan, language: 'deu' });
    expect(answer.statusCode).toBe(400);
    expect(answer.json().error).toEqual({ code: 'INVALID_PARAMETER', message: expect.stringContaining('"language"') });
  });

  it('refuses options in the query string: the form is the one place for them', async () => {
    const answer = await upload({ file: scan }, '?lang=deu');
    expect(answer.statusCode).toBe(400);
    expect(answer.json().error).toEqual({ code: 'INVALID_PARAMETER', message: expect.stringContaining('"lang" as a multipart form field') });
  });

  it('refuses a lang of 1,027 characters with 400 FIELD_TOO_LONG instead of cutting it and reading English', async () => {
    const lang = 'eng+'.repeat(256) + 'deu';
    expect(lang).toHaveLength(1027);
    const answer = await upload({ file: scan, lang });
    expect(answer.statusCode).toBe(400);
    expect(answer.json().error).toEqual({ code: 'FIELD_TOO_LONG', message: 'The form field "lang" is longer than its limit of 100 characters.' });
  });

  it.each(Object.keys(FIELD_MAX_LENGTHS))('refuses %s longer than the parser keeps of a field, never cutting it', async (name) => {
    const answer = await upload({ file: scan, [name]: '1'.repeat(MULTIPART_FIELD_BYTES + 1) });
    expect(answer.statusCode).toBe(400);
    expect(answer.json().error).toEqual({ code: 'FIELD_TOO_LONG', message: expect.stringContaining(`"${name}"`) });
  });

  it('names an unknown field as unknown, however long its value', async () => {
    const answer = await upload({ file: scan, language: 'd'.repeat(MULTIPART_FIELD_BYTES + 1) });
    expect(answer.statusCode).toBe(400);
    expect(answer.json().error).toEqual({ code: 'INVALID_PARAMETER', message: expect.stringContaining('"language"') });
  });

  it('refuses a file name over its limit, and takes one as long as it', async () => {
    const named = (length: number) => upload({ file: new File([scan], `${'n'.repeat(length - 4)}.png`, { type: 'image/png' }) });
    const long = await named(FILE_NAME_MAX_LENGTH + 1);
    expect(long.statusCode).toBe(400);
    expect(long.json().error).toEqual({
      code: 'FIELD_TOO_LONG',
      message: `The file name is longer than its limit of ${FILE_NAME_MAX_LENGTH} characters.`,
    });
    expect((await named(FILE_NAME_MAX_LENGTH)).statusCode).toBe(202);
  });

  it('refuses a query parameter over its limit with FIELD_TOO_LONG', async () => {
    const answer = await api.app.inject({ method: 'GET', url: `/search?q=${'a'.repeat(501)}` });
    expect(answer.statusCode).toBe(400);
    expect(answer.json().error).toMatchObject({ code: 'FIELD_TOO_LONG', message: expect.stringContaining('500 characters') });
  });

  const pdf = (bytes: Buffer) => new Blob([bytes], { type: 'application/pdf' });

  it.each([
    ['says /Count 2 and holds one page', countTwoOneKid],
    ['lists itself among its kids', treeListsItself],
  ])('refuses a PDF whose page tree %s with 422 DOCUMENT_UNREADABLE', async (_name, build) => {
    const answer = await upload({ file: pdf(build()) });
    expect(answer.statusCode).toBe(422);
    expect(answer.json().error).toEqual({ code: 'DOCUMENT_UNREADABLE', message: expect.stringContaining('Page 2') });
  });

  it('refuses a one-page PDF that draws a 60000 × 60000 image with 413 PAGE_TOO_LARGE', async () => {
    const bomb = imageBombPage(60_000, await deflatedZeros((60_000 * 60_000) / 8));
    const answer = await upload({ file: pdf(bomb) });
    expect(answer.statusCode).toBe(413);
    expect(answer.json().error).toEqual({ code: 'PAGE_TOO_LARGE', message: expect.stringContaining('60000 × 60000 pixels') });
  });

  it('says callbacks are off when a callback_url comes to a server without CALLBACK_SECRET', async () => {
    const answer = await upload({ file: scan, callback_url: 'https://example.com/hook' });
    expect(answer.statusCode).toBe(400);
    expect(answer.json().error).toMatchObject({ code: 'INVALID_CALLBACK_URL' });
  });
});

describe('POST /upload with an Idempotency-Key, when an outage cuts the first try short', () => {
  it('lets the retry finish that upload under one task id, queued once, and answers later retries with it', async () => {
    const stores = createMemoryStores({ resultTtlSeconds: 600 });
    const queue = createMemoryQueue({ maxAttempts: 1 });
    const published: string[] = [];
    let outage = true;
    const redisDown = () => Promise.reject(new AppError('STORE_UNAVAILABLE', 'Redis is restarting.'));
    const api = await buildTestApi({
      // The first try records the task, then the broker and Redis go away: nothing can be cleaned up after it.
      stores: {
        ...stores,
        jobs: { ...stores.jobs, delete: (id) => (outage ? redisDown() : stores.jobs.delete(id)) },
        idempotency: { ...stores.idempotency, release: (key) => (outage ? redisDown() : stores.idempotency.release(key)) },
      },
      queue: {
        ...queue,
        publish: async (job) => {
          if (outage) throw new AppError('QUEUE_UNAVAILABLE', 'RabbitMQ is restarting.');
          published.push(job.id);
        },
      },
    });
    try {
      const send = async () => {
        const { payload, headers } = await multipart({ file: scan });
        return api.app.inject({ method: 'POST', url: '/upload', payload, headers: { ...headers, 'idempotency-key': 'scan-42' } });
      };
      expect((await send()).statusCode).toBe(503);
      outage = false;
      const retried = await send();
      expect(retried.statusCode).toBe(202);
      const taskId = retried.json().task_id;
      expect(published).toEqual([taskId]);
      expect(await stores.jobs.get(taskId)).toMatchObject({ status: 'queued' });
      const again = await send();
      expect(again.statusCode).toBe(202);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.json().task_id).toBe(taskId);
      expect(published).toEqual([taskId]);
    } finally {
      await api.app.close();
    }
  });
});
