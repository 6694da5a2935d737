import type { IdempotencyClaim, IdempotencyKeys } from '../idempotency-keys.js';

/** Idempotency keys in a Map, each expiring `ttlMs` after its claim. */
export function createMemoryIdempotencyKeys({ ttlMs, now }: { ttlMs: number; now: () => number }): IdempotencyKeys {
  const keys = new Map<string, { claim: IdempotencyClaim; expiresAt: number }>();
  return {
    async claim(key, claim) {
      const existing = keys.get(key);
      if (existing && existing.expiresAt > now()) return { ...existing.claim };
      keys.set(key, { claim: { ...claim }, expiresAt: now() + ttlMs });
      return undefined;
    },
    async release(key) {
      keys.delete(key);
    },
    async confirm(key) {
      const entry = keys.get(key);
      if (entry) entry.claim.queued = true;
    },
  };
}
