import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upload, waitForResult } from '../helpers/client.js';
import { buildWithoutDocker, isIgnored, type BuiltImage } from '../helpers/dockerfile.js';
import { renderTextImage } from '../helpers/images.js';
import { API_SERVICE_ARGS, ROOT, SERVICE_ARGS, startService, type RunningService } from '../helpers/service.js';

/**
 * What `docker build` would produce, built the same way in a temp folder: the same COPY lines (so a file the
 * Dockerfile forgets is missing here too), the same npm installs (production-only in the runtime stage, so a
 * dependency declared as a dev dependency is missing here too), then the image's CMD and HEALTHCHECK.
 */
describe('the Dockerfile, built without Docker', () => {
  let out: string;
  let image: BuiltImage;
  let service: RunningService;
  let installedFiles: string[];

  beforeAll(async () => {
    out = fs.mkdtempSync(path.join(os.tmpdir(), 'image-ocr-app-image-'));
    image = await buildWithoutDocker('Dockerfile', {
      context: ROOT,
      out,
      // Cleaning npm's cache only makes the image smaller; here it would empty this machine's cache.
      skipRun: /^npm cache clean/,
      // The build stage's full install is the one this checkout already has; the runtime stage's production-only
      // install still runs, so a dependency it needs but declares as a dev dependency is still missing there.
      cachedInstall: { command: /^npm ci --no-audit --no-fund$/, from: path.join(ROOT, 'node_modules') },
      // The machine's npm cache holds every package already: no need to download them again.
      env: { ...process.env, npm_config_prefer_offline: 'true' },
    });
    installedFiles = fs.readdirSync(image.workdir, { recursive: true }) as string[];
    const [program, ...args] = image.cmd;
    expect(program).toBe('node');
    service = await startService({}, { cwd: image.workdir, args });
  }, 600_000);

  afterAll(async () => {
    await service?.stop();
    if (out) fs.rmSync(out, { recursive: true, force: true });
  });

  it('keeps tests, local builds and installed modules out of the build context', () => {
    const dockerignore = fs.readFileSync(path.join(ROOT, '.dockerignore'), 'utf8');
    for (const excluded of ['node_modules/fastify/package.json', 'dist/main.js', 'test/fixtures/scan.png', '.git/HEAD', 'docker-compose.yml']) {
      expect(isIgnored(excluded, dockerignore), excluded).toBe(true);
    }
  });

  it('runs node with the arguments npm start and the tests use, and the API with its own', () => {
    expect(image.cmd).toEqual(['node', ...SERVICE_ARGS]);
    const { scripts } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    for (const [name, args] of [
      ['start', SERVICE_ARGS],
      ['start:worker', SERVICE_ARGS],
      ['start:api', API_SERVICE_ARGS],
    ] as const) {
      expect(scripts[name]?.endsWith(`node ${args.join(' ')}`), `${name}: ${scripts[name]}`).toBe(true);
    }
    expect(API_SERVICE_ARGS).not.toEqual(SERVICE_ARGS);
  });

  it('has only production dependencies and the compiled code in the runtime stage', () => {
    expect(fs.existsSync(path.join(image.workdir, 'node_modules', 'typescript'))).toBe(false);
    expect(fs.existsSync(path.join(image.workdir, 'node_modules', '@tesseract.js-data', 'eng'))).toBe(true);
    expect(fs.existsSync(path.join(image.workdir, 'src'))).toBe(false);
  });

  it('starts from its CMD and reads the text of an uploaded image, with nothing downloaded', async () => {
    const accepted = await upload(service.url, await renderTextImage('Built without Docker'));
    expect(accepted.status).toBe(202);
    const done = await waitForResult(service.url, accepted.body.task_id);
    expect(done.status).toBe('completed');
    expect(done.result.text).toContain('Built without Docker');
    // The image runs as a user who cannot write there: everything the service writes goes to /tmp.
    expect(fs.readdirSync(image.workdir, { recursive: true })).toEqual(installedFiles);
  });

  it('passes its HEALTHCHECK while the service runs, and fails it once the service is gone', async () => {
    const [program, ...args] = image.healthcheck;
    expect(program).toBe('node');
    const check = () =>
      spawnSync(process.execPath, args, { cwd: image.workdir, env: { PATH: process.env.PATH, PORT: String(service.port), HOST: '127.0.0.1' } })
        .status;
    expect(check()).toBe(0);
    expect(await service.stop()).toBe(0);
    expect(check()).toBe(1);
  });
});
