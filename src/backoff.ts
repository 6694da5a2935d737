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
export function withJitter(ceilingMs: number): number {
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
