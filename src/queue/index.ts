import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { JobQueue } from './job-queue.js';
import { createMemoryQueue } from './memory.js';

/** The queue that `QUEUE` names. */
export async function createJobQueue(config: Config, logger: Logger): Promise<JobQueue> {
  switch (config.queue.kind) {
    case 'memory':
      return createMemoryQueue({
        maxAttempts: config.queue.maxAttempts,
        onDeadLetter: (job, error) => logger.error({ task_id: job.id, err: error }, 'job exhausted its attempts'),
      });
    default:
      throw new Error(`QUEUE=${config.queue.kind} is not available in this build.`);
  }
}
