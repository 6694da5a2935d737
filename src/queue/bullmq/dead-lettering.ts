import type { Job, Worker } from 'bullmq';
import type { Logger } from 'pino';
import { recordDeadLetter } from '../dead-letters.js';
import { workerLost } from '../delivery-policy.js';
import type { DeadLetterHandler } from '../job-queue.js';
import { failureReason } from './bull-client.js';
import { toQueuedJob, type JobData } from './job-data.js';

export interface DeadLetteringOptions {
  onDeadLetter?: DeadLetterHandler;
  /** Aborted when the consumer stops: a dead letter not recorded by then is left to the sweep for lost jobs. */
  stopping: AbortSignal;
  /** Keeps the recording in the consumer's work in flight, so stopping waits for it. */
  track: (work: Promise<unknown>) => void;
  log?: Logger;
}

/**
 * Records each job that BullMQ moves to its failed set, which is this queue's dead-letter queue: the job stays
 * there, with its image, for whoever looks at it. A run that failed with an attempt left is retried, not
 * recorded.
 */
export function recordFailedJobs(worker: Worker<JobData>, { onDeadLetter, stopping, track, log }: DeadLetteringOptions): void {
  const record = async (job: Job<JobData>, error: Error): Promise<void> => {
    if ((await job.getState()) !== 'failed') return;
    const reason = failureReason(error) ?? workerLost(job.attemptsMade + job.stalledCounter);
    log?.error({ task_id: job.id, attempts: job.attemptsMade + job.stalledCounter }, 'job exhausted its attempts; kept in the failed set');
    await recordDeadLetter(onDeadLetter, toQueuedJob(job), reason, { stopping, log });
  };
  worker.on('failed', (job, error) => {
    if (!job) return;
    track(
      record(job, error).catch((stateError: unknown) => log?.warn({ err: stateError, task_id: job.id }, 'could not read the state of a failed job')),
    );
  });
}
