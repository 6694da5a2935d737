import type { IdleJobs } from '../idle-jobs.js';
import { copy, type JobTable } from './job-table.js';

/** The sweep's view of the memory backend's table. */
export function createMemoryIdleJobs(table: JobTable): IdleJobs {
  return {
    async listIdle(idleForMs, limit) {
      return table
        .unchangedSince(table.now() - idleForMs)
        .slice(0, limit)
        .map((record) => copy(record)!);
    },
  };
}
