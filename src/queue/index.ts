import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { JobQueue } from './job-queue.js';
import { createMemoryQueue } from './memory.js';

/** The queue that `QUEUE` names. A broker's client library loads only when it is the one named: a start costs less. */
export async function createJobQueue(config: Config, logger: Logger): Promise<JobQueue> {
  const { kind, amqpUrls, rabbitQueueType, name, maxAttempts, retryBackoff } = config.queue;
  switch (kind) {
    case 'memory':
      return createMemoryQueue({ maxAttempts, retryBackoff });
    case 'rabbitmq':
      return (await import('./rabbitmq/index.js')).createRabbitQueue({
        urls: amqpUrls,
        queueType: rabbitQueueType,
        name,
        maxAttempts,
        retryBackoff,
        logger,
      });
    case 'bullmq':
      return (await import('./bullmq/index.js')).createBullQueue({ ...config.redis, name, maxAttempts, retryBackoff, logger });
  }
}
