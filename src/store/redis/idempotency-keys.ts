import type { Redis } from 'ioredis';
import type { IdempotencyClaim, IdempotencyKeys } from '../idempotency-keys.js';
import type { StoreContext } from './context.js';

/** Marks an idempotency claim (JSON under KEYS[1]) as queued, keeping its expiry; a released claim stays released. */
const CONFIRM_CLAIM = `
local claim = redis.call('GET', KEYS[1])
if not claim then return 0 end
local decoded = cjson.decode(claim)
decoded.queued = true
redis.call('SET', KEYS[1], cjson.encode(decoded), 'KEEPTTL')
return 1`;

type ClaimClient = Redis & { ocrConfirmClaim(key: string): Promise<number> };

/** Idempotency keys on Redis: one JSON string per key, expiring with the results. */
export function createRedisIdempotencyKeys({ client, keys, resultTtlSeconds, call }: StoreContext): IdempotencyKeys {
  client.defineCommand('ocrConfirmClaim', { numberOfKeys: 1, lua: CONFIRM_CLAIM });
  const claims = client as ClaimClient;
  return {
    async claim(key, claim) {
      // One round trip: SET NX GET either makes this the first claim or answers the earlier one, atomically.
      const earlier = await call(() => claims.set(keys.idempotency(key), JSON.stringify(claim), 'EX', resultTtlSeconds, 'NX', 'GET'));
      return earlier ? (JSON.parse(earlier) as IdempotencyClaim) : undefined;
    },
    async release(key) {
      await call(() => claims.del(keys.idempotency(key)));
    },
    async confirm(key) {
      await call(() => claims.ocrConfirmClaim(keys.idempotency(key)));
    },
  };
}
