import { DelayedError, Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { DeliveryOutcome, DeliveryPolicy } from '../delivery-policy.js';
import type { BullLocation, JobData } from './job-data.js';

/** The name of the back-off strategy that jobs are added with; the worker's `backoffStrategy` implements it. */
const RETRY_BACKOFF = 'jittered-exponential';

/** A failed run that BullMQ retries after the delivery policy's delay, counting the attempt. */
class RetryAfter extends Error {
  constructor(
    readonly reason: unknown,
    readonly delayMs: number,
  ) {
    super(messageOf(reason));
    this.name = 'RetryAfter';
  }
}

/** A failed run with no attempt left: BullMQ moves the job to its failed set at once (as any UnrecoverableError). */
class DeadLetter extends UnrecoverableError {
  constructor(readonly reason: unknown) {
    super(messageOf(reason));
  }
}

/** What BullMQ records as the failed reason of a job: the error's own message. */
function messageOf(reason: unknown): string {
  return reason instanceof Error ? reason.message : String(reason);
}

/** The BullMQ queue that jobs are added to; attempts are the delivery policy's, as a backstop to it. */
export function openQueue(connection: Redis, { prefix, name }: BullLocation, { maxAttempts }: Pick<DeliveryPolicy, 'maxAttempts'>): Queue<JobData> {
  return new Queue<JobData>(name, {
    connection,
    prefix,
    skipWaitingForReady: true,
    defaultJobOptions: {
      attempts: maxAttempts,
      backoff: { type: RETRY_BACKOFF },
      // Results live in the stores; a finished BullMQ job is only kept while it failed for good.
      removeOnComplete: true,
      removeOnFail: false,
    },
  });
}

export interface WorkerOptions {
  concurrency: number;
  /** How long a worker's lock on a job lasts without renewal: a dead worker's job is taken back after about this long. */
  lockDurationMs: number;
}

/**
 * A BullMQ worker that runs `processor` on each job. A job taken back from a worker that died was stalled; that
 * run spends an attempt too, so BullMQ fails a job that stalled on every attempt.
 */
export function openWorker(
  connection: Redis,
  { prefix, name }: BullLocation,
  processor: (job: Job<JobData>, token?: string) => Promise<void>,
  { maxAttempts }: Pick<DeliveryPolicy, 'maxAttempts'>,
  { concurrency, lockDurationMs }: WorkerOptions,
): Worker<JobData> {
  return new Worker<JobData>(name, processor, {
    connection,
    prefix,
    concurrency,
    settings: { backoffStrategy: (_attemptsMade: number, _type?: string, error?: Error) => (error instanceof RetryAfter ? error.delayMs : 0) },
    lockDuration: lockDurationMs,
    stalledInterval: Math.max(1_000, Math.round(lockDurationMs / 3)),
    maxStalledCount: maxAttempts - 1,
  });
}

/** The attempt a run of a job is: every earlier run that threw or stalled spent one; a job handed back after an outage spent none. */
export const attemptOf = (job: Job<JobData>): number => job.attemptsMade + job.stalledCounter + 1;

/**
 * Carries out the delivery policy's outcome of a run whose handler threw, in the only way a BullMQ processor
 * can: by what it throws. An outage moves the job to the delayed set without counting the attempt; without the
 * job's lock that cannot be done, and the run is retried as a failure after the same pause.
 */
export async function settleFailedRun(
  job: Job<JobData>,
  token: string | undefined,
  outcome: Exclude<DeliveryOutcome, { kind: 'acknowledge' }>,
  error: unknown,
): Promise<never> {
  switch (outcome.kind) {
    case 'outage': {
      const moved =
        token !== undefined &&
        (await job.moveToDelayed(Date.now() + outcome.pauseMs, token).then(
          () => true,
          () => false,
        ));
      if (moved) throw new DelayedError();
      throw new RetryAfter(error, outcome.pauseMs);
    }
    case 'retry':
      throw new RetryAfter(error, outcome.delayMs);
    case 'dead-letter':
      throw new DeadLetter(outcome.reason);
  }
}

/**
 * Why a job failed, as its run told BullMQ; undefined when BullMQ failed the job itself (it stalled on every
 * attempt, its worker dying under it each time).
 */
export function failureReason(error: Error): unknown {
  return error instanceof RetryAfter || error instanceof DeadLetter ? error.reason : undefined;
}
