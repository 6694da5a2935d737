import type { Stores } from '../stores.js';
import { createMemoryArchiveOutbox } from './archive-outbox.js';
import { createMemoryPageAccounting } from './page-accounting.js';
import { createMemoryIdempotencyKeys } from './idempotency-keys.js';
import { createMemoryIdleJobs } from './idle-jobs.js';
import { createMemoryJobRecords } from './job-records.js';
import { createJobTable } from './job-table.js';

export interface MemoryStoresOptions {
  resultTtlSeconds: number;
  now?: () => number;
}

/** The embedded stores for `MODE=all` and the command line's own documents: everything in this process's memory. */
export function createMemoryStores({ resultTtlSeconds, now = Date.now }: MemoryStoresOptions): Stores {
  const ttlMs = resultTtlSeconds * 1000;
  const table = createJobTable({ ttlMs, now });
  return {
    jobs: createMemoryJobRecords(table),
    idempotency: createMemoryIdempotencyKeys({ ttlMs, now }),
    outbox: createMemoryArchiveOutbox(),
    pages: createMemoryPageAccounting(table),
    idle: createMemoryIdleJobs(table),
    async ping() {},
    async close() {
      table.clear();
    },
  };
}
