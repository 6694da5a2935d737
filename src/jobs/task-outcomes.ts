import type { Logger } from 'pino';
import { isAppError, type ErrorInfo } from '../errors.js';
import { isTerminal, type JobRecord, type OcrResult } from '../job.js';
import { toJobBody } from '../job-body.js';
import type { Metrics } from '../metrics.js';
import type { JobRecords } from '../store/job-records.js';
import type { WebhookSender } from '../webhook/sender.js';
import type { OutageGuard } from './outage-guard.js';

/** Takes a completed task's text to the archive, off the OCR path. */
export interface ArchiveQueue {
  /** Puts a task in the archive outbox, before its result is stored. */
  enqueue(id: string, log: Logger): Promise<void>;
  /** Hands over the record the task was completed with, so the archive needs no read of it. */
  completed(record: JobRecord): void;
}

export interface TaskOutcomeDependencies {
  jobs: JobRecords;
  /** Holds store writes through an outage of the store instead of failing the job. */
  outages: OutageGuard;
  logger: Logger;
  metrics: Metrics;
  /** Sends callbacks for jobs uploaded with a callback_url; absent when no CALLBACK_SECRET is set. */
  webhooks?: WebhookSender;
  /** Archives completed texts; absent when ARCHIVE=off. */
  archiver?: ArchiveQueue;
}

/** How one attempt at a task ended badly, and what the queue does with it next. */
export interface FailedAttempt {
  finalAttempt: boolean;
  log: Logger;
  /** Put the task back to `queued` while it waits for its retry (not for a page: its document goes on). */
  requeue: boolean;
}

/**
 * How a task's fate is recorded, for every kind of job: started, completed, failed or retried, each written
 * through the outage guard, counted in the metrics, and called back once the task has ended.
 */
export interface TaskOutcomes {
  /** Takes a task to `processing`, counting the attempt; undefined (acknowledged without work) when it is gone or ended. */
  start(id: string, attempt: number): Promise<{ record: JobRecord; log: Logger } | undefined>;
  /** Stores a task's result, archives it and calls back; another delivery may have finished it first, and only one result counts. */
  complete(id: string, result: OcrResult, log: Logger, details?: object): Promise<void>;
  /** Fails a task for good, then calls back; false when it had finished (or gone) before. */
  fail(id: string, info: ErrorInfo, log: Logger): Promise<boolean>;
  /**
   * Settles a failed attempt: a permanent error, or any error on the final attempt, fails the task for good; any
   * other fault is thrown back to the queue for a retry.
   */
  settle(id: string, error: unknown, info: ErrorInfo, attempt: FailedAttempt): Promise<void>;
}

export function createTaskOutcomes({ jobs, outages, logger, metrics, webhooks, archiver }: TaskOutcomeDependencies): TaskOutcomes {
  /**
   * Sends the callback of a finished task that has not had one yet. It runs before the job is acknowledged, so a
   * worker that dies between storing the result and calling back leaves the callback to the redelivery.
   */
  const notify = async (id: string, log: Logger, finished?: JobRecord): Promise<void> => {
    if (!webhooks) return;
    // Without the record this delivery finished the task with, another delivery finished it: its callback may be owed.
    const record = finished ?? (await outages.retry(() => jobs.get(id), log));
    if (!record?.callbackUrl || record.callback || !isTerminal(record.status)) return;
    const delivery = await webhooks.deliver(record.callbackUrl, toJobBody(record), { taskId: id });
    await outages.retry(() => jobs.recordCallback(id, delivery), log);
  };

  const fail: TaskOutcomes['fail'] = async (id, info, log) => {
    const failed = await outages.retry(() => jobs.fail(id, info), log);
    if (failed) {
      log.warn({ code: info.code, error_message: info.message }, 'job failed');
      metrics.jobs.labels('failed', info.code).inc();
    }
    await notify(id, log, failed);
    return failed !== undefined;
  };

  return {
    async start(id, attempt) {
      const log = logger.child({ task_id: id, attempt });
      const record = await outages.retry(() => jobs.markProcessing(id), log);
      if (!record) {
        log.info('job was deleted or has already finished; acknowledging it without work');
        metrics.jobs.labels('skipped', '').inc();
        await notify(id, log);
        return undefined;
      }
      return { record, log };
    },

    async complete(id, result, log, details = {}) {
      await archiver?.enqueue(id, log);
      const stored = await outages.retry(() => jobs.complete(id, result), log);
      if (stored) {
        archiver?.completed(stored);
        const { recognitionMs, queuedMs } = result.timings;
        log.info({ recognition_ms: recognitionMs, confidence: result.confidence, ...details }, 'job completed');
        metrics.jobs.labels('completed', '').inc();
        metrics.recognitionSeconds.observe(recognitionMs / 1000);
        metrics.queueWaitSeconds.observe(queuedMs / 1000);
      } else {
        log.info('job was finished by another delivery or deleted meanwhile; this result is discarded');
      }
      await notify(id, log, stored);
    },

    fail,

    async settle(id, error, info, { finalAttempt, log, requeue }) {
      if ((isAppError(error) && error.permanent) || finalAttempt) {
        await fail(id, info, log);
        return;
      }
      if (requeue) await outages.retry(() => jobs.requeue(id, info), log);
      log.warn({ err: error, code: info.code }, 'job attempt failed; handing it back for a retry');
      metrics.jobs.labels('retried', info.code).inc();
      throw error;
    },
  };
}
