import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import type { JobMessage, QueuedJob } from '../../src/job.js';
import type { Delivery, JobQueue } from '../../src/queue/job-queue.js';
import { createBullQueue } from '../../src/queue/bullmq/index.js';
import { makeJob } from './job-queue.contract.js';
import { eventually } from '../helpers/eventually.js';
import { consumeThenHang } from '../helpers/hanging-consumer.js';
import { freePort } from '../helpers/service.js';
import { deleteRedisKeys, missingServers, REDIS_URL, uniqueName } from '../helpers/servers.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';

describe.skipIf(await missingServers('redis'))('the BullMQ queue', () => {
  let keyPrefix = `${uniqueName('bullmq')}:`;
  let proxy: TcpProxy;
  let proxiedUrl: string;
  const redis = new Redis(REDIS_URL);
  const jobKey = (id: string) => `${keyPrefix}bull:jobs:${id}`;
  const opened: JobQueue[] = [];
  const open = async (options: Partial<Parameters<typeof createBullQueue>[0]> = {}) => {
    const queue = await createBullQueue({
      url: REDIS_URL,
      name: 'jobs',
      keyPrefix,
      maxAttempts: 3,
      retryBackoff: { initialMs: 50, maxMs: 200 },
      ...options,
    });
    opened.push(queue);
    return queue;
  };

  beforeAll(async () => {
    proxy = await startTcpProxy(REDIS_URL);
    proxiedUrl = proxy.url;
  });
  afterAll(async () => {
    redis.disconnect();
    await proxy.close();
  });
  afterEach(async () => {
    await proxy.restore();
    await Promise.all(opened.splice(0).map((queue) => queue.close()));
    await deleteRedisKeys(keyPrefix);
    keyPrefix = `${uniqueName('bullmq')}:`;
  });

  it('refuses to publish at once, with QUEUE_UNAVAILABLE, when Redis cannot be reached', async () => {
    const queue = await open({ url: `redis://127.0.0.1:${await freePort()}`, connectTimeoutMs: 300 });
    const started = Date.now();
    await expect(queue.publish(makeJob())).rejects.toMatchObject({ code: 'QUEUE_UNAVAILABLE' });
    expect(Date.now() - started).toBeLessThan(1_500);
    await expect(queue.ping()).rejects.toMatchObject({ code: 'QUEUE_UNAVAILABLE' });
  });

  it('gives the job of a worker that went away to another worker once its lock expires, as the next attempt', { timeout: 30_000 }, async () => {
    const dying = await open({ url: proxiedUrl, lockDurationMs: 1_000 });
    const survivor = await open({ lockDurationMs: 1_000 });
    const job = makeJob();
    const hanging = await consumeThenHang(dying);
    await survivor.publish(job);
    await hanging.reached;
    const deliveries: Delivery[] = [];
    await survivor.consume(
      async (delivered, delivery) => {
        if (delivered.id === job.id) deliveries.push(delivery);
      },
      { concurrency: 1 },
    );

    await proxy.cut();
    await eventually(() => deliveries.length === 1, 'the job on the other worker', 20_000);
    expect(deliveries[0]).toEqual({ attempt: 2, finalAttempt: false });
    hanging.release();
  });

  it('dead-letters a job on its last attempt even when an earlier one was lost with its worker', { timeout: 30_000 }, async () => {
    const dying = await open({ url: proxiedUrl, lockDurationMs: 1_000, maxAttempts: 2 });
    const survivor = await open({ lockDurationMs: 1_000, maxAttempts: 2 });
    const job = makeJob();
    const hanging = await consumeThenHang(dying);
    await survivor.publish(job);
    await hanging.reached;
    const deliveries: Delivery[] = [];
    const deadLetters: { id: string; error: unknown }[] = [];
    const failure = new Error('the engine crashed');
    await survivor.consume(
      async (delivered, delivery) => {
        if (delivered.id !== job.id) return;
        deliveries.push(delivery);
        throw failure;
      },
      { concurrency: 1, onDeadLetter: async (dead, error) => void deadLetters.push({ id: dead.id, error }) },
    );

    await proxy.cut();
    await eventually(() => deadLetters.length === 1, 'the dead letter', 20_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(deliveries).toEqual([{ attempt: 2, finalAttempt: true }]);
    expect(deadLetters).toEqual([{ id: job.id, error: failure }]);
    hanging.release();
  });

  it("keeps the image out of the job's JSON, as binary beside the job, until the job completed", async () => {
    const queue = await open();
    const job = makeJob({ image: Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7) % 256)) });
    await queue.publish(job);
    expect(Object.keys(JSON.parse((await redis.hget(jobKey(job.id), 'data'))!) as object).sort()).toEqual(['kind', 'mediaType', 'options']);
    expect(Buffer.compare((await redis.getBuffer(`${jobKey(job.id)}:image`))!, job.image)).toBe(0);

    const received: Buffer[] = [];
    await queue.consume(async (delivered) => void received.push(delivered.image), { concurrency: 1 });
    await eventually(async () => (await redis.exists(jobKey(job.id), `${jobKey(job.id)}:image`)) === 0, 'the job and its image gone');
    expect(received).toHaveLength(1);
    expect(Buffer.compare(received[0]!, job.image)).toBe(0);
  });

  it('still reads a job queued by an earlier version, with its image as base64 in its JSON', async () => {
    const queue = await open();
    const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    const earlier = new Queue('jobs', { connection, prefix: `${keyPrefix}bull` });
    const job = makeJob();
    await earlier.add('ocr', { image: job.image.toString('base64'), mediaType: job.mediaType, options: job.options }, { jobId: job.id });
    await earlier.close();
    await connection.quit();
    const received: JobMessage[] = [];
    await queue.consume(async (delivered) => void received.push(delivered), { concurrency: 1 });
    await eventually(() => received.length === 1, 'the job');
    expect(received[0]).toEqual(job);
  });

  it('dead-letters a job whose image was lost with JOB_LOST, never running it without one', async () => {
    const queue = await open();
    const job = makeJob();
    await queue.publish(job);
    await redis.del(`${jobKey(job.id)}:image`);
    let handled = 0;
    const deadLetters: { job: QueuedJob; error: unknown }[] = [];
    await queue.consume(async () => void (handled += 1), {
      concurrency: 1,
      onDeadLetter: async (dead, error) => void deadLetters.push({ job: dead, error }),
    });
    await eventually(() => deadLetters.length === 1, 'the dead letter');
    expect(handled).toBe(0);
    expect(deadLetters[0]!.job).toEqual({ id: job.id, kind: job.kind, mediaType: job.mediaType, options: job.options });
    expect(deadLetters[0]!.error).toMatchObject({ code: 'JOB_LOST' });
  });

  it('keeps the image beside a job in the failed set, which can still be retried from there', async () => {
    const queue = await open({ maxAttempts: 1 });
    const job = makeJob();
    const deadLetters: string[] = [];
    await queue.consume(
      async () => {
        throw new Error('the engine crashed');
      },
      { concurrency: 1, onDeadLetter: async (dead) => void deadLetters.push(dead.id) },
    );
    await queue.publish(job);
    await eventually(() => deadLetters.length === 1, 'the dead letter');
    expect(await redis.zscore(`${keyPrefix}bull:jobs:failed`, job.id)).not.toBeNull();
    expect(Buffer.compare((await redis.getBuffer(`${jobKey(job.id)}:image`))!, job.image)).toBe(0);
  });

  it('keeps the image of a publish whose answer came too late, for the job that reached the queue after all, for a day', async () => {
    // A millisecond to answer, for 16 MB to write: the publish is reported failed while its commands still reach Redis.
    const queue = await open({ publishTimeoutMs: 1 });
    await queue.ping();
    const job = makeJob({ image: Buffer.alloc(16 * 1024 * 1024, 7) });
    await expect(queue.publish(job)).rejects.toMatchObject({ code: 'QUEUE_UNAVAILABLE' });
    await eventually(async () => (await redis.exists(jobKey(job.id))) === 1, 'the job that landed late');
    await eventually(async () => (await redis.ttl(`${jobKey(job.id)}:image`)) > 0, 'the image with an expiry');
    expect(await redis.ttl(`${jobKey(job.id)}:image`)).toBeLessThanOrEqual(86_400);

    const received: JobMessage[] = [];
    await queue.consume(async (delivered) => void received.push(delivered), { concurrency: 1 });
    await eventually(() => received.length === 1, 'the late job, read with its image');
    expect(Buffer.compare(received[0]!.image, job.image)).toBe(0);
  });
});
