import type { JobMessage } from '../job.js';

export interface Delivery {
  /** 1 on the first delivery, counting up with each retry. */
  attempt: number;
  /** True when a failure now sends the job to the dead letters instead of back to the queue. */
  finalAttempt: boolean;
}

/**
 * Handles one job. Resolving acknowledges it (the result must already be stored);
 * throwing hands it back for a retry, or dead-letters it on the final attempt.
 */
export type JobHandler = (job: JobMessage, delivery: Delivery) => Promise<void>;

/**
 * Called once a job has failed its final attempt and left the queue (to record the failure, say). Queues
 * that run it inside their delivery await it, so shutdown waits for it too.
 */
export type DeadLetterHandler = (job: JobMessage, error: unknown) => void | Promise<void>;

export interface ConsumeOptions {
  /** How many jobs this consumer runs at once. */
  concurrency: number;
}

/** The seam between the API, which publishes jobs, and the workers, which consume them. */
export interface JobQueue {
  /** Resolves once the queue has durably accepted the job; throws AppError QUEUE_UNAVAILABLE otherwise. */
  publish(job: JobMessage): Promise<void>;
  /** Starts delivering jobs to the handler, never more than `concurrency` at once. */
  consume(handler: JobHandler, options: ConsumeOptions): Promise<void>;
  /** Stops taking new jobs and waits until every job in flight has been acknowledged or handed back. */
  stopConsuming(): Promise<void>;
  /** Throws when the queue cannot take jobs now (for readiness checks). */
  ping(): Promise<void>;
  /** Stops consuming and releases every connection. Safe to call more than once. */
  close(): Promise<void>;
}
