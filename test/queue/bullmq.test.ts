import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Delivery, JobQueue } from '../../src/queue/job-queue.js';
import { createBullQueue } from '../../src/queue/bullmq.js';
import { makeJob } from '../contract/job-queue.contract.js';
import { eventually } from '../helpers/eventually.js';
import { consumeThenHang } from '../helpers/hanging-consumer.js';
import { freePort } from '../helpers/service.js';
import { deleteRedisKeys, missingServers, REDIS_URL, uniqueName } from '../helpers/servers.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';

describe.skipIf(await missingServers('redis'))('the BullMQ queue', () => {
  let keyPrefix = `${uniqueName('bullmq')}:`;
  let proxy: TcpProxy;
  let proxiedUrl: string;
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
  afterAll(() => proxy.close());
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
});
