/** Exponential back-off: the first delay, doubled after each try, never above the ceiling. */
export interface Backoff {
  initialMs: number;
  maxMs: number;
}

/** The longest wait before try `attempt + 1` (attempt counts from 1). */
export function backoffCeiling(attempt: number, { initialMs, maxMs }: Backoff): number {
  return Math.min(maxMs, initialMs * 2 ** Math.max(0, attempt - 1));
}

/**
 * A random wait between half the ceiling and the ceiling ("equal jitter"), so clients that failed together
 * spread out again, yet none comes back sooner than half the planned delay.
 */
function withJitter(ceilingMs: number): number {
  return Math.round(ceilingMs / 2 + (Math.random() * ceilingMs) / 2);
}

/** The wait before try `attempt + 1`, jittered. */
export function backoffDelay(attempt: number, backoff: Backoff): number {
  return withJitter(backoffCeiling(attempt, backoff));
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

export interface RetryOptions {
  backoff: Backoff;
  /** Ends the waits: the operation's last error is thrown instead of trying again. */
  signal?: AbortSignal;
  /** Which errors are worth another try; the others are thrown at once. Every error when absent. */
  retryable?: (error: unknown) => boolean;
  /** Told before each wait, with the try that failed (from 1) and how long the wait is. */
  onRetry?: (error: unknown, tries: number, delayMs: number) => void;
}

/** Runs `operation` until it succeeds, waiting with back-off between tries, for as long as `signal` allows. */
export async function retryWithBackoff<T>(
  operation: () => Promise<T>,
  { backoff, signal, retryable = () => true, onRetry }: RetryOptions,
): Promise<T> {
  for (let tries = 1; ; tries += 1) {
    try {
      return await operation();
    } catch (error) {
      if (!retryable(error) || signal?.aborted) throw error;
      const delay = backoffDelay(tries, backoff);
      onRetry?.(error, tries, delay);
      await sleep(delay, signal);
    }
  }
}
