import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.js';
import { createOutageGuard } from '../../src/jobs/outage-guard.js';

describe('the outage guard around store writes', () => {
  const backoff = { initialMs: 10, maxMs: 40 };

  it('runs an operation again while the store is unreachable, until it succeeds', async () => {
    const guard = createOutageGuard({ backoff });
    let tries = 0;
    const answer = await guard.retry(async () => {
      tries += 1;
      if (tries < 4) throw new AppError('STORE_UNAVAILABLE', 'Redis is restarting.');
      return 'stored';
    });
    expect(answer).toBe('stored');
    expect(tries).toBe(4);
  });

  it('throws any other error at once', async () => {
    const guard = createOutageGuard({ backoff });
    let tries = 0;
    const failing = guard.retry(async () => {
      tries += 1;
      throw new AppError('OCR_FAILED', 'The engine crashed.');
    });
    await expect(failing).rejects.toMatchObject({ code: 'OCR_FAILED' });
    expect(tries).toBe(1);
  });

  it('once released (at shutdown), lets the outage through instead of waiting', async () => {
    const guard = createOutageGuard({ backoff: { initialMs: 60_000, maxMs: 60_000 } });
    const waiting = guard.retry(async () => {
      throw new AppError('STORE_UNAVAILABLE', 'Redis is restarting.');
    });
    setTimeout(() => guard.release(), 20);
    await expect(waiting).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
  });
});
