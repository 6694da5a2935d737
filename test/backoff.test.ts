import { describe, expect, it } from 'vitest';
import { backoffCeiling, backoffDelay, retryWithBackoff } from '../src/backoff.js';

describe('exponential back-off with jitter', () => {
  const backoff = { initialMs: 1_000, maxMs: 30_000 };

  it('doubles from the first delay and stops at the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 20].map((attempt) => backoffCeiling(attempt, backoff))).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000,
    ]);
  });

  it('waits between half the ceiling and the ceiling, spread out', () => {
    const delays = Array.from({ length: 200 }, () => backoffDelay(3, backoff));
    for (const delay of delays) {
      expect(delay).toBeGreaterThanOrEqual(2_000);
      expect(delay).toBeLessThanOrEqual(4_000);
    }
    expect(new Set(delays).size).toBeGreaterThan(50);
  });
});

describe('retrying with back-off', () => {
  const backoff = { initialMs: 5, maxMs: 20 };

  it('runs the operation until it succeeds, telling each failed try', async () => {
    let tries = 0;
    const told: number[] = [];
    const answer = await retryWithBackoff(
      async () => {
        tries += 1;
        if (tries < 3) throw new Error('not yet');
        return 'done';
      },
      { backoff, onRetry: (_error, failedTry) => told.push(failedTry) },
    );
    expect(answer).toBe('done');
    expect(told).toEqual([1, 2]);
  });

  it('throws at once an error not worth another try, and the last error once the signal aborts', async () => {
    await expect(retryWithBackoff(() => Promise.reject(new Error('bad input')), { backoff, retryable: () => false })).rejects.toThrow('bad input');
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 30);
    await expect(retryWithBackoff(() => Promise.reject(new Error('still down')), { backoff, signal: stop.signal })).rejects.toThrow('still down');
  });
});
