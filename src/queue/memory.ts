import { AppError } from '../errors.js';
import type { JobMessage } from '../job.js';
import type { ConsumeOptions, DeadLetterHandler, JobHandler, JobQueue } from './job-queue.js';

export interface MemoryQueueOptions {
  maxAttempts: number;
  /** Receives each job that failed its final attempt. */
  onDeadLetter?: DeadLetterHandler;
}

interface Pending {
  job: JobMessage;
  attempt: number;
}

/**
 * The embedded queue for `MODE=all`: jobs live in this process only, so they survive nothing
 * but are delivered in order, with the same retry and dead-letter rules as the brokers.
 */
export function createMemoryQueue({ maxAttempts, onDeadLetter }: MemoryQueueOptions): JobQueue {
  const pending: Pending[] = [];
  const inFlight = new Set<Promise<void>>();
  let consumer: { handler: JobHandler; concurrency: number } | undefined;
  let closed = false;

  const pump = (): void => {
    while (consumer && inFlight.size < consumer.concurrency && pending.length > 0) {
      const { job, attempt } = pending.shift()!;
      const finalAttempt = attempt >= maxAttempts;
      const run = consumer
        .handler(job, { attempt, finalAttempt })
        .catch(async (error: unknown) => {
          if (finalAttempt) await onDeadLetter?.(job, error);
          else pending.push({ job, attempt: attempt + 1 });
        })
        .finally(() => {
          inFlight.delete(run);
          pump();
        });
      inFlight.add(run);
    }
  };

  const drain = async (): Promise<void> => {
    while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
  };

  return {
    async publish(job) {
      if (closed) throw new AppError('QUEUE_UNAVAILABLE', 'The job queue is shutting down; try again shortly.');
      pending.push({ job, attempt: 1 });
      // Deliver on a later tick so publish() never runs the handler inside the caller's stack.
      setImmediate(pump);
    },
    async consume(handler, { concurrency }: ConsumeOptions) {
      consumer = { handler, concurrency };
      pump();
    },
    async stopConsuming() {
      consumer = undefined;
      await drain();
    },
    async ping() {
      if (closed) throw new AppError('QUEUE_UNAVAILABLE', 'The job queue is closed.');
    },
    async close() {
      closed = true;
      consumer = undefined;
      await drain();
    },
  };
}
