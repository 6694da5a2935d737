import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import openapiTS, { astToString, type OpenAPI3 } from 'openapi-typescript';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInProcessService, type InProcessService } from '../helpers/in-process-service.js';
import { ROOT } from '../helpers/service.js';

const FIXTURE = new URL('../fixtures/openapi-client/client.ts', import.meta.url);
const BLOB = ts.factory.createTypeReferenceNode(ts.factory.createIdentifier('Blob'));

/** A strict project of the generated types and the client, with the repository's packages and the DOM's fetch. */
const tsconfig = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    lib: ['ES2023', 'DOM', 'DOM.Iterable'],
    types: [],
    strict: true,
    noUncheckedIndexedAccess: true,
    noEmit: true,
    // The generated types are checked where the client uses them; the DOM's own declarations need no check.
    skipLibCheck: true,
  },
  files: ['client.ts', 'schema.d.ts'],
};

interface ClientModule {
  read(
    baseUrl: string,
    file: Blob,
    options?: Record<string, unknown>,
  ): Promise<{ task: { status: string; options: { psm: number | null } }; result: { text: string } }>;
}

describe('a typed client generated from the OpenAPI document', () => {
  let service: InProcessService;
  let folder: string;

  beforeAll(async () => {
    service = await startInProcessService();
    folder = await fs.mkdtemp(path.join(os.tmpdir(), 'openapi-client-'));
    // Packages resolve from the folder as from a project of the user's own.
    await fs.symlink(path.join(ROOT, 'node_modules'), path.join(folder, 'node_modules'), 'dir');
  });

  afterAll(async () => {
    await service?.stop();
    if (folder) await fs.rm(folder, { recursive: true, force: true });
  });

  it('type-checks in strict mode against the generated types, uploads an image and reads its text', async () => {
    const document = (await (await fetch(`${service.url}/openapi.json`)).json()) as OpenAPI3;
    // Files as Blobs, the transform openapi-typescript documents for multipart uploads.
    const types = await openapiTS(document, { transform: (schema) => (schema.format === 'binary' ? BLOB : undefined) });
    await fs.writeFile(path.join(folder, 'schema.d.ts'), astToString(types));
    await fs.copyFile(FIXTURE, path.join(folder, 'client.ts'));
    await fs.writeFile(path.join(folder, 'tsconfig.json'), JSON.stringify(tsconfig));
    await fs.writeFile(path.join(folder, 'package.json'), JSON.stringify({ type: 'module' }));

    const tsc = path.join(ROOT, 'node_modules/typescript/bin/tsc');
    const compiling = promisify(execFile)(process.execPath, [tsc, '-p', folder]).catch((error: { stdout: string }) => error);

    // The same client, run while tsc checks it.
    const client = (await import(pathToFileURL(path.join(folder, 'client.ts')).href)) as ClientModule;
    const image = new Blob([await fs.readFile(new URL('../fixtures/scan.png', import.meta.url))], { type: 'image/png' });
    const { task, result } = await client.read(service.url, image);
    expect(task.status).toBe('completed');
    expect(task.options.psm).toBeNull();
    expect(result.text).toContain('The board will meet on the second Tuesday');
    await expect(client.read(service.url, image, { psm: 99 })).rejects.toMatchObject({ name: 'ServiceError', code: 'INVALID_PARAMETER' });
    const compiled = await compiling;
    expect('stdout' in compiled ? compiled.stdout : '', 'tsc').toBe('');
  });
});
