import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { DeadLetterHandler, JobQueue } from './job-queue.js';
import { createBullQueue } from './bullmq.js';
import { createMemoryQueue } from './memory.js';
import { createRabbitQueue } from './rabbitmq.js';

export interface QueueHooks {
  onDeadLetter?: DeadLetterHandler;
}

/** The queue that `QUEUE` names. */
export async function createJobQueue(config: Config, logger: Logger, hooks: QueueHooks = {}): Promise<JobQueue> {
  switch (config.queue.kind) {
    case 'memory':
      return createMemoryQueue({
        maxAttempts: config.queue.maxAttempts,
        onDeadLetter: async (job, error) => {
          logger.error({ task_id: job.id, err: error }, 'job exhausted its attempts');
          await hooks.onDeadLetter?.(job, error);
        },
      });
    case 'rabbitmq':
      return createRabbitQueue({
        url: config.queue.amqpUrl,
        name: config.queue.name,
        maxAttempts: config.queue.maxAttempts,
        logger,
        onDeadLetter: hooks.onDeadLetter,
      });
    case 'bullmq':
      return createBullQueue({
        url: config.redis.url,
        name: config.queue.name,
        keyPrefix: config.redis.keyPrefix,
        maxAttempts: config.queue.maxAttempts,
        logger,
        onDeadLetter: hooks.onDeadLetter,
      });
  }
}
