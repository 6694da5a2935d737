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

/** How many replicas must hold a write before it counts as safe (Redis's `WAIT`), and how long to wait for them. */
export interface ReplicaAcks {
  replicas: number;
  timeoutMs: number;
}

/** Where Redis is: one server, or the primary a set of sentinels names (with the URL's credentials and database). */
export interface RedisEndpoint {
  url: string;
  sentinel?: { name: string; addresses: Array<{ host: string; port: number }> };
  /** Writes that make a job exist wait for replicas; none when absent. */
  replicaAcks?: ReplicaAcks;
}

export interface RedisConnectionOptions extends Pick<RedisEndpoint, 'url' | 'sentinel'> {
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
  sentinel,
  name,
  mode,
  connectTimeoutMs = 2_000,
  commandTimeoutMs,
  resubscribesItself = false,
}: RedisConnectionOptions): Redis {
  return new Redis(url, {
    // ioredis asks the sentinels for the primary on every (re)connection; a connection that still reaches a demoted
    // primary (now a read-only replica) starts over. Not ioredis's failoverDetector: its news of a new primary, when
    // it arrives during a reconnection, ends the connection for good.
    ...(sentinel && {
      sentinels: sentinel.addresses,
      name: sentinel.name,
      sentinelRetryStrategy: (times: number) => backoffDelay(times, RECONNECT_BACKOFF),
      reconnectOnError: (error: Error) => error.message.startsWith('READONLY'),
    }),
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

/**
 * Waits until `acks.replicas` replicas hold every write this connection made so far; throws when fewer did within
 * the time, so a caller does not answer for a write that a failover could still take back.
 */
export async function awaitReplicas(client: Redis, acks: ReplicaAcks | undefined): Promise<void> {
  if (!acks) return;
  const acknowledged = await client.wait(acks.replicas, acks.timeoutMs);
  if (acknowledged < acks.replicas) {
    throw new Error(`${acknowledged} of ${acks.replicas} Redis replicas acknowledged the write within ${acks.timeoutMs} ms`);
  }
}
