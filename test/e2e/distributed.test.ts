import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getResult, requestJson, upload, waitForResult } from '../helpers/client.js';
import { eventually } from '../helpers/eventually.js';
import { renderTextImage } from '../helpers/images.js';
import { AMQP_URL, missingServers } from '../helpers/servers.js';
import { logRecords, type RunningService } from '../helpers/service.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';

const LONG_PAGE = Array.from({ length: 30 }, (_, i) => `Line ${i + 1} of a long page that takes a while to read.`).join('\n');
const parcelText = (n: number) => `Parcel number ${1000 + n * 37} left the depot.`;

/** How many 'job completed' lines each task has in the logs of the given processes. */
function completions(processes: RunningService[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const service of processes) {
    for (const record of logRecords(service.logs())) {
      if (record.msg === 'job completed') counts.set(String(record.task_id), (counts.get(String(record.task_id)) ?? 0) + 1);
    }
  }
  return counts;
}

/** Uploads texts rendered as images, all at once; answers the task ids in the same order. */
async function uploadAll(url: string, texts: string[]): Promise<string[]> {
  const images = await Promise.all(texts.map((text) => renderTextImage(text)));
  const answers = await Promise.all(images.map((image) => upload(url, image)));
  expect(answers.map((answer) => answer.status)).toEqual(texts.map(() => 202));
  return answers.map((answer) => answer.body.task_id as string);
}

/** Every task completed, each with the text of its own image. */
async function expectAllCompleted(url: string, taskIds: string[], texts: string[]): Promise<void> {
  const results = await Promise.all(taskIds.map((id) => waitForResult(url, id)));
  results.forEach((result, i) => {
    expect(result.status, `task ${taskIds[i]}`).toBe('completed');
    expect(result.result.text).toContain(texts[i]!.split(' ')[2]);
  });
}

/** 100 uploads at once: each completed on its first attempt, logged completed exactly once, and both workers took a share. */
async function expectHundredUploadsCompletedOnce(stack: Stack): Promise<void> {
  const texts = Array.from({ length: 100 }, (_, i) => parcelText(i));
  const taskIds = await uploadAll(stack.api.url, texts);
  expect(new Set(taskIds).size).toBe(100);
  await expectAllCompleted(stack.api.url, taskIds, texts);

  const results = await Promise.all(taskIds.map((id) => getResult(stack.api.url, id)));
  expect(results.map((result) => result.body.attempts)).toEqual(taskIds.map(() => 1));
  await eventually(() => taskIds.every((id) => completions(stack.workers).has(id)), 'every completion in the worker logs');
  const counts = completions(stack.workers);
  expect(taskIds.filter((id) => counts.get(id) !== 1)).toEqual([]);
  const perWorker = stack.workers.map((worker) => taskIds.filter((id) => completions([worker]).has(id)).length);
  expect(perWorker.reduce((sum, n) => sum + n, 0)).toBe(100);
  for (const share of perWorker) expect(share).toBeGreaterThanOrEqual(20);
}

async function status(url: string): Promise<{ status: number; body: Record<string, any> }> {
  const { status: code, body } = await requestJson(url);
  return { status: code, body };
}

const missing = await missingServers('redis', 'rabbitmq');

describe.skipIf(missing)('the distributed stack on RabbitMQ and Redis: one API process, two worker processes', () => {
  let proxy: TcpProxy;
  let stack: Stack;

  beforeAll(async () => {
    // Every process reaches the broker through a proxy, so one test can cut the broker off and restore it.
    proxy = await startTcpProxy(AMQP_URL);
    stack = await startStack({ queue: 'rabbitmq', amqpUrl: proxy.url });
  });

  afterAll(async () => {
    await stack?.stop();
    await proxy?.close();
  });

  it('completes 100 uploads, each exactly once, spread over both workers', { timeout: 240_000 }, () => expectHundredUploadsCompletedOnce(stack));

  it('answers /ready with each dependency, on the API and on the workers', async () => {
    expect(await status(`${stack.api.url}/ready`)).toEqual({ status: 200, body: { status: 'ready', checks: { queue: 'ok', store: 'ok' } } });
    for (const worker of stack.workers) {
      expect(await status(`${worker.url}/health`)).toEqual({ status: 200, body: { status: 'ok' } });
      expect((await status(`${worker.url}/ready`)).status).toBe(200);
    }
  });

  it('survives a broker outage: 503 during it, jobs accepted before it complete, uploads after it succeed', { timeout: 180_000 }, async () => {
    const beforeTexts = Array.from({ length: 6 }, (_, i) => parcelText(200 + i));
    const before = await uploadAll(stack.api.url, beforeTexts);

    await proxy.cut();
    const started = Date.now();
    const during = await upload(stack.api.url, await renderTextImage(parcelText(300)));
    expect(during.status).toBe(503);
    expect(during.body).toEqual({ error: { code: 'QUEUE_UNAVAILABLE', message: expect.any(String) } });
    // Quickly, not after a hang: far below any client's time-out.
    expect(Date.now() - started).toBeLessThan(5_000);
    const ready = await status(`${stack.api.url}/ready`);
    expect(ready.status).toBe(503);
    expect(ready.body.checks).toEqual({ queue: 'down', store: 'ok' });
    expect(ready.body.error.message).toContain('queue');
    expect((await status(`${stack.workers[0]!.url}/ready`)).body.checks).toMatchObject({ queue: 'down' });

    await proxy.restore();
    await eventually(async () => (await status(`${stack.api.url}/ready`)).status === 200, 'the API to reconnect to the broker', 30_000);
    const afterTexts = Array.from({ length: 4 }, (_, i) => parcelText(400 + i));
    const after = await uploadAll(stack.api.url, afterTexts);
    await expectAllCompleted(stack.api.url, [...before, ...after], [...beforeTexts, ...afterTexts]);
    for (const service of [stack.api, ...stack.workers]) expect(service.process.exitCode).toBeNull();
    await eventually(() => [...before, ...after].every((id) => completions(stack.workers).get(id) === 1), 'one completion per job in the logs');
  });

  it('hands the job of a worker killed mid-job to the other worker, and loses nothing', { timeout: 180_000 }, async () => {
    const [longTask] = await uploadAll(stack.api.url, [LONG_PAGE]);
    let victim: RunningService | undefined;
    await eventually(
      () =>
        (victim = stack.workers.find((worker) =>
          logRecords(worker.logs()).some((record) => record.msg === 'job started' && record.task_id === longTask),
        )) !== undefined,
      'the long job to start on a worker',
      60_000,
    );
    const survivor = stack.workers.find((worker) => worker !== victim)!;
    const otherTexts = Array.from({ length: 4 }, (_, i) => parcelText(500 + i));
    const others = await uploadAll(stack.api.url, otherTexts);

    victim!.process.kill('SIGKILL');
    await victim!.stop();

    const done = await waitForResult(stack.api.url, longTask!);
    expect(done.status).toBe('completed');
    expect(done.result.text).toContain('Line 30 of a long page');
    expect(done.attempts).toBe(2);
    await expectAllCompleted(stack.api.url, others, otherTexts);
    await eventually(() => completions([survivor]).get(longTask!) === 1, 'the survivor to log the completion');
    expect(completions([victim!]).has(longTask!)).toBe(false);
  });
});

describe.skipIf(missing)('the distributed stack on BullMQ and Redis: one API process, two worker processes', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ queue: 'bullmq' });
  });
  afterAll(() => stack?.stop());

  it('completes 100 uploads, each exactly once, spread over both workers', { timeout: 240_000 }, () => expectHundredUploadsCompletedOnce(stack));

  it('answers /ready on the API and on the workers', async () => {
    expect(await status(`${stack.api.url}/ready`)).toEqual({ status: 200, body: { status: 'ready', checks: { queue: 'ok', store: 'ok' } } });
    for (const worker of stack.workers) expect((await status(`${worker.url}/ready`)).status).toBe(200);
  });
});
