import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForResult } from '../helpers/client.js';
import { composeProject, DOCKER_COMPOSE, type ComposeService } from '../helpers/compose.js';
import { execForm, parseDockerfile } from '../helpers/dockerfile.js';
import { eventually } from '../helpers/eventually.js';
import { renderTextImage } from '../helpers/images.js';
import { NGINX, startNginx, type RunningNginx } from '../helpers/nginx.js';
import { hasProgram } from '../helpers/programs.js';
import { missingServers } from '../helpers/servers.js';
import { logRecords, ROOT } from '../helpers/service.js';
import { startStack, type Stack } from '../helpers/stack.js';

const available = hasProgram(NGINX, 'nginx') && hasProgram(DOCKER_COMPOSE, 'docker-compose') && hasProgram('/usr/bin/envsubst', 'gettext-base');
const missing = await missingServers('redis', 'rabbitmq');

/** The image's HEALTHCHECK command, run here against a process of the stack: its exit code. */
function imageHealthcheck(env: Record<string, string>): number | null {
  const stages = parseDockerfile(fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8'));
  const instruction = stages.at(-1)!.instructions.find(({ keyword }) => keyword === 'HEALTHCHECK')!;
  const [, ...args] = execForm(instruction);
  return spawnSync(process.execPath, args, { cwd: ROOT, env: { PATH: process.env.PATH, ...env } }).status;
}

function uploadForm(image: Buffer): FormData {
  const form = new FormData();
  form.append('file', new Blob([image], { type: 'image/png' }), 'scan.png');
  return form;
}

/** nginx's JSON access log lines. */
function accessLog(nginx: RunningNginx): Array<Record<string, unknown>> {
  return logRecords(nginx.logs());
}

describe.skipIf(!available || missing)(
  'the docker-compose topology as processes: real nginx from the project template, one API, two workers, RabbitMQ, Redis',
  () => {
    let stack: Stack;
    let nginx: RunningNginx;
    let maxUploadBytes: number;
    let nginxService: ComposeService;

    beforeAll(async () => {
      const { services } = composeProject();
      nginxService = services.nginx!;
      // The compose file's settings, but with the addresses of the real servers on loopback and a queue name
      // and key prefix of this test's own; the archive is tested on its own (test/e2e/archive.test.ts).
      const { MODE, PORT, AMQP_URL, REDIS_URL, ARCHIVE_URL, ...settings } = services.api!.environment!;
      stack = await startStack({ queue: 'rabbitmq', env: settings });
      maxUploadBytes = Number(stack.env.MAX_UPLOAD_BYTES);
      nginx = await startNginx(nginxService, { ...nginxService.environment!, API_UPSTREAM: `127.0.0.1:${stack.api.port}` });
    });

    afterAll(async () => {
      await nginx?.stop();
      await stack?.stop();
    });

    it("uploads and reads the text back through nginx, with one request id in the answer, nginx's log and the API's log for the job", async () => {
      const requestId = `deploy-${randomUUID()}`;
      const accepted = await fetch(`${nginx.url}/upload`, {
        method: 'POST',
        body: uploadForm(await renderTextImage('Proxied by nginx 4711')),
        // A forged client address must not reach the API's logs: nginx replaces it with the real one.
        headers: { 'x-request-id': requestId, 'x-forwarded-for': '203.0.113.9' },
      });
      expect(accepted.status).toBe(202);
      expect(accepted.headers.get('x-request-id')).toBe(requestId);
      const { task_id: taskId } = (await accepted.json()) as { task_id: string };

      // Long-polls (?wait=20) through nginx, so its read timeout must outlast the wait.
      const done = await waitForResult(nginx.url, taskId);
      expect(done.status).toBe('completed');
      expect(done.result.text).toContain('Proxied by nginx 4711');

      await eventually(
        () => logRecords(stack.api.logs()).some((line) => line.request_id === requestId && line.task_id === taskId),
        'the API logs the accepted job under the request id nginx passed on',
      );
      expect(stack.workers.some((worker) => logRecords(worker.logs()).some((line) => line.task_id === taskId))).toBe(true);
      const incoming = logRecords(stack.api.logs()).find((line) => line.request_id === requestId && line.req) as { req: { remoteAddress: string } };
      expect(incoming.req.remoteAddress).toBe('127.0.0.1');
      await eventually(
        () => accessLog(nginx).some((line) => line.request_id === requestId && line.status === 202),
        'nginx logs the upload with its request id',
      );
    });

    it('generates a request id when the client sends none, and the API logs that one', async () => {
      const response = await fetch(`${nginx.url}/health`);
      expect(response.status).toBe(200);
      const requestId = response.headers.get('x-request-id');
      expect(requestId).toMatch(/^[0-9a-f]{32}$/);
      await eventually(() => logRecords(stack.api.logs()).some((line) => line.request_id === requestId), 'the API logs the id nginx generated');
    });

    it("passes the image's health check in the API and in each worker, one image for both modes", () => {
      expect(imageHealthcheck({ ...stack.env, MODE: 'api', HOST: '127.0.0.1', PORT: String(stack.api.port) })).toBe(0);
      for (const worker of stack.workers) {
        expect(imageHealthcheck({ ...stack.env, MODE: 'worker', HOST: '127.0.0.1', WORKER_HEALTH_PORT: String(worker.port) })).toBe(0);
      }
    });

    it('serves /docs, its static assets and the OpenAPI document through nginx', async () => {
      const page = await fetch(`${nginx.url}/docs`);
      expect(page.status).toBe(200);
      const html = await page.text();
      const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map(([, link]) => new URL(link!, page.url).pathname);
      expect(assets).toContain('/docs/static/swagger-ui-bundle.js');
      for (const asset of assets) {
        const response = await fetch(`${nginx.url}${asset}`);
        expect(response.status, asset).toBe(200);
        expect((await response.arrayBuffer()).byteLength, asset).toBeGreaterThan(0);
      }
      const openapi = await fetch(`${nginx.url}/openapi.json`);
      expect(((await openapi.json()) as { paths: Record<string, unknown> }).paths).toHaveProperty('/upload');
    });

    it('keeps /metrics off the public side: 404 through nginx, served by the API on the internal network', async () => {
      const outside = await fetch(`${nginx.url}/metrics`);
      expect(outside.status).toBe(404);
      expect(await outside.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
      const inside = await fetch(`${stack.api.url}/metrics`);
      expect(inside.status).toBe(200);
      expect(await inside.text()).toContain('# HELP');
    });

    it('refuses a body far over MAX_UPLOAD_BYTES in nginx with the JSON error body, and lets the API refuse one just over it', async () => {
      const requestId = `deploy-${randomUUID()}`;
      const huge = await fetch(`${nginx.url}/upload`, {
        method: 'POST',
        body: uploadForm(Buffer.alloc(maxUploadBytes + 2 * 1024 * 1024)),
        headers: { 'x-request-id': requestId },
      });
      expect(huge.status).toBe(413);
      expect(huge.headers.get('content-type')).toBe('application/json');
      expect(huge.headers.get('x-request-id')).toBe(requestId);
      expect(await huge.json()).toEqual({ error: { code: 'FILE_TOO_LARGE', message: expect.any(String) } });
      await eventually(() => accessLog(nginx).some((line) => line.request_id === requestId), 'nginx logs the refused upload');
      expect(accessLog(nginx).find((line) => line.request_id === requestId)).toMatchObject({ status: 413, upstream_status: '' });

      const over = await fetch(`${nginx.url}/upload`, { method: 'POST', body: uploadForm(Buffer.alloc(maxUploadBytes + 1)) });
      expect(over.status).toBe(413);
      expect(await over.json()).toMatchObject({ error: { code: 'FILE_TOO_LARGE' } });
    });

    it('answers a burst of uploads past the rate limit with 429 and the JSON error body', async () => {
      const burst = await Promise.all(
        Array.from({ length: 60 }, () =>
          fetch(`${nginx.url}/upload`, { method: 'POST', body: 'not a form', headers: { 'content-type': 'text/plain' } }),
        ),
      );
      const limited = burst.filter((response) => response.status === 429);
      expect(limited.length).toBeGreaterThan(0);
      for (const response of limited) {
        expect(response.headers.get('content-type')).toBe('application/json');
        expect(response.headers.get('retry-after')).toBe('1');
        expect(await response.json()).toEqual({ error: { code: 'RATE_LIMITED', message: expect.any(String) } });
        // Refused by nginx itself: the API never saw it.
        const requestId = response.headers.get('x-request-id');
        await eventually(() => accessLog(nginx).some((line) => line.request_id === requestId), 'nginx logs the refused upload');
        expect(accessLog(nginx).find((line) => line.request_id === requestId)).toMatchObject({ status: 429, upstream_status: '' });
      }
      // The rest went through to the API, which refused the body itself.
      for (const response of burst.filter((answer) => answer.status !== 429)) {
        expect(response.status).toBe(400);
        expect(await response.json()).toMatchObject({ error: { code: 'INVALID_MULTIPART' } });
      }
    });

    it('answers 504 with the JSON error body when the API does not answer in time', async () => {
      // An upstream that takes the connection and never answers, behind an nginx that waits one second for it.
      const sockets: net.Socket[] = [];
      const silent = net.createServer((socket) => sockets.push(socket));
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      const { port } = silent.address() as net.AddressInfo;
      const impatient = await startNginx(nginxService, {
        ...nginxService.environment!,
        API_UPSTREAM: `127.0.0.1:${port}`,
        NGINX_PROXY_READ_TIMEOUT: '1s',
      });
      try {
        const response = await fetch(`${impatient.url}/result/${randomUUID()}?wait=30`);
        expect(response.status).toBe(504);
        expect(response.headers.get('content-type')).toBe('application/json');
        expect(await response.json()).toEqual({ error: { code: 'API_TIMEOUT', message: expect.any(String) } });
      } finally {
        await impatient.stop();
        for (const socket of sockets) socket.destroy();
        silent.close();
      }
    });

    it('answers 502 with the JSON error body when the API is down, and the health check fails', async () => {
      expect(await stack.api.stop()).toBe(0);
      expect(imageHealthcheck({ ...stack.env, MODE: 'api', HOST: '127.0.0.1', PORT: String(stack.api.port) })).toBe(1);
      const response = await fetch(`${nginx.url}/result/${randomUUID()}`);
      expect(response.status).toBe(502);
      expect(response.headers.get('content-type')).toBe('application/json');
      expect(await response.json()).toEqual({ error: { code: 'API_UNAVAILABLE', message: expect.any(String) } });
    });
  },
);
