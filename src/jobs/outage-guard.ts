import type { Logger } from 'pino';
import { retryWithBackoff, type Backoff } from '../backoff.js';
import { isOutage } from '../errors.js';

export interface OutageGuard {
  /**
   * Runs `operation`; while it fails because a dependency is unreachable, waits with back-off and runs it
   * again, until it succeeds or the guard is released. Other errors are thrown at once.
   */
  retry<T>(operation: () => Promise<T>, log?: Logger): Promise<T>;
  /** Ends every wait: an operation still meeting an outage throws it from now on (at shutdown). */
  release(): void;
}

/**
 * Keeps a job's work through an outage of the store: a worker that has read a page does not throw the text
 * away because Redis is restarting, and a job that has not started waits (holding its slot, so the worker
 * takes nothing new) instead of spending an attempt. The job resumes by itself when the store answers.
 */
export function createOutageGuard({ backoff = { initialMs: 200, maxMs: 5_000 }, logger }: { backoff?: Backoff; logger?: Logger } = {}): OutageGuard {
  const released = new AbortController();
  return {
    retry(operation, log = logger) {
      return retryWithBackoff(operation, {
        backoff,
        signal: released.signal,
        retryable: isOutage,
        onRetry: (error, tries, delayMs) => {
          if (tries === 1) log?.warn({ err: error }, 'a dependency is unreachable; the job waits for it');
          else log?.debug({ retry_in_ms: delayMs }, 'still waiting for a dependency');
        },
      });
    },
    release() {
      released.abort();
    },
  };
}
