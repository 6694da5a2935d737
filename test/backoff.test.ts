import { describe, expect, it } from 'vitest';
import { backoffCeiling, backoffDelay } from '../src/backoff.js';

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
