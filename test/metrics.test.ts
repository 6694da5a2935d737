import { describe, expect, it } from 'vitest';
import { createMetrics } from '../src/metrics.js';

describe('process metrics', () => {
  it("still catch a stall of the event loop, sampling its delay less often than prom-client's default", async () => {
    const { registry } = createMetrics();
    // Let the sampler start, then hold the loop for 150 ms: longer than the sampling period, so a sample falls in it.
    await new Promise((resolve) => setTimeout(resolve, 120));
    const stalledUntil = Date.now() + 150;
    while (Date.now() < stalledUntil) {
      // a stall of the event loop
    }
    await new Promise((resolve) => setTimeout(resolve, 120));
    const metrics = await registry.metrics();
    const maxLag = Number(/^ocr_nodejs_eventloop_lag_max_seconds (\S+)$/m.exec(metrics)?.[1]);
    expect(maxLag).toBeGreaterThanOrEqual(0.09);
    expect(maxLag).toBeLessThan(1);
  });
});
