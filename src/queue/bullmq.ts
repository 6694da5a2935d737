import { DelayedError, Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { backoffDelay, createBackoffRun, type Backoff } from '../backoff.js';
import { AppError, isAppError, isOutage } from '../errors.js';
import type { JobMessage, QueuedJob } from '../job.js';
import { createRedisConnection } from '../redis-connection.js';
import { withinTime } from '../time-limit.js';
import { recordDeadLetter } from './dead-letters.js';
import { queueUnavailable, type ConsumeOptions, type JobQueue } from './job-queue.js';

export interface BullQueueOptions {
  url: string;
  /** The BullMQ queue name (no `:`). */
  name: string;
  /** The service's Redis key prefix (`REDIS_KEY_PREFIX`); BullMQ's keys go under `<prefix>bull:<name>:`. */
  keyPrefix: string;
  maxAttempts: number;
  logger?: Logger;
  /** How long a failed job waits before it is delivered again: doubling with each attempt, with jitter. */
  retryBackoff?: Backoff;
  /** How long a job whose handler met an outage waits before it is delivered again, growing while outages go on. */
  outageBackoff?: Backoff;
  /** A publish without an answer from Redis after this long fails with QUEUE_UNAVAILABLE. */
  publishTimeoutMs?: number;
  /** How long a worker's lock on a job lasts without renewal: a dead worker's job is taken back after about this long. */
  lockDurationMs?: number;
  /** How long start-up waits for Redis before going on without it. */
  connectTimeoutMs?: number;
}

/** The name of our back-off strategy, which the worker's `backoffStrategy` setting implements. */
const RETRY_BACKOFF = 'jittered-exponential';

/** How long the image of a publish reported failed is kept, for a job that reached the queue after all. */
const UNPUBLISHED_IMAGE_TTL_SECONDS = 86_400;

/** Job states in which the queue still has the job to run. */
const UNFINISHED_STATES = new Set(['waiting', 'delayed', 'active', 'prioritized', 'waiting-children', 'paused']);

/**
 * What a BullMQ job's JSON carries. The image travels beside it, as a binary Redis value under the job's own key
 * (`imageKey`): inside the JSON it would be a base64 string a third larger, built, copied and collected on every
 * upload, which took the API more CPU than the rest of the upload together.
 */
interface JobData extends Omit<QueuedJob, 'id'> {
  /** The image in base64, as versions before 2026-12 queued it: such jobs are still read after an upgrade. */
  image?: string;
}

const toQueuedJob = ({ id, data: { image: _inlineImage, ...queued } }: Job<JobData>): QueuedJob => ({ id: id!, ...queued });

/**
 * The BullMQ queue, for deployments that run Redis alone. Publishing fails at once with QUEUE_UNAVAILABLE
 * while Redis is down (no offline queue). Retries use BullMQ's attempts with exponential back-off; a job
 * whose worker died is taken back when its lock expires, and that counts as an attempt. Jobs that failed
 * every attempt stay in BullMQ's failed set, its dead-letter queue. A job's image lives as long as the job: written
 * before the job is added, deleted once it completed, kept beside a job in the failed set.
 */
export async function createBullQueue(options: BullQueueOptions): Promise<JobQueue> {
  const {
    url,
    name,
    keyPrefix,
    maxAttempts,
    logger,
    retryBackoff = { initialMs: 1_000, maxMs: 30_000 },
    outageBackoff = { initialMs: 200, maxMs: 5_000 },
    publishTimeoutMs = 5_000,
    lockDurationMs = 15_000,
    connectTimeoutMs = 5_000,
  } = options;
  if (name.includes(':')) throw new Error(`QUEUE_NAME=${name}: BullMQ queue names cannot contain ":".`);
  const prefix = `${keyPrefix}bull`;
  const log = logger?.child({ queue: name });
  // Beside the job's hash (`<prefix>:<name>:<id>`), as BullMQ keeps a job's logs and lock.
  const imageKey = (id: string) => `${prefix}:${name}:${id}:image`;

  // Publishing must fail fast when Redis is away, so this connection queues nothing while disconnected.
  const producerConnection = createRedisConnection({ url, name: `${prefix}:${name}:producer`, mode: 'fail-fast' });
  producerConnection.on('error', (error: Error) => log?.debug({ err: error }, 'queue connection (Redis) error'));
  const producerReady = new Promise<void>((resolve) => producerConnection.once('ready', () => resolve()));
  await withinTime(producerReady, connectTimeoutMs, () => queueUnavailable('Redis not reachable at start')).catch(() =>
    log?.warn('job queue (BullMQ on Redis) not reachable at start; answering 503 until it is'),
  );

  const queue = new Queue<JobData>(name, {
    connection: producerConnection,
    prefix,
    skipWaitingForReady: true,
    defaultJobOptions: {
      attempts: maxAttempts,
      backoff: { type: RETRY_BACKOFF },
      // Results live in the ResultStore; a finished BullMQ job is only kept while it failed for good.
      removeOnComplete: true,
      removeOnFail: false,
    },
  });
  queue.on('error', (error: Error) => log?.debug({ err: error }, 'queue error'));

  let consumer: { worker: Worker<JobData>; connection: Redis; inFlight: Set<Promise<void>>; stopping: AbortController } | undefined;
  let closed = false;
  let closing: Promise<void> | undefined;
  const outagePauses = createBackoffRun(outageBackoff);

  const jobQueue: JobQueue = {
    async publish(job) {
      if (closed) throw queueUnavailable('The job queue is shutting down; try again shortly.');
      if (producerConnection.status !== 'ready') throw queueUnavailable('The job queue (Redis) cannot be reached; try again shortly.');
      const { id: _id, image: _image, ...data } = job;
      const add = async () => {
        // The image first: a worker may take the job the moment it is added.
        await producerConnection.set(imageKey(job.id), job.image);
        // The task id is the BullMQ job id, so a publish retried after a lost answer adds no second job.
        await queue.add('ocr', data, { jobId: job.id });
      };
      try {
        await withinTime(add(), publishTimeoutMs, () => queueUnavailable('The job queue did not answer in time; try again shortly.'));
      } catch (error) {
        // The add may still land (an answer that came too late): its image stays for such a job, then expires.
        void producerConnection.expire(imageKey(job.id), UNPUBLISHED_IMAGE_TTL_SECONDS).catch(() => undefined);
        throw isAppError(error) ? error : queueUnavailable('The job queue (Redis) cannot be reached; try again shortly.', error);
      }
    },

    async consume(handler, { concurrency, onDeadLetter }: ConsumeOptions) {
      if (closed) throw queueUnavailable('The job queue is closed.');
      if (consumer) throw new Error('This queue is already consuming; call stopConsuming() first.');
      // BullMQ's worker blocks on Redis and needs a connection that retries for ever.
      const connection = createRedisConnection({ url, name: `${prefix}:${name}:worker`, mode: 'never-give-up' });
      connection.on('error', (error: Error) => log?.debug({ err: error }, 'worker connection (Redis) error'));
      const inFlight = new Set<Promise<void>>();
      const stopping = new AbortController();
      const toMessage = async (job: Job<JobData>): Promise<JobMessage> => {
        const image = job.data.image === undefined ? await connection.getBuffer(imageKey(job.id!)) : Buffer.from(job.data.image, 'base64');
        if (!image) throw new AppError('JOB_LOST', "The job's image is no longer in the queue (Redis lost it), so it cannot be read.");
        return { ...toQueuedJob(job), image };
      };
      const track = (work: Promise<unknown>): void => {
        const tracked = work.then(
          () => undefined,
          () => undefined,
        );
        inFlight.add(tracked);
        void tracked.finally(() => inFlight.delete(tracked));
      };
      const worker = new Worker<JobData>(
        name,
        async (job, token) => {
          // A job taken back from a worker that died was stalled: that run counts as an attempt too. A job
          // handed back after an outage was delayed, which counts nothing.
          const attempt = job.attemptsMade + job.stalledCounter + 1;
          const run = handler(await toMessage(job), { attempt, finalAttempt: attempt >= maxAttempts });
          track(run);
          try {
            await run;
            outagePauses.reset();
          } catch (error) {
            if (!isOutage(error) || !token) throw error;
            log?.warn({ task_id: job.id, attempt }, 'job met an outage; handing it back without counting the attempt');
            await job.moveToDelayed(Date.now() + outagePauses.next(), token).catch(() => {
              throw error;
            });
            throw new DelayedError();
          }
        },
        {
          connection,
          prefix,
          concurrency,
          settings: { backoffStrategy: (attemptsMade: number) => backoffDelay(attemptsMade, retryBackoff) },
          lockDuration: lockDurationMs,
          stalledInterval: Math.max(1_000, Math.round(lockDurationMs / 3)),
          maxStalledCount: maxAttempts - 1,
        },
      );
      worker.on('error', (error: Error) => log?.warn({ err: error }, 'worker error'));
      // Deleted with the job (removeOnComplete); a worker that dies in between leaves the image behind.
      worker.on('completed', (job) => {
        connection
          .del(imageKey(job.id!))
          .catch((error: unknown) => log?.warn({ err: error, task_id: job.id }, "could not delete a finished job's image"));
      });
      worker.on('failed', (job, error) => {
        if (!job || error instanceof DelayedError) return;
        // Tracked, so shutdown waits until the failure is recorded.
        track(
          job.getState().then(
            async (state) => {
              if (state !== 'failed') return;
              // No attempt was left: either every attempt threw, or workers kept dying while running it.
              const reason =
                job.attemptsMade >= maxAttempts
                  ? error
                  : new AppError('WORKER_LOST', 'The worker running this job stopped before finishing it, on every attempt.');
              log?.error({ task_id: job.id, attempts: job.attemptsMade }, 'job exhausted its attempts; kept in the failed set');
              // Not recorded by the time the worker stops: the sweep for lost jobs fails the task later.
              await recordDeadLetter(onDeadLetter, toQueuedJob(job), reason, { stopping: stopping.signal, log });
            },
            (stateError: unknown) => log?.warn({ err: stateError, task_id: job.id }, 'could not read the state of a failed job'),
          ),
        );
      });
      consumer = { worker, connection, inFlight, stopping };
      await withinTime(worker.waitUntilReady(), connectTimeoutMs, () => queueUnavailable('Redis not reachable')).catch(() =>
        log?.warn('job queue (BullMQ on Redis) not reachable; the worker starts when it is'),
      );
    },

    async stopConsuming() {
      const current = consumer;
      if (!current) return;
      current.stopping.abort();
      // close() stops fetching jobs and waits for the ones running to finish.
      const workerClosed = current.worker.close().then(
        () => true,
        () => true,
      );
      while (current.inFlight.size > 0) await Promise.allSettled([...current.inFlight]);
      // Every handler has finished. BullMQ may still be waiting for Redis to record the outcome, which after
      // an outage can take for ever: give it a moment, then let go; a job it could not record is taken back
      // when its lock expires, and the store's guards make the second run a no-op.
      const recorded = await withinTime(workerClosed, 5_000, () => new Error('the worker did not close in time')).catch(() => false);
      if (!recorded) log?.warn('the worker could not record its last jobs in Redis before stopping; they will be retried');
      await current.connection.quit().catch(() => current.connection.disconnect());
      if (consumer === current) consumer = undefined;
    },

    async holds(id) {
      try {
        const job = await withinTime(queue.getJob(id), publishTimeoutMs, () => queueUnavailable('The job queue (Redis) does not answer.'));
        return job !== undefined && UNFINISHED_STATES.has(await job.getState());
      } catch (error) {
        throw isAppError(error) ? error : queueUnavailable('The job queue (Redis) cannot be reached.', error);
      }
    },

    async ping() {
      if (closed) throw queueUnavailable('The job queue is closed.');
      try {
        await withinTime(producerConnection.ping(), 2_000, () => queueUnavailable('The job queue (Redis) does not answer.'));
      } catch (error) {
        throw isAppError(error) ? error : queueUnavailable('The job queue (Redis) cannot be reached.', error);
      }
      if (consumer && consumer.connection.status !== 'ready') throw queueUnavailable('The worker lost its connection to the job queue (Redis).');
    },

    close() {
      closing ??= (async () => {
        closed = true;
        await jobQueue.stopConsuming();
        await queue.close().catch(() => undefined);
        await producerConnection.quit().catch(() => producerConnection.disconnect());
      })();
      return closing;
    },
  };
  return jobQueue;
}
