import type { Logger } from 'pino';
import { retryWithBackoff, type Backoff } from '../backoff.js';
import type { QueuedJob } from '../job.js';
import type { DeadLetterHandler } from './job-queue.js';

/**
 * Runs the consumer's dead-letter handler until it succeeds, waiting with back-off between tries, so a job
 * that used up its attempts while the store was down is still recorded once it is back. Answers false only
 * when `stopping` aborted first: the caller then keeps the job where it can be found again.
 */
export async function recordDeadLetter(
  onDeadLetter: DeadLetterHandler | undefined,
  job: QueuedJob,
  error: unknown,
  { stopping, backoff = { initialMs: 200, maxMs: 5_000 }, log }: { stopping: AbortSignal; backoff?: Backoff; log?: Logger },
): Promise<boolean> {
  return retryWithBackoff(async () => onDeadLetter?.(job, error), {
    backoff,
    signal: stopping,
    onRetry: (recordError, tries) => {
      if (tries === 1) log?.warn({ err: recordError, task_id: job.id }, 'could not record a job that used up its attempts; trying again');
    },
  }).then(
    () => true,
    () => false,
  );
}
