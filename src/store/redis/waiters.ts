import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { isTerminal, type JobRecord, type JobStatus } from '../../job.js';
import { withinTime } from '../../time-limit.js';
import { storeUnavailable } from './unavailable.js';

export interface WaitersOptions {
  /** The channel every state change is published on, as "<id> <status>". */
  channel: string;
  /** Opens the subscriber connection; called once, on the first subscription. */
  connect: () => Redis;
  /** The job's record as it is now. */
  get: (id: string) => Promise<JobRecord | undefined>;
  /** How long a subscription may take before a wait goes on without it. */
  subscribeTimeoutMs: number;
  logger?: Logger;
}

interface Waiter {
  settle: (record: JobRecord | undefined) => void;
  fail: (error: Error) => void;
}

/**
 * The waits of `waitFor`, by job id, woken as soon as a worker anywhere finishes the job: pub/sub on one
 * subscriber connection. A wait that misses its message still ends at its timeout, with the job's state then.
 */
export function createWaiters({ channel, connect, get, subscribeTimeoutMs, logger }: WaitersOptions) {
  const waiters = new Map<string, Set<Waiter>>();
  let subscriber: Redis | undefined;
  let subscribed: Promise<unknown> | undefined;

  /** Settles the waits on a job that has ended or is gone; a job still running keeps them waiting. */
  const wake = (id: string): void => {
    const waiting = waiters.get(id);
    if (!waiting) return;
    get(id).then(
      (record) => {
        if (record && !isTerminal(record.status)) return;
        for (const waiter of waiting) waiter.settle(record);
      },
      (error: unknown) => logger?.debug({ err: error, task_id: id }, 'could not read a job after its change'),
    );
  };

  /** Looks again at every job waited on, for changes whose messages may have been lost. */
  const wakeAll = (): void => {
    for (const id of waiters.keys()) wake(id);
  };

  /** Subscribes to the change messages, once; rejects with STORE_UNAVAILABLE when that takes too long. */
  const subscribe = (): Promise<unknown> => {
    if (!subscriber) {
      // Subscribing may wait for a connection.
      subscriber = connect();
      subscriber.on('error', () => undefined);
      subscriber.on('message', (_channel: string, message: string) => {
        const space = message.lastIndexOf(' ');
        const status = message.slice(space + 1) as JobStatus | 'deleted';
        if (status === 'deleted' || isTerminal(status)) wake(message.slice(0, space));
      });
      // A reconnected subscriber subscribes again (the connection is made not to do it itself); messages published
      // while it was disconnected are lost: look again at every job waited on (the store's own connection does the
      // same when it is the one that comes back last).
      let first = true;
      const reconnected = subscriber;
      reconnected.on('ready', () => {
        if (!first) {
          reconnected.subscribe(channel).then(wakeAll, (error: unknown) => logger?.debug({ err: error }, 'change notifications not renewed yet'));
        }
        first = false;
      });
    }
    subscribed ??= subscriber.subscribe(channel).then(
      // Jobs may have ended before the subscription took: look once at everything waited on.
      wakeAll,
      (error: unknown) => {
        subscribed = undefined;
        throw error;
      },
    );
    return withinTime(subscribed, subscribeTimeoutMs, () => storeUnavailable(new Error(`no answer from Redis within ${subscribeTimeoutMs} ms`)));
  };

  return {
    subscribe,
    wakeAll,

    /** Resolves when the job ends or is deleted, or after `timeoutMs` with its state then. */
    async wait(id: string, timeoutMs: number): Promise<JobRecord | undefined> {
      // Without notifications (a slow or new subscriber connection) the wait still ends, at its timeout, with
      // the job's state then: only the early wake-up is lost, so this is no reason to answer 503.
      await subscribe().catch((error: unknown) => logger?.debug({ err: error, task_id: id }, 'waiting without change notifications'));
      return new Promise<JobRecord | undefined>((resolve, reject) => {
        let waiting = waiters.get(id);
        if (!waiting) waiters.set(id, (waiting = new Set()));
        const done = () => {
          clearTimeout(timer);
          waiting.delete(waiter);
          if (waiting.size === 0 && waiters.get(id) === waiting) waiters.delete(id);
        };
        const waiter: Waiter = {
          settle: (record) => {
            done();
            resolve(record);
          },
          fail: (error) => {
            done();
            reject(error);
          },
        };
        const timer = setTimeout(
          () => void get(id).then(waiter.settle, (error: unknown) => waiter.fail(error instanceof Error ? error : storeUnavailable(error))),
          timeoutMs,
        );
        waiting.add(waiter);
        // The job may have finished between the first read and the subscription: look once more.
        wake(id);
      });
    },

    /** Fails every wait with `error` and drops the subscriber connection. */
    close(error: Error): void {
      for (const waiting of waiters.values()) for (const waiter of waiting) waiter.fail(error);
      waiters.clear();
      // The subscriber holds nothing to flush, and its offline queue would keep a QUIT waiting for ever
      // while Redis is unreachable: drop it.
      subscriber?.disconnect();
    },
  };
}
