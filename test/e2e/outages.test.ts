import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestJson, upload, waitForResult } from '../helpers/client.js';
import { eventually } from '../helpers/eventually.js';
import { renderTextImage } from '../helpers/images.js';
import { AMQP_URL, missingServers, REDIS_URL } from '../helpers/servers.js';
import { startService, type RunningService } from '../helpers/service.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';

const missing = await missingServers('redis', 'rabbitmq');

describe.skipIf(missing)('outages and poison jobs on the distributed stack', () => {
  let redisProxy: TcpProxy;
  let stack: Stack;

  beforeAll(async () => {
    redisProxy = await startTcpProxy(REDIS_URL);
    stack = await startStack({ queue: 'rabbitmq', workers: 1, env: { REDIS_URL: redisProxy.url, JOB_TIMEOUT_MS: '3000' } });
  });

  afterAll(async () => {
    await stack?.stop();
    await redisProxy?.close();
  });

  it('answers 503 at once while Redis is away, and recovers by itself when it returns', { timeout: 120_000 }, async () => {
    const before = await upload(stack.api.url, await renderTextImage('Before the outage'));
    expect(before.status).toBe(202);
    await waitForResult(stack.api.url, before.body.task_id);

    await redisProxy.cut();
    const image = await renderTextImage('During the outage');
    const form = new FormData();
    form.append('file', new Blob([image]), 'scan.png');
    const refused = await requestJson(`${stack.api.url}/upload`, { method: 'POST', body: form });
    expect(refused.status).toBe(503);
    expect(refused.body.error.code).toBe('STORE_UNAVAILABLE');
    const reading = await requestJson(`${stack.api.url}/result/${before.body.task_id}?wait=5`);
    expect(reading.status).toBe(503);
    const ready = await requestJson(`${stack.api.url}/ready`);
    expect(ready.status).toBe(503);
    expect(ready.body.checks).toMatchObject({ store: 'down', queue: 'ok' });
    // The worker says so too: it takes no new job until the store answers again.
    const workerReady = await requestJson(`${stack.workers[0]!.url}/ready`);
    expect(workerReady.status).toBe(503);
    expect(workerReady.body.checks).toMatchObject({ store: 'down', queue: 'ok' });

    await redisProxy.restore();
    await eventually(async () => (await requestJson(`${stack.api.url}/ready`)).status === 200, 'the API ready again after Redis returned', 20_000);
    const after = await upload(stack.api.url, await renderTextImage('After the outage'));
    expect(after.status).toBe(202);
    expect((await waitForResult(stack.api.url, after.body.task_id)).result.text).toContain('After the outage');
  });

  it(
    'fails a poison image (one that outruns JOB_TIMEOUT_MS) at once, and the worker stays healthy for the next job',
    { timeout: 120_000 },
    async () => {
      const line = 'Dense small print that keeps the recognizer busy for a long while, line after line,';
      const page = Array.from({ length: 120 }, (_, i) => `${i} ${line}`).join('\n');
      const poisoned = await upload(stack.api.url, await renderTextImage(page, { dpi: 150 }));
      expect(poisoned.status).toBe(202);
      const ended = await waitForResult(stack.api.url, poisoned.body.task_id);
      expect(ended).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'OCR_TIMEOUT', message: expect.stringContaining('3000 ms') } });
      expect((await requestJson(`${stack.workers[0]!.url}/health`)).status).toBe(200);
      const workerMetrics = await (await fetch(`${stack.workers[0]!.url}/metrics`)).text();
      expect(workerMetrics).toContain('ocr_jobs_total{outcome="failed",code="OCR_TIMEOUT"} 1');
      const next = await upload(stack.api.url, await renderTextImage('Next in line'));
      expect((await waitForResult(stack.api.url, next.body.task_id)).result.text).toContain('Next in line');
    },
  );
});

describe.skipIf(missing)('upload rate limits shared by every API instance through Redis', () => {
  let stack: Stack;
  let secondApi: RunningService;

  beforeAll(async () => {
    stack = await startStack({ queue: 'rabbitmq', workers: 0, env: { RATE_LIMIT_MAX: '4', RATE_LIMIT_WINDOW_MS: '60000' } });
    secondApi = await startService({ ...stack.env, MODE: 'api' });
  });

  afterAll(async () => {
    await secondApi?.stop();
    await stack?.stop();
  });

  it('counts uploads to either instance against one limit', async () => {
    const statuses: number[] = [];
    for (const url of [stack.api.url, secondApi.url, stack.api.url, secondApi.url, stack.api.url, secondApi.url]) {
      statuses.push((await upload(url, Buffer.alloc(0))).status);
    }
    expect(statuses).toEqual([400, 400, 400, 400, 429, 429]);
  });
});

describe.skipIf(missing)('SIGTERM on a worker process', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ queue: 'rabbitmq', workers: 1 });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('finishes the job it is running, acknowledges it, and exits 0', { timeout: 120_000 }, async () => {
    const page = Array.from({ length: 30 }, (_, i) => `Line ${i + 1} of a page the worker must finish before it stops.`).join('\n');
    const accepted = await upload(stack.api.url, await renderTextImage(page));
    await eventually(
      async () => (await requestJson(`${stack.api.url}/result/${accepted.body.task_id}`)).body.status === 'processing',
      'the job to start',
    );
    expect(await stack.workers[0]!.stop('SIGTERM')).toBe(0);
    const done = await requestJson(`${stack.api.url}/result/${accepted.body.task_id}`);
    expect(done.body).toMatchObject({ status: 'completed', attempts: 1, result: { text: expect.stringContaining('Line 30 of a page') } });
  });
});

describe.skipIf(missing)("a job removed from the queue behind the service's back", () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({
      queue: 'rabbitmq',
      workers: 0,
      env: { JOB_TIMEOUT_MS: '1000', JOB_STALE_AFTER_MS: '1500', SWEEP_INTERVAL_MS: '300' },
    });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('is failed as JOB_LOST by the sweep, instead of staying queued for ever', { timeout: 60_000 }, async () => {
    const accepted = await upload(stack.api.url, await renderTextImage('Purged by an operator'));
    expect(accepted.status).toBe(202);
    // An operator purges the work queue (or a broker loses it): the task's job exists nowhere any more.
    const connection = await amqp.connect(AMQP_URL);
    try {
      const channel = await connection.createChannel();
      expect((await channel.purgeQueue(stack.env.QUEUE_NAME!)).messageCount).toBe(1);
    } finally {
      await connection.close();
    }
    const worker = await startService({ ...stack.env, MODE: 'worker' });
    try {
      const ended = await waitForResult(stack.api.url, accepted.body.task_id, 30_000);
      expect(ended).toMatchObject({ status: 'failed', error: { code: 'JOB_LOST', message: expect.stringContaining('upload the image again') } });
      const next = await upload(stack.api.url, await renderTextImage('Next in line'));
      expect((await waitForResult(stack.api.url, next.body.task_id)).result.text).toContain('Next in line');
    } finally {
      await worker.stop();
    }
  });
});
