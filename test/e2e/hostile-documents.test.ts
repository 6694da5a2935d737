import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upload, waitForResult } from '../helpers/client.js';
import { readDoc } from '../helpers/documents.js';
import { eventually } from '../helpers/eventually.js';
import { deflatedZeros, manyImagesPage } from '../helpers/hostile-pdfs.js';
import { renderTextImage } from '../helpers/images.js';
import { missingServers } from '../helpers/servers.js';
import { startService, type RunningService } from '../helpers/service.js';
import { startStack, type Stack } from '../helpers/stack.js';

const PDF = { filename: 'document.pdf', contentType: 'application/pdf' };
const JOB_TIMEOUT_MS = 8_000;
const RENDER_TIMEOUT_MS = 2_000;
/** The largest square 1-bit image within MAX_IMAGE_PIXELS (40 million): 39.7 million pixels. */
const SIDE = 6_300;

/** The process's resident memory as its /metrics reports it. */
async function residentBytes(url: string): Promise<number> {
  const metrics = await (await fetch(`${url}/metrics`)).text();
  return Number(/^ocr_process_resident_memory_bytes (\S+)$/m.exec(metrics)![1]);
}

/** Calls /health every 50 ms until stopped, and keeps how long each answer took. */
function probeHealth(url: string) {
  const latencies: number[] = [];
  let stopped = false;
  const probing = (async () => {
    while (!stopped) {
      const started = performance.now();
      const answer = await fetch(`${url}/health`);
      await answer.arrayBuffer();
      latencies.push(performance.now() - started);
      expect(answer.status).toBe(200);
      // The probe's own pace, not a wait for anything: one call every 50 ms, however long the answers take.
      await sleep(Math.max(0, 50 - (performance.now() - started)));
    }
  })();
  return {
    latencies,
    async stop() {
      stopped = true;
      await probing;
    },
  };
}

const elapsed = (from: string, to: string) => Date.parse(to) - Date.parse(from);

/** Uploads to the service at `url` and waits for the task to end. */
async function run(url: string, file: Buffer, fields: Parameters<typeof upload>[2] = {}) {
  const accepted = await upload(url, file, fields);
  expect(accepted.status, JSON.stringify(accepted.body)).toBe(202);
  return waitForResult(url, accepted.body.task_id as string, 60_000);
}

/** A page of twenty images of 39.7 million pixels each, in 100 KB: each is decoded and scaled onto the page in turn. */
const hostilePage = async () => manyImagesPage(20, SIDE, await deflatedZeros((SIDE / 8) * SIDE));

const RENDER_SETTINGS = { OCR_CONCURRENCY: '1', JOB_TIMEOUT_MS: String(JOB_TIMEOUT_MS), RENDER_TIMEOUT_MS: String(RENDER_TIMEOUT_MS) };
const TOO_SLOW = {
  code: 'PAGE_TOO_COMPLEX',
  message: `Page 1 took longer than ${RENDER_TIMEOUT_MS} ms to render and was stopped: it draws too much to read.`,
};

const missing = await missingServers('redis', 'rabbitmq');

describe('a PDF page that passes the upload check but renders for long (MODE=all, over real HTTP)', () => {
  let service: RunningService;
  let hostile: Buffer;

  beforeAll(async () => {
    service = await startService(RENDER_SETTINGS);
    hostile = await hostilePage();
  });

  afterAll(async () => {
    expect(await service.stop()).toBe(0);
  });

  it(
    'fails the page with PAGE_TOO_COMPLEX within the job’s time limit, while the process answers and reads an image beside it, and gives its memory back',
    { timeout: 180_000 },
    async () => {
      // Warm: PDFium in the API (the upload check) and in the render thread, and the OCR path.
      expect((await run(service.url, readDoc('born2.pdf'), PDF)).status).toBe('completed');
      expect((await run(service.url, await renderTextImage('Warming up the reader'))).status).toBe('completed');
      const before = await residentBytes(service.url);

      const health = probeHealth(service.url);
      const [slowPage, image] = await Promise.all([
        run(service.url, hostile, PDF),
        run(service.url, await renderTextImage('An ordinary page uploaded beside a hostile one'), { filename: 'ordinary.png' }),
      ]);
      await health.stop();

      expect(slowPage).toMatchObject({ status: 'failed', attempts: 1, error: TOO_SLOW });
      expect(image.status).toBe('completed');
      expect(image.result.text).toContain('An ordinary page uploaded beside a hostile one');

      // Bounds the service promises, not measurements of speed: the job's time limit covers its rendering; an image
      // never waits behind a page being rendered (it is taken while the page still renders); and no rendering ever
      // holds the event loop that answers /health (a held loop would answer after the render's whole time limit: the
      // bound leaves room for a machine busy with other work).
      expect(elapsed(slowPage.started_at, slowPage.finished_at)).toBeLessThanOrEqual(JOB_TIMEOUT_MS);
      expect(Date.parse(image.started_at)).toBeLessThan(Date.parse(slowPage.finished_at));
      expect(health.latencies.length).toBeGreaterThanOrEqual(20);
      expect(Math.max(...health.latencies)).toBeLessThan(RENDER_TIMEOUT_MS / 4);

      // A fresh render thread reads the next document, and the process is back to its size with a warm one.
      expect((await run(service.url, readDoc('born2.pdf'), PDF)).status).toBe('completed');
      let after = 0;
      await eventually(
        async () => {
          after = await residentBytes(service.url);
          return after <= before * 1.1;
        },
        `resident memory back within 10 % of ${before} bytes (last ${after})`,
        20_000,
      );
    },
  );
});

describe.skipIf(missing)('the same page on the distributed stack (RabbitMQ, an API and one worker process)', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ queue: 'rabbitmq', workers: 1, env: RENDER_SETTINGS });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('fails it once with PAGE_TOO_COMPLEX, neither retried nor lost, while the worker answers its health checks', { timeout: 120_000 }, async () => {
    const hostile = await hostilePage();
    expect((await run(stack.api.url, readDoc('born2.pdf'), PDF)).status).toBe('completed');
    const health = probeHealth(stack.workers[0]!.url);
    const slowPage = await run(stack.api.url, hostile, PDF);
    await health.stop();
    expect(slowPage).toMatchObject({ status: 'failed', attempts: 1, error: TOO_SLOW });
    // A bound the service promises: no rendering holds the event loop that answers the worker's health checks and
    // keeps its connection to the broker (held, it would answer after the render's whole time limit).
    expect(health.latencies.length).toBeGreaterThanOrEqual(20);
    expect(Math.max(...health.latencies)).toBeLessThan(RENDER_TIMEOUT_MS / 4);
    expect((await run(stack.api.url, readDoc('born2.pdf'), PDF)).status).toBe('completed');
  });
});
