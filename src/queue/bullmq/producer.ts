import type { Logger } from 'pino';
import { isAppError } from '../../errors.js';
import type { JobMessage } from '../../job.js';
import { awaitReplicas, createRedisConnection, type RedisEndpoint } from '../../redis-connection.js';
import { withinTime } from '../../time-limit.js';
import type { DeliveryPolicy } from '../delivery-policy.js';
import { queueUnavailable } from '../job-queue.js';
import { openQueue } from './bull-client.js';
import { createImageStore } from './image-store.js';
import type { BullLocation } from './job-data.js';

export interface ProducerOptions extends BullLocation, RedisEndpoint {
  policy: Pick<DeliveryPolicy, 'maxAttempts'>;
  /** A publish or a look-up without an answer from Redis after this long fails with QUEUE_UNAVAILABLE. */
  publishTimeoutMs: number;
  /** How long start-up waits for Redis before going on without it. */
  connectTimeoutMs: number;
  log?: Logger;
}

/** Job states in which the queue still has the job to run. */
const UNFINISHED_STATES = new Set(['waiting', 'delayed', 'active', 'prioritized', 'waiting-children', 'paused']);

/** Turns a failure to reach Redis into the queue's outage error. */
const asUnavailable = (error: unknown, message: string) => (isAppError(error) ? error : queueUnavailable(message, error));

/**
 * The side of the BullMQ queue that adds jobs and looks them up. It fails at once with QUEUE_UNAVAILABLE while
 * Redis is down (no offline queue), so the API answers 503 instead of holding the upload.
 */
export async function startProducer({ url, sentinel, replicaAcks, prefix, name, policy, publishTimeoutMs, connectTimeoutMs, log }: ProducerOptions) {
  // Publishing must fail fast when Redis is away, so this connection queues nothing while disconnected.
  const connection = createRedisConnection({ url, sentinel, name: `${prefix}:${name}:producer`, mode: 'fail-fast' });
  connection.on('error', (error: Error) => log?.debug({ err: error }, 'queue connection (Redis) error'));
  const ready = new Promise<void>((resolve) => connection.once('ready', () => resolve()));
  await withinTime(ready, connectTimeoutMs, () => queueUnavailable('Redis not reachable at start')).catch(() =>
    log?.warn('job queue (BullMQ on Redis) not reachable at start; answering 503 until it is'),
  );
  const images = createImageStore(connection, { prefix, name });
  const queue = openQueue(connection, { prefix, name }, policy);
  queue.on('error', (error: Error) => log?.debug({ err: error }, 'queue error'));

  return {
    /** Adds the job, its image first; resolves once Redis has both. */
    async publish(job: JobMessage): Promise<void> {
      if (connection.status !== 'ready') throw queueUnavailable('The job queue (Redis) cannot be reached; try again shortly.');
      const { id: _id, image: _image, ...data } = job;
      const add = async () => {
        // The image first: a worker may take the job the moment it is added.
        await images.write(job.id, job.image);
        // The task id is the BullMQ job id, so a publish retried after a lost answer adds no second job.
        await queue.add('ocr', data, { jobId: job.id });
        // BullMQ writes on this connection: the job and its image must outlive a failover of the primary.
        await awaitReplicas(connection, replicaAcks);
      };
      try {
        await withinTime(add(), publishTimeoutMs, () => queueUnavailable('The job queue did not answer in time; try again shortly.'));
      } catch (error) {
        // The add may still land (an answer that came too late): its image stays for such a job, then expires.
        void images.keepForLateJob(job.id).catch(() => undefined);
        throw asUnavailable(error, 'The job queue (Redis) cannot be reached; try again shortly.');
      }
    },

    /** Whether the queue still has the job to run. */
    async holds(id: string): Promise<boolean> {
      try {
        const job = await withinTime(queue.getJob(id), publishTimeoutMs, () => queueUnavailable('The job queue (Redis) does not answer.'));
        return job !== undefined && UNFINISHED_STATES.has(await job.getState());
      } catch (error) {
        throw asUnavailable(error, 'The job queue (Redis) cannot be reached.');
      }
    },

    /** Throws QUEUE_UNAVAILABLE when Redis does not answer. */
    async ping(): Promise<void> {
      try {
        await withinTime(connection.ping(), 2_000, () => queueUnavailable('The job queue (Redis) does not answer.'));
      } catch (error) {
        throw asUnavailable(error, 'The job queue (Redis) cannot be reached.');
      }
    },

    /** Lets go of Redis. */
    async close(): Promise<void> {
      await queue.close().catch(() => undefined);
      await connection.quit().catch(() => connection.disconnect());
    },
  };
}
