import { AppError } from '../errors.js';
import type { JobMessage, QueuedJob } from '../job.js';

export interface Delivery {
  /** 1 on the first delivery, counting up with each retry. */
  attempt: number;
  /** True when a failure now sends the job to the dead letters instead of back to the queue. */
  finalAttempt: boolean;
}

/**
 * Handles one job. Resolving acknowledges it (the result must already be stored); throwing hands it back
 * for a retry, or dead-letters it on the final attempt. Throwing an outage error (`isOutage`: Redis or the
 * broker unreachable) hands it back without counting the attempt.
 */
export type JobHandler = (job: JobMessage, delivery: Delivery) => Promise<void>;

/**
 * Records a job that is leaving the queue for good with no attempt left (to fail its task, say). The queue
 * awaits it before the job leaves: when it throws, the job stays in the queue and comes back to it later,
 * so nothing reaches the dead letters unrecorded.
 */
export type DeadLetterHandler = (job: QueuedJob, error: unknown) => Promise<void>;

export interface ConsumeOptions {
  /** How many jobs this consumer runs at once. */
  concurrency: number;
  onDeadLetter?: DeadLetterHandler;
}

/** The seam between the API, which publishes jobs, and the workers, which consume them. */
export interface JobQueue {
  /** Resolves once the queue has durably accepted the job; throws AppError QUEUE_UNAVAILABLE otherwise. */
  publish(job: JobMessage): Promise<void>;
  /** Starts delivering jobs to the handler, never more than `concurrency` at once. */
  consume(handler: JobHandler, options: ConsumeOptions): Promise<void>;
  /** Stops taking new jobs and waits until every job in flight has been acknowledged or handed back. */
  stopConsuming(): Promise<void>;
  /**
   * Whether the queue still holds the job (waiting, waiting to be retried, or being worked on): false when
   * it surely does not, undefined when it cannot tell. Throws QUEUE_UNAVAILABLE when unreachable.
   */
  holds(id: string): Promise<boolean | undefined>;
  /** Throws when the queue cannot take jobs now (for readiness checks). */
  ping(): Promise<void>;
  /** Stops consuming and releases every connection. Safe to call more than once. */
  close(): Promise<void>;
}

/** The error every queue throws when it cannot take or hand out jobs now: an outage, which spends no attempt. */
export function queueUnavailable(message: string, cause?: unknown): AppError {
  return new AppError('QUEUE_UNAVAILABLE', message, { cause });
}
