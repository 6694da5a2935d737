import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.js';
import type { JobMessage } from '../../src/job.js';
import type { Delivery, JobQueue } from '../../src/queue/job-queue.js';
import { eventually } from '../helpers/eventually.js';

export interface QueueBackend {
  name: string;
  /** A fresh, empty queue isolated from every other test (its own queue name, prefix or vhost). */
  /** Retries must wait RETRY_BACKOFF. */
  create(options: { maxAttempts: number }): Promise<JobQueue>;
  /** Removes whatever the backend left on its server; called after close(). */
  cleanup?(): Promise<void>;
  /** When set, the suite is skipped with this reason (a server is missing outside CI). */
  skipReason?: string;
}

/** The retry delays every backend is created with: 100, 200, then 400 ms at most, each jittered down to half. */
export const RETRY_BACKOFF = { initialMs: 100, maxMs: 400 };

let sequence = 0;
export function makeJob(overrides: Partial<JobMessage> = {}): JobMessage {
  sequence += 1;
  return {
    id: `job-${process.pid}-${sequence}`,
    kind: 'image',
    image: Buffer.from([0x89, 0x50, 0x4e, 0x47, sequence % 256, 0, 255]),
    mediaType: 'image/png',
    options: { lang: 'eng+deu', psm: 4 },
    ...overrides,
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One specification of JobQueue, run against every backend. */
export function describeJobQueueContract(backend: QueueBackend): void {
  describe.skipIf(backend.skipReason !== undefined)(`JobQueue contract: ${backend.name}`, () => {
    const opened: JobQueue[] = [];
    const open = async (maxAttempts = 3) => {
      const queue = await backend.create({ maxAttempts });
      opened.push(queue);
      return queue;
    };

    afterEach(async () => {
      await Promise.all(opened.splice(0).map((queue) => queue.close()));
      await backend.cleanup?.();
    });

    it('delivers the image bytes, kind and options exactly as published', async () => {
      const queue = await open();
      const job = makeJob({ image: Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 256)) });
      const received: JobMessage[] = [];
      await queue.consume(async (delivered) => void received.push(delivered), { concurrency: 1 });
      await queue.publish(job);
      await eventually(() => received.length === 1, 'the job to arrive');
      expect(received[0]!.id).toBe(job.id);
      expect(received[0]!.kind).toBe('image');
      expect(received[0]!.mediaType).toBe(job.mediaType);
      expect(received[0]!.options).toEqual(job.options);
      expect(received[0]!.part).toBeUndefined();
      expect(Buffer.compare(received[0]!.image, job.image)).toBe(0);
    });

    it('delivers a page job with the document page it reads', async () => {
      const queue = await open();
      const paper = { widthPt: 612, heightPt: 792, image: { leftPt: 0, topPt: 0, widthPt: 612, heightPt: 792 } };
      const job = makeJob({ kind: 'page', part: { task: 'document-task', page: 3, paper } });
      const received: JobMessage[] = [];
      await queue.consume(async (delivered) => void received.push(delivered), { concurrency: 1 });
      await queue.publish(job);
      await eventually(() => received.length === 1, 'the page job to arrive');
      expect(received[0]!.kind).toBe('page');
      expect(received[0]!.part).toEqual(job.part);
    });

    it('delivers jobs in the order they were published', async () => {
      const queue = await open();
      const jobs = Array.from({ length: 10 }, () => makeJob());
      for (const job of jobs) await queue.publish(job);
      const order: string[] = [];
      await queue.consume(async (job) => void order.push(job.id), { concurrency: 1 });
      await eventually(() => order.length === jobs.length, 'all jobs to arrive');
      expect(order).toEqual(jobs.map((job) => job.id));
    });

    it('never runs more jobs at once than the concurrency it was given', async () => {
      const queue = await open();
      let running = 0;
      let highest = 0;
      const done: string[] = [];
      await queue.consume(
        async (job) => {
          running += 1;
          highest = Math.max(highest, running);
          await sleep(50);
          running -= 1;
          done.push(job.id);
        },
        { concurrency: 2 },
      );
      for (let i = 0; i < 8; i += 1) await queue.publish(makeJob());
      await eventually(() => done.length === 8, 'all jobs to finish');
      expect(highest).toBe(2);
    });

    it('hands a job back when its handler throws, counting attempts, until the final attempt', async () => {
      const queue = await open(3);
      const deliveries: Delivery[] = [];
      await queue.consume(
        async (_job, delivery) => {
          deliveries.push(delivery);
          throw new Error('store unreachable');
        },
        { concurrency: 1 },
      );
      await queue.publish(makeJob());
      await eventually(() => deliveries.length === 3, 'three attempts');
      await sleep(300);
      expect(deliveries).toEqual([
        { attempt: 1, finalAttempt: false },
        { attempt: 2, finalAttempt: false },
        { attempt: 3, finalAttempt: true },
      ]);
    });

    it('waits longer before each retry: at least half the doubling delay', async () => {
      const queue = await open(4);
      const startedAt: number[] = [];
      await queue.consume(
        async () => {
          startedAt.push(Date.now());
          throw new Error('engine crashed');
        },
        { concurrency: 1 },
      );
      await queue.publish(makeJob());
      await eventually(() => startedAt.length === 4, 'four attempts');
      const waits = startedAt.slice(1).map((at, index) => at - startedAt[index]!);
      waits.forEach((wait, index) =>
        expect(wait).toBeGreaterThanOrEqual(Math.min(RETRY_BACKOFF.maxMs, RETRY_BACKOFF.initialMs * 2 ** index) / 2 - 5),
      );
    });

    it('dead-letters a job whose final attempt failed, and delivers it no more', async () => {
      const deadLetters: string[] = [];
      const queue = await open(2);
      const job = makeJob();
      let deliveries = 0;
      await queue.consume(
        async () => {
          deliveries += 1;
          throw new Error('still failing');
        },
        { concurrency: 1, onDeadLetter: async (dead) => void deadLetters.push(dead.id) },
      );
      await queue.publish(job);
      await eventually(() => deadLetters.length === 1, 'the job to be dead-lettered');
      await sleep(300);
      expect(deadLetters).toEqual([job.id]);
      expect(deliveries).toBe(2);
    });

    it('keeps trying to record a dead letter until it can (the store was down), without running the job again', async () => {
      const queue = await open(1);
      const job = makeJob();
      let deliveries = 0;
      let recordTries = 0;
      const recorded: string[] = [];
      await queue.consume(
        async () => {
          deliveries += 1;
          throw new Error('engine crashed');
        },
        {
          concurrency: 1,
          onDeadLetter: async (dead) => {
            recordTries += 1;
            if (recordTries <= 2) throw new AppError('STORE_UNAVAILABLE', 'Redis is restarting.');
            recorded.push(dead.id);
          },
        },
      );
      await queue.publish(job);
      await eventually(() => recorded.length === 1, 'the dead letter to be recorded', 15_000);
      await sleep(300);
      expect(recorded).toEqual([job.id]);
      expect(recordTries).toBe(3);
      expect(deliveries).toBe(1);
    });

    it('spends no attempt on a handler that met an outage: the job comes back with the same attempt', async () => {
      const queue = await open(2);
      const deliveries: Delivery[] = [];
      await queue.consume(
        async (_job, delivery) => {
          deliveries.push(delivery);
          if (deliveries.length <= 3) throw new AppError(deliveries.length % 2 ? 'STORE_UNAVAILABLE' : 'QUEUE_UNAVAILABLE', 'Redis is restarting.');
        },
        { concurrency: 1 },
      );
      await queue.publish(makeJob());
      await eventually(() => deliveries.length === 4, 'the job to come back after the outage', 15_000);
      await sleep(300);
      expect(deliveries).toEqual(Array.from({ length: 4 }, () => ({ attempt: 1, finalAttempt: false })));
    });

    it('says whether it still holds a job: not once the job was handled', async () => {
      const queue = await open();
      const job = makeJob();
      await queue.publish(job);
      // A broker that cannot look jobs up one by one may not know (undefined); it never denies a waiting job.
      expect(await queue.holds(job.id)).not.toBe(false);
      const handled: string[] = [];
      await queue.consume(async (delivered) => void handled.push(delivered.id), { concurrency: 1 });
      await eventually(() => handled.length === 1, 'the job to be handled');
      await eventually(async () => (await queue.holds(job.id)) === false, 'the queue to let go of the job');
    });

    it('acknowledges a job only once its handler resolved: a job in flight at stop comes back to the next consumer', async () => {
      const queue = await open(5);
      const job = makeJob();
      let release!: () => void;
      const started: string[] = [];
      await queue.consume(
        async (delivered) => {
          started.push(delivered.id);
          await new Promise<void>((resolve) => (release = resolve));
          throw new Error('worker lost its store connection');
        },
        { concurrency: 1 },
      );
      await queue.publish(job);
      await eventually(() => started.length === 1, 'the job to start');
      const stopping = queue.stopConsuming();
      release();
      await stopping;

      const redelivered: Delivery[] = [];
      await queue.consume(
        async (delivered, delivery) => {
          if (delivered.id === job.id) redelivered.push(delivery);
        },
        { concurrency: 1 },
      );
      await eventually(() => redelivered.length >= 1, 'the job to come back');
      // Exactly once: a lost acknowledgement would bring back the first delivery too.
      await sleep(500);
      expect(redelivered).toHaveLength(1);
      expect(redelivered[0]!.attempt).toBeGreaterThanOrEqual(2);
    });

    it('stopConsuming waits for jobs in flight to finish', async () => {
      const queue = await open();
      const started: string[] = [];
      const finished: string[] = [];
      await queue.consume(
        async (job) => {
          started.push(job.id);
          await sleep(300);
          finished.push(job.id);
        },
        { concurrency: 1 },
      );
      const job = makeJob();
      await queue.publish(job);
      await eventually(() => started.length === 1, 'the job to start');
      await queue.stopConsuming();
      expect(finished).toEqual([job.id]);
    });

    it('reports itself ready while open, and refuses to publish once closed', async () => {
      const queue = await open();
      await expect(queue.ping()).resolves.toBeUndefined();
      await queue.close();
      await expect(queue.close()).resolves.toBeUndefined();
      const refusal = queue.publish(makeJob());
      await expect(refusal).rejects.toBeInstanceOf(AppError);
      await expect(refusal).rejects.toMatchObject({ code: 'QUEUE_UNAVAILABLE' });
    });
  });
}
