import { Redis } from 'ioredis';
import { backoffDelay, type Backoff } from './backoff.js';

/**
 * How a connection behaves while Redis is unreachable:
 * - `fail-fast` serves requests: no offline queue and a single retry, so a command fails at once and the
 *   caller can answer 503 instead of hanging until Redis is back;
 * - `never-give-up` blocks or listens (a BullMQ worker, a pub/sub subscriber): its commands wait out any
 *   outage, and it reconnects for as long as it lives.
 */
export type RedisConnectionMode = 'fail-fast' | 'never-give-up';

export interface RedisConnectionOptions {
  url: string;
  /** The client's name in `CLIENT LIST`, so an operator can tell the service's connections apart. */
  name: string;
  mode: RedisConnectionMode;
  /** How long one connection attempt may take before it is retried. */
  connectTimeoutMs?: number;
  /** Fail-fast only: a command without an answer after this long fails (a half-open connection). */
  commandTimeoutMs?: number;
  /**
   * A pub/sub subscriber that subscribes again itself after each reconnection: ioredis's own resubscription leaves
   * its command's promise unhandled, and a connection closed while it is pending rejects it (`Connection is closed`).
   */
  resubscribesItself?: boolean;
}

/** Every connection reconnects after the same growing, jittered pause, so clients cut off together spread out. */
const RECONNECT_BACKOFF: Backoff = { initialMs: 200, maxMs: 2_000 };

/** A Redis client under the service's one connection policy; the caller listens to its `error` events. */
export function createRedisConnection({
  url,
  name,
  mode,
  connectTimeoutMs = 2_000,
  commandTimeoutMs,
  resubscribesItself = false,
}: RedisConnectionOptions): Redis {
  return new Redis(url, {
    connectionName: name,
    connectTimeout: connectTimeoutMs,
    retryStrategy: (times) => backoffDelay(times, RECONNECT_BACKOFF),
    autoResubscribe: !resubscribesItself,
    ...(mode === 'fail-fast'
      ? {
          enableOfflineQueue: false,
          maxRetriesPerRequest: 1,
          ...(commandTimeoutMs !== undefined && { commandTimeout: commandTimeoutMs }),
          // Requests arrive many at a time: commands issued in the same tick go out in one write, not one each.
          enableAutoPipelining: true,
        }
      : { enableOfflineQueue: true, maxRetriesPerRequest: null }),
  });
}
