import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApi, multipart, type TestApi } from '../../helpers/api-app.js';

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

  it('says callbacks are off when a callback_url comes to a server without CALLBACK_SECRET', async () => {
    const answer = await upload({ file: scan, callback_url: 'https://example.com/hook' });
    expect(answer.statusCode).toBe(400);
    expect(answer.json().error).toMatchObject({ code: 'INVALID_CALLBACK_URL' });
  });
});
