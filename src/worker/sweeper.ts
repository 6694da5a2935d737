import type { Logger } from 'pino';
import type { ErrorInfo } from '../errors.js';
import type { JobRecord } from '../job.js';
import type { JobQueue } from '../queue/job-queue.js';
import type { IdleJobs } from '../store/idle-jobs.js';
import { pageJobId } from '../jobs/page-job.js';

export interface SweeperOptions {
  idle: IdleJobs;
  queue: JobQueue;
  /** A task unchanged this long while queued or processing is a candidate (longer than any recognition). */
  staleAfterMs: number;
  intervalMs: number;
  /** Fails the task of a job the queue lost (and calls back). */
  recordLost: (id: string, error: ErrorInfo) => Promise<boolean>;
  logger: Logger;
}

export interface Sweeper {
  /** One pass: fails every stale task whose job the queue no longer holds; answers how many. */
  sweep(): Promise<number>;
  /** Stops the timer and waits for a pass in progress. */
  stop(): Promise<void>;
}

/** Tasks looked at per pass; the rest wait for the next one. */
const BATCH = 100;

const LOST: ErrorInfo = {
  code: 'JOB_LOST',
  message: 'The job left the queue without a result being recorded (it was removed from the queue, or its outcome was lost); upload the image again.',
};

/**
 * Finds tasks that can never end by themselves: queued or processing, unchanged for `staleAfterMs`, and
 * no longer held by the queue. They are failed with JOB_LOST rather than re-published, because the image
 * lives only in the queue's message. A pass right after the store was unreachable does nothing: jobs that
 * waited out the outage need a moment to record their progress first.
 */
export function startSweeper({ idle: idleJobs, queue, staleAfterMs, intervalMs, recordLost, logger }: SweeperOptions): Sweeper {
  const log = logger.child({ component: 'sweeper' });
  let storeAnsweredLastPass = false;
  let running: Promise<number> | undefined;

  /** A document's task lives on in its page jobs once its document job is done: it is lost only when none is held. */
  const heldAnywhere = async ({ id, options }: JobRecord): Promise<boolean> => {
    for (const jobId of [id, ...(options.pages ?? []).map((page) => pageJobId(id, page))]) {
      if ((await queue.holds(jobId)) !== false) return true;
    }
    return false;
  };

  const pass = async (): Promise<number> => {
    let idle;
    try {
      idle = await idleJobs.listIdle(staleAfterMs, BATCH);
    } catch (error) {
      storeAnsweredLastPass = false;
      log.debug({ err: error }, 'sweep skipped: the store cannot be reached');
      return 0;
    }
    if (!storeAnsweredLastPass) {
      storeAnsweredLastPass = true;
      return 0;
    }
    let failed = 0;
    for (const record of idle) {
      if (await heldAnywhere(record)) continue;
      if (await recordLost(record.id, LOST)) {
        failed += 1;
        log.error({ task_id: record.id, status: record.status }, 'task whose job the queue no longer holds failed as lost');
      }
    }
    return failed;
  };

  const sweep = (): Promise<number> => {
    running ??= pass()
      .catch((error: unknown) => {
        log.warn({ err: error }, 'sweep for lost jobs failed; trying again at the next pass');
        return 0;
      })
      .finally(() => (running = undefined));
    return running;
  };

  const timer = setInterval(() => void sweep(), intervalMs);
  timer.unref();
  return {
    sweep,
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
