import type { Job } from 'bullmq';
import type { Logger } from 'pino';
import { createRedisConnection, type RedisEndpoint } from '../../redis-connection.js';
import { withinTime } from '../../time-limit.js';
import { decideDelivery, deliveryOf, type DeliveryPolicy, type DeliveryResult } from '../delivery-policy.js';
import { queueUnavailable, type ConsumeOptions, type JobHandler } from '../job-queue.js';
import { attemptOf, openWorker, settleFailedRun, type WorkerOptions } from './bull-client.js';
import { recordFailedJobs } from './dead-lettering.js';
import { createImageStore } from './image-store.js';
import { toQueuedJob, type BullLocation, type JobData } from './job-data.js';

export interface ConsumerOptions extends BullLocation, Pick<RedisEndpoint, 'url' | 'sentinel'> {
  policy: DeliveryPolicy;
  lockDurationMs: number;
  /** How long start-up waits for Redis before going on without it. */
  connectTimeoutMs: number;
  log?: Logger;
}

/**
 * Starts a BullMQ worker that runs `handler` on each job and settles every run as the delivery policy decides.
 * Each job's image is read from beside it, and deleted once the job completed.
 */
export function startConsumer(
  handler: JobHandler,
  { concurrency, onDeadLetter }: ConsumeOptions,
  { url, sentinel, prefix, name, policy, lockDurationMs, connectTimeoutMs, log }: ConsumerOptions,
) {
  // BullMQ's worker blocks on Redis and needs a connection that retries for ever.
  const connection = createRedisConnection({ url, sentinel, name: `${prefix}:${name}:worker`, mode: 'never-give-up' });
  connection.on('error', (error: Error) => log?.debug({ err: error }, 'worker connection (Redis) error'));
  const images = createImageStore(connection, { prefix, name });
  const inFlight = new Set<Promise<void>>();
  const stopping = new AbortController();
  let outagesInARow = 0;

  const track = (work: Promise<unknown>): void => {
    const tracked = work.then(
      () => undefined,
      () => undefined,
    );
    inFlight.add(tracked);
    void tracked.finally(() => inFlight.delete(tracked));
  };

  const run = async (job: Job<JobData>, attempt: number): Promise<DeliveryResult> => {
    try {
      const running = handler({ ...toQueuedJob(job), image: await images.read(job) }, deliveryOf(attempt, policy));
      track(running);
      await running;
      return { kind: 'resolved' };
    } catch (error) {
      return { kind: 'threw', error };
    }
  };

  const processor = async (job: Job<JobData>, token?: string): Promise<void> => {
    const attempt = attemptOf(job);
    const result = await run(job, attempt);
    const decision = decideDelivery(policy, { attempt, outagesInARow }, result);
    outagesInARow = decision.outagesInARow;
    const { outcome } = decision;
    if (outcome.kind === 'acknowledge') return;
    if (outcome.kind === 'outage') log?.warn({ task_id: job.id, attempt }, 'job met an outage; handing it back without counting the attempt');
    await settleFailedRun(job, token, outcome, result.kind === 'threw' ? result.error : undefined);
  };

  const workerOptions: WorkerOptions = { concurrency, lockDurationMs };
  const worker = openWorker(connection, { prefix, name }, processor, policy, workerOptions);
  worker.on('error', (error: Error) => log?.warn({ err: error }, 'worker error'));
  // Deleted with the job (removeOnComplete); a worker that dies in between leaves the image behind.
  worker.on('completed', (job) => {
    images.remove(job.id!).catch((error: unknown) => log?.warn({ err: error, task_id: job.id }, "could not delete a finished job's image"));
  });
  recordFailedJobs(worker, { onDeadLetter, stopping: stopping.signal, track, log });

  return {
    /** Resolves once the worker is ready, or after `connectTimeoutMs` without Redis: it starts when Redis is back. */
    async started(): Promise<void> {
      await withinTime(worker.waitUntilReady(), connectTimeoutMs, () => queueUnavailable('Redis not reachable')).catch(() =>
        log?.warn('job queue (BullMQ on Redis) not reachable; the worker starts when it is'),
      );
    },

    /** Whether the worker's connection to Redis is up. */
    connected: (): boolean => connection.status === 'ready',

    /** Stops taking jobs, waits for the ones in flight and for their failures to be recorded, and lets go of Redis. */
    async stop(): Promise<void> {
      stopping.abort();
      // close() stops fetching jobs and waits for the ones running to finish.
      const workerClosed = worker.close().then(
        () => true,
        () => true,
      );
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
      // Every handler has finished. BullMQ may still be waiting for Redis to record the outcome, which after
      // an outage can take for ever: give it a moment, then let go; a job it could not record is taken back
      // when its lock expires, and the store's guards make the second run a no-op.
      const recorded = await withinTime(workerClosed, 5_000, () => new Error('the worker did not close in time')).catch(() => false);
      if (!recorded) log?.warn('the worker could not record its last jobs in Redis before stopping; they will be retried');
      await connection.quit().catch(() => connection.disconnect());
    },
  };
}

export type Consumer = ReturnType<typeof startConsumer>;
