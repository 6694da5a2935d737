import type { JobRecord } from '../job.js';

/** What the sweep for jobs the queue lost reads: unfinished jobs that stopped changing. */
export interface IdleJobs {
  /**
   * Unfinished jobs (queued or processing) whose last change is at least `idleForMs` old, oldest first, at most
   * `limit`.
   */
  listIdle(idleForMs: number, limit: number): Promise<JobRecord[]>;
}
