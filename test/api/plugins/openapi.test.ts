import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseUploadOptions } from '../../../src/api/upload-options.js';
import { OUTPUT_FORMATS, RENDITION_NAMES } from '../../../src/formats.js';
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

  it('asks for a key only on the operations that touch tasks', () => {
    expect(document.security).toBeUndefined();
    for (const [name, operation] of operations(document)) {
      expect(operation.security, name).toEqual(OPEN_OPERATIONS.includes(name) ? [] : [{ bearer: [] }, { apiKey: [] }]);
    }
  });

  it('takes the upload options in the form only, each with a valid default or example, and no callback_url while callbacks are off', () => {
    const upload = document.paths['/upload'].post;
    expect((upload.parameters ?? []).filter((parameter: Document) => parameter.in === 'query')).toEqual([]);
    const form = upload.requestBody.content['multipart/form-data'].schema;
    expect(Object.keys(form.properties)).toEqual(['file', 'lang', 'psm', 'output', 'preprocess', 'pages', 'force_ocr']);
    expect(form.properties.psm.type).toBe('integer');
    // What Swagger UI sends when only a file is chosen: each field's default or example.
    const prefilled = Object.fromEntries(
      Object.entries(form.properties as Record<string, Document>)
        .filter(([name]) => name !== 'file')
        .map(([name, field]) => [name, String(field.default ?? field.example)]),
    );
    expect(() => parseUploadOptions(createLanguageCatalog(), prefilled)).not.toThrow();
  });

  it('documents the 202 Location header', () => {
    expect(document.paths['/upload'].post.responses['202'].headers.Location.schema).toEqual({ type: 'string' });
  });

  it('declares every ?format= media type on GET /result/{id}, and the required fields of the task', () => {
    const ok = document.paths['/result/{id}'].get.responses['200'];
    expect(Object.keys(ok.content)).toEqual(['application/json', ...RENDITION_NAMES.map((name) => OUTPUT_FORMATS[name].mediaType)]);
    expect(ok.content['application/pdf'].schema.format).toBe('binary');
    expect(ok.headers['Content-Disposition']).toBeDefined();
    expect(ok.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/JobBody' });
    const task = document.components.schemas.JobBody;
    expect(task.properties.result.required).toEqual(expect.arrayContaining(['text', 'confidence', 'lang', 'formats']));
    expect(task.properties.result.properties.timings.required).toEqual(['queued_ms', 'recognition_ms']);
    expect(task.properties.options.required).toEqual(expect.arrayContaining(['lang', 'output']));
  });

  it('names the shared schemas as components, and every error answer of the task operations refers to the one error body', () => {
    expect(Object.keys(document.components.schemas)).toEqual(expect.arrayContaining(['ErrorBody', 'JobBody']));
    expect(document.components.schemas.ErrorBody.properties.error.required).toEqual(['code', 'message']);
    // The open operations (health, readiness) answer their own bodies.
    for (const [name, operation] of operations(document).filter(([name]) => !OPEN_OPERATIONS.includes(name))) {
      for (const [status, response] of Object.entries(operation.responses as Record<string, Document>)) {
        if (Number(status) < 400 || !response.content) continue;
        expect(response.content['application/json'].schema, `${name} ${status}`).toEqual({ $ref: '#/components/schemas/ErrorBody' });
      }
    }
  });

  it('shows callback_url on a server whose callbacks are on', async () => {
    const withCallbacks = await buildTestApi({ callbacks: { enabled: true, addressPolicy: createAddressPolicy({ allowPrivate: false }) } });
    try {
      const form = (await servedDocument(withCallbacks)).paths['/upload'].post.requestBody.content['multipart/form-data'].schema;
      expect(Object.keys(form.properties)).toContain('callback_url');
    } finally {
      await withCallbacks.app.close();
    }
  });

  it('passes `redocly lint` with the recommended rules: no errors, at most one warning', async () => {
    const folder = await fs.mkdtemp(path.join(os.tmpdir(), 'openapi-lint-'));
    try {
      await fs.writeFile(path.join(folder, 'openapi.json'), JSON.stringify(document));
      await fs.copyFile(new URL('openapi-lint-ignore.yaml', import.meta.url), path.join(folder, '.redocly.lint-ignore.yaml'));
      const cli = path.join(ROOT, 'node_modules/@redocly/cli/bin/cli.js');
      // Exits 1 when there are errors; the JSON report on stdout says which either way.
      const run = promisify(execFile)(process.execPath, [cli, 'lint', '--extends=recommended', '--format=json', 'openapi.json'], {
        cwd: folder,
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
      });
      const { stdout } = await run.catch((error: { stdout: string }) => error);
      const report = JSON.parse(stdout) as { totals: { errors: number; warnings: number }; problems: Array<{ ruleId: string; message: string }> };
      expect(report.totals.errors, JSON.stringify(report.problems, null, 2)).toBe(0);
      expect(report.totals.warnings, JSON.stringify(report.problems, null, 2)).toBeLessThanOrEqual(1);
    } finally {
      await fs.rm(folder, { recursive: true, force: true });
    }
  });
});
