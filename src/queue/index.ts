import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { JobQueue } from './job-queue.js';
import { createBullQueue } from './bullmq/index.js';
import { createMemoryQueue } from './memory.js';
import { createRabbitQueue } from './rabbitmq/index.js';

/** The queue that `QUEUE` names. */
export async function createJobQueue(config: Config, logger: Logger): Promise<JobQueue> {
  const { kind, amqpUrls, rabbitQueueType, name, maxAttempts, retryBackoff } = config.queue;
  switch (kind) {
    case 'memory':
      return createMemoryQueue({ maxAttempts, retryBackoff });
    case 'rabbitmq':
      return createRabbitQueue({ urls: amqpUrls, queueType: rabbitQueueType, name, maxAttempts, retryBackoff, logger });
    case 'bullmq':
      return createBullQueue({ ...config.redis, name, maxAttempts, retryBackoff, logger });
  }
}
