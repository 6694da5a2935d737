import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseApiKeys } from '../../../src/api-keys.js';
import { parseUploadOptions } from '../../../src/api/upload-options.js';
import { OUTPUT_FORMATS, RENDITION_NAMES } from '../../../src/formats.js';
import { toOptionsBody } from '../../../src/job-body.js';
import { createLanguageCatalog } from '../../../src/ocr/engine/languages.js';
import { buildTestApi, type TestApi } from '../../helpers/api-app.js';
import { ROOT } from '../../helpers/service.js';
import { createAddressPolicy } from '../../../src/webhook/address-policy.js';

type Document = Record<string, any>;
const METHODS = ['get', 'post', 'delete'];
const OPEN_OPERATIONS = ['GET /health', 'GET /ready', 'GET /languages', 'GET /metrics'];

/** Every operation of the document, named as "METHOD /path". */
function operations(document: Document): Array<[string, Document]> {
  return Object.entries(document.paths as Record<string, Document>).flatMap(([url, item]) =>
    METHODS.filter((method) => item[method]).map((method): [string, Document] => [`${method.toUpperCase()} ${url}`, item[method]]),
  );
}

/**
 * Swagger UI fills every field of the form on /docs and sends it: a field's default or example, or a sample when the
 * schema gives neither. What it fills must read as the field left out.
 */
function expectPrefilledFormChangesNothing(form: Document): void {
  const fields = Object.entries(form.properties as Record<string, Document>).filter(([name]) => name !== 'file');
  for (const [name, field] of fields) expect(field.default ?? field.example, name).toBeDefined();
  const prefilled = Object.fromEntries(fields.map(([name, field]) => [name, String(field.default ?? field.example)]));
  // The service chooses the layout and reads every page, and no callback goes anywhere.
  expect([prefilled.psm, prefilled.pages, prefilled.callback_url ?? '']).toEqual(['', '', '']);
  const { callback_url: _callback, ...options } = prefilled;
  const parsed = parseUploadOptions(createLanguageCatalog(), options);
  expect(parsed.forceOcr).toBeUndefined();
  expect(toOptionsBody(parsed)).toEqual(toOptionsBody(parseUploadOptions(createLanguageCatalog(), {})));
}

async function servedDocument(api: TestApi): Promise<Document> {
  const answer = await api.app.inject('/openapi.json');
  expect(answer.statusCode).toBe(200);
  return answer.json();
}

describe('the OpenAPI document', () => {
  let api: TestApi;
  let document: Document;

  beforeAll(async () => {
    api = await buildTestApi();
    document = await servedDocument(api);
  });

  afterAll(async () => {
    await api?.app.close();
  });

  it('names every operation and describes every response', () => {
    const named = operations(document);
    expect(named.map(([name]) => name)).toEqual(
      expect.arrayContaining(['POST /upload', 'GET /result/{id}', 'DELETE /result/{id}', ...OPEN_OPERATIONS]),
    );
    for (const [name, operation] of named) {
      expect(operation.operationId, name).toMatch(/^[a-z][A-Za-z]+$/);
      for (const [status, response] of Object.entries(operation.responses as Record<string, Document>)) {
        expect(response.description, `${name} ${status}`).not.toBe('Default Response');
      }
    }
    expect(new Set(named.map(([, operation]) => operation.operationId)).size).toBe(named.length);
  });

  it('declares no security while the server has no API keys: no scheme, no requirement, no 401', () => {
    expect(document.components.securitySchemes).toBeUndefined();
    expect(document.security).toEqual([]);
    for (const [name, operation] of operations(document)) {
      expect(operation.security, name).toBeUndefined();
      expect(operation.responses['401'], name).toBeUndefined();
    }
  });

  it('asks for a key on the operations that touch tasks once the server has API keys', async () => {
    const withKeys = await buildTestApi({ apiKeys: parseApiKeys('alice:alice-key-0123456789abcdef') });
    try {
      const keyed = await servedDocument(withKeys);
      expect(Object.keys(keyed.components.securitySchemes)).toEqual(['bearer', 'apiKey']);
      for (const [name, operation] of operations(keyed)) {
        const open = OPEN_OPERATIONS.includes(name);
        expect(operation.security, name).toEqual(open ? [] : [{ bearer: [] }, { apiKey: [] }]);
        if (!open) expect(operation.responses['401'], name).toBeDefined();
      }
    } finally {
      await withKeys.app.close();
    }
  });

  it('takes the upload options in the form only, each prefilled (as Swagger UI fills it) with what reads as no option at all', () => {
    const upload = document.paths['/upload'].post;
    expect((upload.parameters ?? []).filter((parameter: Document) => parameter.in === 'query')).toEqual([]);
    const form = upload.requestBody.content['multipart/form-data'].schema;
    expect(Object.keys(form.properties)).toEqual(['file', 'lang', 'psm', 'output', 'preprocess', 'pages', 'force_ocr']);
    expect(form.properties.psm.anyOf[0]).toMatchObject({ type: 'integer', minimum: 0, maximum: 13 });
    expectPrefilledFormChangesNothing(form);
  });

  it('documents the 202 Location header', () => {
    expect(document.paths['/upload'].post.responses['202'].headers.Location.schema).toEqual({ type: 'string' });
  });

  it('declares every ?format= media type on GET /result/{id}, and the task as the named Task', () => {
    const ok = document.paths['/result/{id}'].get.responses['200'];
    expect(Object.keys(ok.content)).toEqual(['application/json', ...RENDITION_NAMES.map((name) => OUTPUT_FORMATS[name].mediaType)]);
    expect(ok.content['application/pdf'].schema.format).toBe('binary');
    expect(ok.headers['Content-Disposition']).toBeDefined();
    expect(ok.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Task' });
    const { Task, Result } = document.components.schemas;
    expect(Task.properties.result.anyOf[0]).toEqual({ $ref: '#/components/schemas/Result' });
    expect(Task.properties.options).toEqual({ $ref: '#/components/schemas/TaskOptions' });
    expect(Result.required).toEqual(expect.arrayContaining(['text', 'confidence', 'lang', 'formats']));
    expect(Result.properties.pages.items).toEqual({ $ref: '#/components/schemas/Page' });
    expect(document.components.schemas.TaskOptions.required).toEqual(expect.arrayContaining(['lang', 'output']));
  });

  it('names the shared schemas as components, and every error answer of the task operations refers to the one error body', () => {
    const names = Object.keys(document.components.schemas);
    expect(names).toEqual(expect.arrayContaining(['Task', 'Result', 'Page', 'Region', 'Table', 'TextBox', 'Box', 'Error', 'ErrorBody']));
    expect(names.filter((name) => /^def-\d+$/.test(name))).toEqual([]);
    expect(document.components.schemas.Error.required).toEqual(['code', 'message']);
    expect(document.components.schemas.ErrorBody.properties.error).toEqual({ $ref: '#/components/schemas/Error' });
    expect(document.components.schemas.Page.properties.regions.items).toEqual({ $ref: '#/components/schemas/Region' });
    // The open operations (health, readiness) answer their own bodies.
    for (const [name, operation] of operations(document).filter(([name]) => !OPEN_OPERATIONS.includes(name))) {
      for (const [status, response] of Object.entries(operation.responses as Record<string, Document>)) {
        if (Number(status) < 400 || !response.content) continue;
        expect(response.content['application/json'].schema, `${name} ${status}`).toEqual({ $ref: '#/components/schemas/ErrorBody' });
      }
    }
  });

  it('names one concept one way: the archive shows the options and pages as GET /result does', () => {
    const { ArchivedTask, ArchivedPage, Page } = document.components.schemas;
    expect(document.paths['/archive/{id}'].get.responses['200'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/ArchivedTask',
    });
    expect(ArchivedTask.properties.options).toEqual({ $ref: '#/components/schemas/TaskOptions' });
    expect(ArchivedTask.properties.pages.items).toEqual({ $ref: '#/components/schemas/ArchivedPage' });
    expect(Object.keys(ArchivedPage.properties)).toEqual(['page', 'text']);
    expect(Page.properties.page).toEqual(ArchivedPage.properties.page);
    // No other spelling of the upload's output or of a page's number anywhere in the document.
    const text = JSON.stringify(document);
    expect(text).not.toMatch(/"(outputs|number)":\{/);
  });

  it('shows callback_url on a server whose callbacks are on', async () => {
    const withCallbacks = await buildTestApi({ callbacks: { enabled: true, addressPolicy: createAddressPolicy({ allowPrivate: false }) } });
    try {
      const form = (await servedDocument(withCallbacks)).paths['/upload'].post.requestBody.content['multipart/form-data'].schema;
      expect(Object.keys(form.properties)).toContain('callback_url');
      expectPrefilledFormChangesNothing(form);
    } finally {
      await withCallbacks.app.close();
    }
  });

  it('passes `redocly lint` with the recommended rules and no ignore file, keys and callbacks off and on: no errors, no warnings', async () => {
    const withKeys = await buildTestApi({
      apiKeys: parseApiKeys('alice:alice-key-0123456789abcdef'),
      callbacks: { enabled: true, addressPolicy: createAddressPolicy({ allowPrivate: false }) },
    });
    const folder = await fs.mkdtemp(path.join(os.tmpdir(), 'openapi-lint-'));
    try {
      await fs.writeFile(path.join(folder, 'open.json'), JSON.stringify(document));
      await fs.writeFile(path.join(folder, 'keys.json'), JSON.stringify(await servedDocument(withKeys)));
      const cli = path.join(ROOT, 'node_modules/@redocly/cli/bin/cli.js');
      const lint = async (file: string) => {
        // Exits 1 when there are errors; the JSON report on stdout says which either way.
        const run = promisify(execFile)(process.execPath, [cli, 'lint', '--extends=recommended', '--format=json', file], {
          cwd: folder,
          env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
        });
        const { stdout } = await run.catch((error: { stdout: string }) => error);
        return JSON.parse(stdout) as { totals: { errors: number; warnings: number; ignored: number }; problems: unknown[] };
      };
      for (const report of await Promise.all([lint('open.json'), lint('keys.json')])) {
        expect(report.problems, JSON.stringify(report.problems, null, 2)).toEqual([]);
        expect(report.totals).toMatchObject({ errors: 0, warnings: 0, ignored: 0 });
      }
    } finally {
      await fs.rm(folder, { recursive: true, force: true });
      await withKeys.app.close();
    }
  });
});
