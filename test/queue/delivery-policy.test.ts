import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.js';
import { decideDelivery, deliveryOf, deliveryPolicy, type DeliveryPolicy } from '../../src/queue/delivery-policy.js';

const policy: DeliveryPolicy = {
  maxAttempts: 3,
  retryBackoff: { initialMs: 1_000, maxMs: 4_000 },
  outageBackoff: { initialMs: 200, maxMs: 800 },
};
const fault = new Error('the engine crashed');
const outage = new AppError('STORE_UNAVAILABLE', 'Redis is restarting.');

describe('the delivery policy', () => {
  it('acknowledges a job whose handler resolved, on any attempt', () => {
    for (const attempt of [1, 2, 3]) {
      expect(decideDelivery(policy, { attempt, outagesInARow: 0 }, { kind: 'resolved' })).toEqual({
        outcome: { kind: 'acknowledge' },
        outagesInARow: 0,
      });
    }
  });

  it('retries a job whose handler threw as the next attempt, while attempts are left', () => {
    for (const attempt of [1, 2]) {
      const { outcome } = decideDelivery(policy, { attempt, outagesInARow: 0 }, { kind: 'threw', error: fault });
      expect(outcome).toMatchObject({ kind: 'retry', attempt: attempt + 1 });
    }
  });

  it('dead-letters a job whose final attempt threw, for the error it threw', () => {
    for (const attempt of [3, 4]) {
      expect(decideDelivery(policy, { attempt, outagesInARow: 0 }, { kind: 'threw', error: fault }).outcome).toEqual({
        kind: 'dead-letter',
        reason: fault,
      });
    }
  });

  it('dead-letters on the first failure when only one attempt is allowed', () => {
    const { outcome } = decideDelivery({ ...policy, maxAttempts: 1 }, { attempt: 1, outagesInARow: 0 }, { kind: 'threw', error: fault });
    expect(outcome).toEqual({ kind: 'dead-letter', reason: fault });
  });

  it('waits before a retry between half the back-off ceiling of the failed attempt and that ceiling, up to the cap', () => {
    const ceilings = { 1: 1_000, 2: 2_000, 5: 4_000 };
    const roomy = { ...policy, maxAttempts: 10 };
    for (const [attempt, ceiling] of Object.entries(ceilings)) {
      const delays = Array.from({ length: 100 }, () => {
        const { outcome } = decideDelivery(roomy, { attempt: Number(attempt), outagesInARow: 0 }, { kind: 'threw', error: fault });
        return outcome.kind === 'retry' ? outcome.delayMs : Number.NaN;
      });
      for (const delay of delays) {
        expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
        expect(delay).toBeLessThanOrEqual(ceiling);
      }
      expect(new Set(delays).size).toBeGreaterThan(10);
    }
  });

  it('hands back a job that met an outage as the same attempt, even the final one, and pauses longer with each outage in a row', () => {
    let outagesInARow = 0;
    const pauses: number[] = [];
    for (let run = 0; run < 4; run += 1) {
      const decision = decideDelivery(policy, { attempt: 3, outagesInARow }, { kind: 'threw', error: outage });
      expect(decision.outcome).toMatchObject({ kind: 'outage', attempt: 3 });
      if (decision.outcome.kind === 'outage') pauses.push(decision.outcome.pauseMs);
      outagesInARow = decision.outagesInARow;
    }
    expect(outagesInARow).toBe(4);
    // Ceilings 200, 400, 800, 800: each pause is at least half its ceiling and at most the ceiling.
    [200, 400, 800, 800].forEach((ceiling, index) => {
      expect(pauses[index]).toBeGreaterThanOrEqual(ceiling / 2);
      expect(pauses[index]).toBeLessThanOrEqual(ceiling);
    });
  });

  it('ends a run of outages with the first delivery that did not meet one', () => {
    expect(decideDelivery(policy, { attempt: 1, outagesInARow: 5 }, { kind: 'resolved' }).outagesInARow).toBe(0);
    expect(decideDelivery(policy, { attempt: 1, outagesInARow: 5 }, { kind: 'threw', error: fault }).outagesInARow).toBe(0);
    expect(decideDelivery(policy, { attempt: 1, outagesInARow: 5 }, { kind: 'lost' }).outagesInARow).toBe(0);
  });

  it('spends the attempt of a delivery lost with its worker, and delivers it again at once', () => {
    expect(decideDelivery(policy, { attempt: 2, outagesInARow: 0 }, { kind: 'lost' }).outcome).toEqual({ kind: 'retry', attempt: 3, delayMs: 0 });
  });

  it('dead-letters a job lost with its worker on the final attempt, as WORKER_LOST', () => {
    const { outcome } = decideDelivery(policy, { attempt: 3, outagesInARow: 0 }, { kind: 'lost' });
    expect(outcome).toMatchObject({ kind: 'dead-letter', reason: { code: 'WORKER_LOST' } });
  });

  it('tells the handler its attempt, and whether a failure now dead-letters the job', () => {
    expect([1, 2, 3].map((attempt) => deliveryOf(attempt, policy))).toEqual([
      { attempt: 1, finalAttempt: false },
      { attempt: 2, finalAttempt: false },
      { attempt: 3, finalAttempt: true },
    ]);
  });

  it('fills in the usual back-offs where a queue was given none', () => {
    expect(deliveryPolicy({ maxAttempts: 2 })).toEqual({
      maxAttempts: 2,
      retryBackoff: { initialMs: 1_000, maxMs: 30_000 },
      outageBackoff: { initialMs: 200, maxMs: 5_000 },
    });
    expect(deliveryPolicy({ maxAttempts: 2, retryBackoff: policy.retryBackoff }).retryBackoff).toBe(policy.retryBackoff);
  });
});
