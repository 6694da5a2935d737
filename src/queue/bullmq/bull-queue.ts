import type { Logger } from 'pino';
import type { RedisEndpoint } from '../../redis-connection.js';
import { deliveryPolicy, type DeliveryPolicyOptions } from '../delivery-policy.js';
import { queueUnavailable, type JobQueue } from '../job-queue.js';
import { startConsumer, type Consumer } from './consumer.js';
import { startProducer } from './producer.js';

export interface BullQueueOptions extends DeliveryPolicyOptions, RedisEndpoint {
  /** The BullMQ queue name (no `:`). */
  name: string;
  /** The service's Redis key prefix (`REDIS_KEY_PREFIX`); BullMQ's keys go under `<prefix>bull:<name>:`. */
  keyPrefix: string;
  logger?: Logger;
  /** A publish without an answer from Redis after this long fails with QUEUE_UNAVAILABLE. */
  publishTimeoutMs?: number;
  /** How long a worker's lock on a job lasts without renewal: a dead worker's job is taken back after about this long. */
  lockDurationMs?: number;
  /** How long start-up waits for Redis before going on without it. */
  connectTimeoutMs?: number;
}

/**
 * The BullMQ queue, for deployments that run Redis alone. Publishing fails at once with QUEUE_UNAVAILABLE
 * while Redis is down. Retries, outages and dead letters follow the delivery policy, carried out by BullMQ:
 * a job whose worker died is taken back when its lock expires, and that counts as an attempt; jobs with no
 * attempt left stay in BullMQ's failed set, its dead-letter queue, with their images.
 */
export async function createBullQueue(options: BullQueueOptions): Promise<JobQueue> {
  const {
    url,
    sentinel,
    replicaAcks,
    name,
    keyPrefix,
    logger,
    publishTimeoutMs = 5_000,
    lockDurationMs = 15_000,
    connectTimeoutMs = 5_000,
  } = options;
  if (name.includes(':')) throw new Error(`QUEUE_NAME=${name}: BullMQ queue names cannot contain ":".`);
  const policy = deliveryPolicy(options);
  const prefix = `${keyPrefix}bull`;
  const log = logger?.child({ queue: name });
  const producer = await startProducer({ url, sentinel, replicaAcks, prefix, name, policy, publishTimeoutMs, connectTimeoutMs, log });

  let consumer: Consumer | undefined;
  let closed = false;
  let closing: Promise<void> | undefined;

  const jobQueue: JobQueue = {
    async publish(job) {
      if (closed) throw queueUnavailable('The job queue is shutting down; try again shortly.');
      await producer.publish(job);
    },

    async consume(handler, consumeOptions) {
      if (closed) throw queueUnavailable('The job queue is closed.');
      if (consumer) throw new Error('This queue is already consuming; call stopConsuming() first.');
      consumer = startConsumer(handler, consumeOptions, { url, sentinel, prefix, name, policy, lockDurationMs, connectTimeoutMs, log });
      await consumer.started();
    },

    async stopConsuming() {
      const current = consumer;
      if (!current) return;
      await current.stop();
      if (consumer === current) consumer = undefined;
    },

    holds: (id) => producer.holds(id),

    async ping() {
      if (closed) throw queueUnavailable('The job queue is closed.');
      await producer.ping();
      if (consumer && !consumer.connected()) throw queueUnavailable('The worker lost its connection to the job queue (Redis).');
    },

    close() {
      closing ??= (async () => {
        closed = true;
        await jobQueue.stopConsuming();
        await producer.close();
      })();
      return closing;
    },
  };
  return jobQueue;
}
