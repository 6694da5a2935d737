import type { Redis } from 'ioredis';
import type { ReplicaAcks } from '../../redis-connection.js';

/**
 * The key layout under the configured prefix: one hash per job, one hash of pages per document, the sorted set of
 * unfinished jobs, one string per idempotency key, the archive outbox's list, and the channel of state changes.
 */
export function storeKeys(prefix: string) {
  return {
    job: (id: string) => `${prefix}job:${id}`,
    pages: (id: string) => `${prefix}pages:${id}`,
    unfinished: `${prefix}unfinished`,
    idempotency: (key: string) => `${prefix}idempotency:${key}`,
    // Newest on the left (LPUSH), so the oldest entries are read from the right end.
    archiveOutbox: `${prefix}archive-outbox`,
    channel: `${prefix}events`,
  };
}

/** What every store of the Redis backend is built on: its one connection, and the layout of its keys. */
export interface StoreContext {
  client: Redis;
  keys: ReturnType<typeof storeKeys>;
  /** How long a job, its pages and an idempotency key are kept after their last change. */
  resultTtlSeconds: number;
  /** Runs a command; connection problems become STORE_UNAVAILABLE. */
  call: <T>(command: () => Promise<T>) => Promise<T>;
  /** The replicas a new job's record waits for before it counts as created. */
  replicaAcks?: ReplicaAcks;
}
