import { backoffDelay, type Backoff } from '../backoff.js';
import { AppError, isOutage } from '../errors.js';
import type { Delivery } from './job-queue.js';

/** The rules every queue delivers by, whatever carries its jobs. */
export interface DeliveryPolicy {
  /** How many times a job is run before it is dead-lettered; at least 1. */
  maxAttempts: number;
  /** How long a job whose attempt failed waits before the next one: doubling with each attempt, with jitter. */
  retryBackoff: Backoff;
  /** How long a consumer pauses after a handler met an outage, growing while outages go on. */
  outageBackoff: Backoff;
}

/**
 * How many times a broker may take one message back from consumers that never settled it before it dead-letters the
 * message itself (the delivery limit of RabbitMQ's quorum queues): the backstop behind the attempts. Every queue
 * settles each delivery itself and sends a job that must run again as a new message, so a message comes back at
 * most once while workers run; coming back this often means no worker can settle it. Fixed rather than
 * `maxAttempts`, because a queue's limit cannot change once the queue exists.
 */
export const BROKER_DELIVERY_LIMIT = 10;

/** The options a queue takes for its policy: the back-offs are optional. */
export type DeliveryPolicyOptions = Pick<DeliveryPolicy, 'maxAttempts'> & Partial<DeliveryPolicy>;

/**
 * The policy of a queue, with the usual back-offs where none is given: retries soon enough that a passing fault
 * costs little, yet far enough apart that a job which keeps failing does not crowd out the others.
 */
export function deliveryPolicy({
  maxAttempts,
  retryBackoff = { initialMs: 1_000, maxMs: 30_000 },
  outageBackoff = { initialMs: 200, maxMs: 5_000 },
}: DeliveryPolicyOptions): DeliveryPolicy {
  return { maxAttempts, retryBackoff, outageBackoff };
}

/** How one delivery of a job ended. */
export type DeliveryResult =
  | { kind: 'resolved' }
  | { kind: 'threw'; error: unknown }
  /** The worker running it went away before it acknowledged or handed the job back. */
  | { kind: 'lost' };

/** What the queue does with the job next. */
export type DeliveryOutcome =
  | { kind: 'acknowledge' }
  /** Deliver it again as `attempt` (the next one) once `delayMs` have passed. */
  | { kind: 'retry'; attempt: number; delayMs: number }
  /** No attempt is left: record the job as failed for `reason`, then let it leave the queue. */
  | { kind: 'dead-letter'; reason: unknown }
  /** A dependency is down: hand the job back as the same `attempt`, and take no work for `pauseMs`. */
  | { kind: 'outage'; attempt: number; pauseMs: number };

export interface DeliveryState {
  /** 1 on the first delivery, counting up with each attempt spent. */
  attempt: number;
  /** How many deliveries in a row, on this consumer, met an outage before this one. */
  outagesInARow: number;
}

/** What the handler of delivery `attempt` is told about it. */
export function deliveryOf(attempt: number, { maxAttempts }: Pick<DeliveryPolicy, 'maxAttempts'>): Delivery {
  return { attempt, finalAttempt: attempt >= maxAttempts };
}

/** The reason a job is dead-lettered when the workers running it kept going away. */
export function workerLost(attempts: number): AppError {
  return new AppError('WORKER_LOST', `The worker running this job stopped before finishing it, on each of ${attempts} attempts.`);
}

/**
 * Decides what becomes of a job after one delivery, and how many outages in a row the consumer has met since.
 *
 * An outage (`isOutage`) is nobody's job's fault, so it spends no attempt: the job goes back as it was, and the
 * consumer pauses for longer with each outage in a row instead of spinning through it. Any other failure spends
 * the attempt: the job comes back after a back-off that grows with each attempt, until none is left and it is
 * dead-lettered. A delivery lost with its worker spends its attempt too (a job that kills its worker must not
 * loop for ever), but comes back at once: the broker already took a while to notice.
 */
export function decideDelivery(
  policy: DeliveryPolicy,
  { attempt, outagesInARow }: DeliveryState,
  result: DeliveryResult,
): { outcome: DeliveryOutcome; outagesInARow: number } {
  if (result.kind === 'threw' && isOutage(result.error)) {
    const outages = outagesInARow + 1;
    return { outcome: { kind: 'outage', attempt, pauseMs: backoffDelay(outages, policy.outageBackoff) }, outagesInARow: outages };
  }
  // Any delivery that did not meet an outage ends a run of them.
  return { outcome: outcomeOf(policy, attempt, result), outagesInARow: 0 };
}

function outcomeOf(policy: DeliveryPolicy, attempt: number, result: DeliveryResult): DeliveryOutcome {
  switch (result.kind) {
    case 'resolved':
      return { kind: 'acknowledge' };
    case 'lost':
      return attempt >= policy.maxAttempts
        ? { kind: 'dead-letter', reason: workerLost(attempt) }
        : { kind: 'retry', attempt: attempt + 1, delayMs: 0 };
    case 'threw':
      return attempt >= policy.maxAttempts
        ? { kind: 'dead-letter', reason: result.error }
        : { kind: 'retry', attempt: attempt + 1, delayMs: backoffDelay(attempt, policy.retryBackoff) };
  }
}
