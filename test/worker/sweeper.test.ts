import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { ErrorInfo } from '../../src/errors.js';
import { createMemoryQueue } from '../../src/queue/memory.js';
import { createMemoryStores } from '../../src/store/memory/index.js';
import type { Stores } from '../../src/store/stores.js';
import { startSweeper, type Sweeper } from '../../src/worker/sweeper.js';
import { makeJob } from '../queue/job-queue.contract.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const logger = pino({ level: 'silent' });

describe('the sweep for jobs the queue lost', () => {
  const sweepers: Sweeper[] = [];
  afterEach(async () => {
    await Promise.all(sweepers.splice(0).map((sweeper) => sweeper.stop()));
  });

  const setup = (stores: Stores = createMemoryStores({ resultTtlSeconds: 600 })) => {
    const queue = createMemoryQueue({ maxAttempts: 3 });
    const sweeper = startSweeper({
      idle: stores.idle,
      queue,
      staleAfterMs: 100,
      intervalMs: 60_000,
      recordLost: async (id: string, error: ErrorInfo) => (await stores.jobs.fail(id, error)) !== undefined,
      logger,
    });
    sweepers.push(sweeper);
    return { stores, queue, sweeper };
  };

  const record = (stores: Stores, id: string) =>
    stores.jobs.create({ id, options: { lang: 'eng' }, mediaType: 'image/png', createdAt: new Date().toISOString() });

  it('fails a task left queued whose job the queue no longer holds, and leaves one the queue still holds', async () => {
    const { stores, queue, sweeper } = setup();
    const orphan = makeJob();
    const waiting = makeJob();
    await record(stores, orphan.id);
    await record(stores, waiting.id);
    await queue.publish(waiting);
    await sleep(150);

    // The first pass only learns that the store answers: jobs that waited out an outage get a moment first.
    expect(await sweeper.sweep()).toBe(0);
    expect(await sweeper.sweep()).toBe(1);
    expect(await stores.jobs.get(orphan.id)).toMatchObject({ status: 'failed', error: { code: 'JOB_LOST' } });
    expect(await stores.jobs.get(waiting.id)).toMatchObject({ status: 'queued' });
  });

  it('leaves a document whose page jobs the queue still holds, after its document job is done', async () => {
    const { stores, queue, sweeper } = setup();
    const document = makeJob();
    await stores.jobs.create({
      id: document.id,
      options: { lang: 'eng', pages: [1, 2] },
      mediaType: 'application/pdf',
      createdAt: new Date().toISOString(),
    });
    await queue.publish({ ...makeJob(), id: `${document.id}.p2`, kind: 'page', options: { lang: 'eng' }, part: { task: document.id, page: 2 } });
    await sleep(150);
    await sweeper.sweep();
    expect(await sweeper.sweep()).toBe(0);
    expect(await stores.jobs.get(document.id)).toMatchObject({ status: 'queued' });
  });

  it('leaves tasks that changed recently alone', async () => {
    const { stores, sweeper } = setup();
    const orphan = makeJob();
    await record(stores, orphan.id);
    await sweeper.sweep();
    expect(await sweeper.sweep()).toBe(0);
    expect(await stores.jobs.get(orphan.id)).toMatchObject({ status: 'queued' });
  });

  it('does nothing while the store is unreachable, nor on the first pass after it returns', async () => {
    const stores = createMemoryStores({ resultTtlSeconds: 600 });
    let down = false;
    const flaky: Stores = {
      ...stores,
      idle: { listIdle: (idleForMs, limit) => (down ? Promise.reject(new Error('Redis is restarting')) : stores.idle.listIdle(idleForMs, limit)) },
    };
    const { sweeper } = setup(flaky);
    const orphan = makeJob();
    await record(stores, orphan.id);
    await sleep(150);
    await sweeper.sweep();
    down = true;
    expect(await sweeper.sweep()).toBe(0);
    down = false;
    expect(await sweeper.sweep()).toBe(0);
    expect(await stores.jobs.get(orphan.id)).toMatchObject({ status: 'queued' });
    expect(await sweeper.sweep()).toBe(1);
  });
});
