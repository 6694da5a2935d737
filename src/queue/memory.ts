import type { JobMessage } from '../job.js';
import { recordDeadLetter } from './dead-letters.js';
import { decideDelivery, deliveryOf, deliveryPolicy, type DeliveryPolicyOptions, type DeliveryResult } from './delivery-policy.js';
import { queueUnavailable, type ConsumeOptions, type JobHandler, type JobQueue } from './job-queue.js';

export type MemoryQueueOptions = DeliveryPolicyOptions;

interface Pending {
  job: JobMessage;
  attempt: number;
}

/**
 * The embedded queue for `MODE=all`: jobs live in this process only, so they survive nothing
 * but are delivered in order, with the same retry and dead-letter rules as the brokers.
 */
export function createMemoryQueue(options: MemoryQueueOptions): JobQueue {
  const policy = deliveryPolicy(options);
  const pending: Pending[] = [];
  /** Jobs waiting out their retry delay. */
  const retrying = new Map<NodeJS.Timeout, Pending>();
  const inFlight = new Map<Promise<void>, string>();
  let consumer: ({ handler: JobHandler } & ConsumeOptions) | undefined;
  let closed = false;
  let outagesInARow = 0;
  let pausedUntil = 0;
  const stopping = new AbortController();

  const settle = async ({ job, attempt }: Pending, result: DeliveryResult, onDeadLetter: ConsumeOptions['onDeadLetter']): Promise<void> => {
    const decision = decideDelivery(policy, { attempt, outagesInARow }, result);
    outagesInARow = decision.outagesInARow;
    const { outcome } = decision;
    switch (outcome.kind) {
      case 'acknowledge':
        return;
      case 'outage':
        // Back at the head: the job keeps its turn while deliveries pause.
        pending.unshift({ job, attempt: outcome.attempt });
        pausedUntil = Date.now() + outcome.pauseMs;
        return;
      case 'retry': {
        const next = { job, attempt: outcome.attempt };
        const timer = setTimeout(() => {
          retrying.delete(timer);
          pending.push(next);
          pump();
        }, outcome.delayMs);
        retrying.set(timer, next);
        return;
      }
      case 'dead-letter':
        // Jobs in this process end with it: a dead letter not recorded by then has nowhere to go.
        await recordDeadLetter(onDeadLetter, job, outcome.reason, { stopping: stopping.signal });
    }
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
      const run = handler(next.job, deliveryOf(next.attempt, policy))
        .then(
          (): DeliveryResult => ({ kind: 'resolved' }),
          (error: unknown): DeliveryResult => ({ kind: 'threw', error }),
        )
        .then((result) => settle(next, result, onDeadLetter))
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
