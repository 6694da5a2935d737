import type { ArchiveOutbox } from './archive-outbox.js';
import type { PageAccounting } from './page-accounting.js';
import type { IdempotencyKeys } from './idempotency-keys.js';
import type { IdleJobs } from './idle-jobs.js';
import type { JobRecords } from './job-records.js';

/**
 * One backend's stores, one per concern, sharing what the backend holds (one Redis connection, or one process's
 * memory); each caller takes only the one it needs.
 * Reachability and closing belong to the backend as a whole.
 */
export interface Stores {
  jobs: JobRecords;
  idempotency: IdempotencyKeys;
  outbox: ArchiveOutbox;
  pages: PageAccounting;
  idle: IdleJobs;
  /** Throws when the backend cannot be reached (for readiness checks). */
  ping(): Promise<void>;
  /** Releases what the backend holds (its connections, or the memory of its jobs); idempotent. */
  close(): Promise<void>;
}
