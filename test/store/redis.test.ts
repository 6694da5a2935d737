import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.js';
import type { OcrResult } from '../../src/job.js';
import { createRedisStores } from '../../src/store/redis/index.js';
import type { Stores } from '../../src/store/stores.js';
import { freePort } from '../helpers/service.js';
import { deleteRedisKeys, missingServers, REDIS_URL, uniqueName } from '../helpers/servers.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';

const result: OcrResult = { text: 'Hello', confidence: 90, lang: 'eng', psm: 6, timings: { queuedMs: 1, recognitionMs: 2 } };
const newJob = (id = uniqueName('task')) => ({ id, options: { lang: 'eng', psm: 4 }, mediaType: 'image/png', createdAt: new Date().toISOString() });

/** Milliseconds an operation took, and its outcome. */
async function timed<T>(operation: () => Promise<T>): Promise<{ ms: number; outcome: PromiseSettledResult<T> }> {
  const started = Date.now();
  const [outcome] = await Promise.allSettled([operation()]);
  return { ms: Date.now() - started, outcome: outcome };
}

describe.skipIf(await missingServers('redis'))('the Redis stores', () => {
  let keyPrefix: string;
  let redis: Redis;
  const opened: Stores[] = [];
  const open = async (options: Partial<Parameters<typeof createRedisStores>[0]> = {}) => {
    const stores = await createRedisStores({ url: REDIS_URL, keyPrefix, resultTtlSeconds: 3600, ...options });
    opened.push(stores);
    return stores;
  };

  beforeAll(() => {
    redis = new Redis(REDIS_URL);
  });
  afterAll(() => redis.disconnect());

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
    await deleteRedisKeys(keyPrefix);
    keyPrefix = `${uniqueName('redis-store')}:`;
  });
  keyPrefix = `${uniqueName('redis-store')}:`;

  it('keeps one hash per job under the prefix, with JSON for structured fields, and removes it on delete', async () => {
    const store = await open();
    const job = newJob();
    await store.jobs.create(job);
    const key = `${keyPrefix}job:${job.id}`;
    expect(await redis.hgetall(key)).toEqual({
      id: job.id,
      status: 'queued',
      attempts: '0',
      mediaType: 'image/png',
      createdAt: job.createdAt,
      options: JSON.stringify(job.options),
    });
    await store.jobs.markProcessing(job.id);
    await store.jobs.complete(job.id, result);
    expect(JSON.parse((await redis.hget(key, 'result'))!)).toEqual(result);
    expect(await redis.keys(`${keyPrefix}*`)).toEqual([key]);
    expect(await store.jobs.delete(job.id)).toBe(true);
    expect(await redis.exists(key)).toBe(0);
  });

  it('reads and moves on what an earlier version wrote: a job hash, its pages, an idempotency key and the outbox', async () => {
    const id = uniqueName('earlier');
    // Written as the earlier single store laid them out, field by field.
    await redis.hset(`${keyPrefix}job:${id}`, {
      id,
      status: 'processing',
      attempts: '1',
      mediaType: 'application/pdf',
      createdAt: new Date().toISOString(),
      startedAt: new Date().toISOString(),
      progress: '0.5',
      pagesTotal: '2',
      options: JSON.stringify({ lang: 'eng', pages: [1, 2] }),
      callbackUrl: JSON.stringify('https://example.org/hook'),
    });
    await redis.hset(`${keyPrefix}pages:${id}`, '1', JSON.stringify({ page: 1, text: 'first', confidence: 90, source: 'ocr', recognitionMs: 5 }));
    await redis.set(`${keyPrefix}idempotency:key-1`, JSON.stringify({ taskId: id, fingerprint: 'f', queued: true }), 'EX', 600);
    await redis.lpush(`${keyPrefix}archive-outbox`, 'older', id);

    const stores = await open();
    expect(await stores.jobs.get(id)).toMatchObject({ status: 'processing', progress: 0.5, callbackUrl: 'https://example.org/hook' });
    expect(await stores.idempotency.claim('key-1', { taskId: 'other', fingerprint: 'f' })).toEqual({ taskId: id, fingerprint: 'f', queued: true });
    expect(await stores.outbox.list(10)).toEqual(['older', id]);
    expect(await stores.pages.recordPage(id, { page: 2, text: 'second', confidence: 90, source: 'ocr', recognitionMs: 5 })).toEqual({
      done: 2,
      total: 2,
    });
    expect((await stores.pages.listPages(id)).map((page) => page.text).sort()).toEqual(['first', 'second']);
    expect(await stores.jobs.complete(id, result)).toMatchObject({ id, status: 'completed', attempts: 1, result, options: { pages: [1, 2] } });
  });

  it('sets the expiry from RESULT_TTL_SECONDS and renews it on every write', async () => {
    const store = await open({ resultTtlSeconds: 500 });
    const job = newJob();
    await store.jobs.create(job);
    const key = `${keyPrefix}job:${job.id}`;
    expect(await redis.ttl(key)).toBeGreaterThan(495);
    await redis.expire(key, 10);
    await store.jobs.markProcessing(job.id);
    expect(await redis.ttl(key)).toBeGreaterThan(495);
    await redis.expire(key, 10);
    await store.jobs.complete(job.id, result);
    expect(await redis.ttl(key)).toBeGreaterThan(495);
  });

  it('wakes a waiter on one instance when a worker on another instance finishes the job', { timeout: 5_000 }, async () => {
    const api = await open();
    const worker = await open();
    const job = newJob();
    const queued = await api.jobs.create(job);
    // The wait is far longer than the test's own time-out: only a wake-up can pass.
    const waiting = api.jobs.waitFor(queued, 30_000);
    setTimeout(() => void worker.jobs.markProcessing(job.id).then(() => worker.jobs.complete(job.id, result)), 200);
    expect(await waiting).toMatchObject({ status: 'completed', result });
  });

  it('wakes a waiter with nothing when the job is deleted meanwhile', { timeout: 5_000 }, async () => {
    const store = await open();
    const job = newJob();
    const queued = await store.jobs.create(job);
    const waiting = store.jobs.waitFor(queued, 30_000);
    setTimeout(() => void store.jobs.delete(job.id), 100);
    expect(await waiting).toBeUndefined();
  });

  it('creates a job only once the replicas it waits for have it: STORE_UNAVAILABLE when they do not answer', async () => {
    // The shared Redis has no replica: a wait for none succeeds, a wait for one times out.
    const job = newJob();
    await (await open({ replicaAcks: { replicas: 0, timeoutMs: 50 } })).jobs.create(job);
    const waiting = await open({ replicaAcks: { replicas: 1, timeoutMs: 50 } });
    await expect(waiting.jobs.create(newJob())).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect(await waiting.jobs.get(job.id)).toMatchObject({ status: 'queued' });
  });

  it('answers STORE_UNAVAILABLE at once when Redis cannot be reached, instead of hanging', async () => {
    const port = await freePort();
    const started = Date.now();
    const store = await open({ url: `redis://127.0.0.1:${port}`, connectTimeoutMs: 300 });
    expect(Date.now() - started).toBeLessThan(2_000);
    const operations: Array<() => Promise<unknown>> = [
      () => store.ping(),
      () => store.jobs.create(newJob()),
      () => store.jobs.get('x'),
      () => store.jobs.waitFor({ ...newJob(), status: 'queued', attempts: 0 }, 10_000),
    ];
    for (const operation of operations) {
      const { ms, outcome } = await timed(operation);
      expect(outcome.status).toBe('rejected');
      const reason = (outcome as PromiseRejectedResult).reason as AppError;
      expect(reason).toBeInstanceOf(AppError);
      expect(reason.code).toBe('STORE_UNAVAILABLE');
      expect(ms).toBeLessThan(1_500);
    }
  });

  describe('through a connection that is cut and restored', () => {
    let proxy: TcpProxy;
    beforeAll(async () => {
      proxy = await startTcpProxy(REDIS_URL);
    });
    afterAll(() => proxy.close());

    it('fails fast while cut and recovers by itself; a waiter across the outage still wakes', { timeout: 20_000 }, async () => {
      const viaProxy = await open({ url: proxy.url });
      const direct = await open();
      const job = newJob();
      const queued = await viaProxy.jobs.create(job);
      const waiting = viaProxy.jobs.waitFor(queued, 15_000);
      await new Promise((resolve) => setTimeout(resolve, 100));

      await proxy.cut();
      const { ms, outcome } = await timed(() => viaProxy.ping());
      expect(outcome.status).toBe('rejected');
      expect((outcome as PromiseRejectedResult).reason).toMatchObject({ code: 'STORE_UNAVAILABLE' });
      expect(ms).toBeLessThan(1_500);
      // The job finishes while this instance cannot hear about it.
      await direct.jobs.markProcessing(job.id);
      await direct.jobs.complete(job.id, result);

      await proxy.restore();
      const started = Date.now();
      while ((await timed(() => viaProxy.ping())).outcome.status === 'rejected') {
        expect(Date.now() - started).toBeLessThan(10_000);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(await waiting).toMatchObject({ status: 'completed' });
      expect(await viaProxy.jobs.get(job.id)).toMatchObject({ status: 'completed', result });
    });
  });
});
