import { backoffDelay, createBackoffRun, type Backoff } from '../backoff.js';
import { isOutage } from '../errors.js';
import type { JobMessage } from '../job.js';
import { recordDeadLetter } from './dead-letters.js';
import { queueUnavailable, type ConsumeOptions, type JobHandler, type JobQueue } from './job-queue.js';

export interface MemoryQueueOptions {
  maxAttempts: number;
  /** How long a failed job waits before it is delivered again: doubling with each attempt, with jitter. */
  retryBackoff?: Backoff;
  /** How long delivery pauses after a handler met an outage, growing while outages go on. */
  outageBackoff?: Backoff;
}

interface Pending {
  job: JobMessage;
  attempt: number;
}

/**
 * The embedded queue for `MODE=all`: jobs live in this process only, so they survive nothing
 * but are delivered in order, with the same retry and dead-letter rules as the brokers.
 */
export function createMemoryQueue({
  maxAttempts,
  retryBackoff = { initialMs: 1_000, maxMs: 30_000 },
  outageBackoff = { initialMs: 100, maxMs: 5_000 },
}: MemoryQueueOptions): JobQueue {
  const pending: Pending[] = [];
  /** Jobs waiting out their retry delay. */
  const retrying = new Map<NodeJS.Timeout, Pending>();
  const inFlight = new Map<Promise<void>, string>();
  let consumer: ({ handler: JobHandler } & ConsumeOptions) | undefined;
  let closed = false;
  const outagePauses = createBackoffRun(outageBackoff);
  let pausedUntil = 0;
  const stopping = new AbortController();

  const settle = async ({ job, attempt }: Pending, error: unknown, onDeadLetter: ConsumeOptions['onDeadLetter']): Promise<void> => {
    if (isOutage(error)) {
      // Back at the head, same attempt; deliveries pause a while instead of spinning through the outage.
      pending.unshift({ job, attempt });
      pausedUntil = Date.now() + outagePauses.next();
      return;
    }
    outagePauses.reset();
    if (attempt < maxAttempts) {
      const timer = setTimeout(
        () => {
          retrying.delete(timer);
          pending.push({ job, attempt: attempt + 1 });
          pump();
        },
        backoffDelay(attempt, retryBackoff),
      );
      retrying.set(timer, { job, attempt: attempt + 1 });
    }
    // Jobs in this process end with it: a dead letter not recorded by then has nowhere to go.
    else await recordDeadLetter(onDeadLetter, job, error, { stopping: stopping.signal });
  };

  let wakeUp: NodeJS.Timeout | undefined;
  const pump = (): void => {
    const pausedForMs = pausedUntil - Date.now();
    if (pausedForMs > 0) {
      // A timer can fire a little before Date.now() reaches its end (the event loop's clock is read once per turn):
      // each wake-up that comes early waits out the rest, so a paused queue always resumes.
      wakeUp ??= setTimeout(() => {
        wakeUp = undefined;
        pump();
      }, Math.ceil(pausedForMs)).unref();
      return;
    }
    while (consumer && inFlight.size < consumer.concurrency && pending.length > 0) {
      const next = pending.shift()!;
      const { handler, onDeadLetter } = consumer;
      const run = handler(next.job, { attempt: next.attempt, finalAttempt: next.attempt >= maxAttempts })
        .then(
          () => outagePauses.reset(),
          (error: unknown) => settle(next, error, onDeadLetter),
        )
        .finally(() => {
          inFlight.delete(run);
          pump();
        });
      inFlight.set(run, next.job.id);
    }
  };

  const drain = async (): Promise<void> => {
    while (inFlight.size > 0) await Promise.allSettled([...inFlight.keys()]);
  };

  return {
    async publish(job) {
      if (closed) throw queueUnavailable('The job queue is shutting down; try again shortly.');
      pending.push({ job, attempt: 1 });
      // Deliver on a later tick so publish() never runs the handler inside the caller's stack.
      setImmediate(pump);
    },
    async consume(handler, options: ConsumeOptions) {
      consumer = { handler, ...options };
      pump();
    },
    async stopConsuming() {
      consumer = undefined;
      await drain();
    },
    async holds(id) {
      return [...pending, ...retrying.values()].some(({ job }) => job.id === id) || [...inFlight.values()].includes(id);
    },
    async ping() {
      if (closed) throw queueUnavailable('The job queue is closed.');
    },
    async close() {
      closed = true;
      consumer = undefined;
      stopping.abort();
      clearTimeout(wakeUp);
      for (const timer of retrying.keys()) clearTimeout(timer);
      retrying.clear();
      await drain();
    },
  };
}
