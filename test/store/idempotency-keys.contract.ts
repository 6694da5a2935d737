import { describe, expect, it } from 'vitest';
import { storesOf, type StoreBackend } from './backends.js';

/** One specification of IdempotencyKeys, run against every backend. */
export function describeIdempotencyKeysContract(backend: StoreBackend): void {
  describe.skipIf(backend.skipReason !== undefined)(`IdempotencyKeys contract: ${backend.name}`, () => {
    const open = storesOf(backend);

    it('answers the first claim of an idempotency key to every later claim, until released', async () => {
      const { idempotency } = await open();
      const key = `idem-${process.pid}-${Date.now()}`;
      expect(await idempotency.claim(key, { taskId: 't1', fingerprint: 'f1' })).toBeUndefined();
      expect(await idempotency.claim(key, { taskId: 't2', fingerprint: 'f2' })).toEqual({ taskId: 't1', fingerprint: 'f1' });
      expect(await idempotency.claim(`${key}-other`, { taskId: 't3', fingerprint: 'f1' })).toBeUndefined();
      await idempotency.release(key);
      expect(await idempotency.claim(key, { taskId: 't4', fingerprint: 'f4' })).toBeUndefined();
    });

    it('marks a claimed key as queued once its job is, and keeps its task', async () => {
      const { idempotency } = await open();
      const key = `queued-${process.pid}-${Date.now()}`;
      expect(await idempotency.claim(key, { taskId: 't1', fingerprint: 'f1' })).toBeUndefined();
      await idempotency.confirm(key);
      expect(await idempotency.claim(key, { taskId: 't2', fingerprint: 'f1' })).toEqual({ taskId: 't1', fingerprint: 'f1', queued: true });
      // A key released meanwhile stays released.
      await idempotency.release(key);
      await idempotency.confirm(key);
      expect(await idempotency.claim(key, { taskId: 't3', fingerprint: 'f3' })).toBeUndefined();
    });

    it('lets exactly one of many concurrent claims of a key win', async () => {
      const { idempotency } = await open();
      const key = `race-${process.pid}-${Date.now()}`;
      const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => idempotency.claim(key, { taskId: `t${i}`, fingerprint: 'f' })));
      expect(answers.filter((answer) => answer === undefined)).toHaveLength(1);
      const winner = answers.findIndex((answer) => answer === undefined);
      expect(new Set(answers.filter(Boolean).map((answer) => answer!.taskId))).toEqual(new Set([`t${winner}`]));
    });
  });
}
