import type { Logger } from 'pino';
import type { PageRenderer } from '../documents/page-renderer.js';
import { isAppError, toErrorInfo, type ErrorInfo } from '../errors.js';
import { toStoredOutputs } from '../formats.js';
import { isTerminal, type JobRecord, type OcrResult } from '../job.js';
import { toJobBody } from '../job-body.js';
import type { OcrPipeline, PipelineResult } from '../ocr/pipeline.js';
import type { Metrics } from '../metrics.js';
import type { DeadLetterHandler, JobHandler, JobQueue } from '../queue/job-queue.js';
import type { DocumentPages } from '../store/document-pages.js';
import type { JobRecords } from '../store/job-records.js';
import type { WebhookSender } from '../webhook/sender.js';
import type { Archiver } from './archiver.js';
import { createDocumentJobs, pageFailure, type FailedAttemptSettler, type TaskStarter } from './document-jobs.js';
import type { OutageGuard } from './outage-guard.js';

/** Progress is written only in steps this large, so a page costs a handful of store writes, not hundreds. */
const PROGRESS_STEP = 0.1;

export interface JobProcessorDependencies {
  jobs: JobRecords;
  /** The page accounting of documents. */
  pages: DocumentPages;
  pipeline: OcrPipeline;
  /** Holds store writes through an outage of the store instead of failing the job. */
  outages: OutageGuard;
  logger: Logger;
  /** Sends callbacks for jobs uploaded with a callback_url; absent when no CALLBACK_SECRET is set. */
  webhooks?: WebhookSender;
  metrics: Metrics;
  /** Archives completed texts off the OCR path; absent when ARCHIVE=off. */
  archiver?: Pick<Archiver, 'enqueue' | 'completed'>;
  /** Where a document's page jobs are published: the queue the document came from. */
  queue: Pick<JobQueue, 'publish'>;
  /** Renders the pages of documents, off the event loop, within a deadline and a memory bound. */
  renderer: PageRenderer;
}

export interface JobProcessor {
  /** The work done for one delivered job. */
  handle: JobHandler;
  /** Records a job that left the queue with no attempt left (its worker died on every attempt). */
  recordDeadLetter: DeadLetterHandler;
  /** Fails a task whose job the queue no longer holds; false when it had finished meanwhile. */
  recordLost: (id: string, error: ErrorInfo) => Promise<boolean>;
}

/**
 * The work done for each delivered job. The handler resolves (and so lets the queue acknowledge) only once
 * the store holds the result or a permanent failure; faults are thrown back for a bounded retry. Store
 * writes wait out an outage of the store, so an outage never spends an attempt nor loses an outcome.
 */
export function createJobProcessor(dependencies: JobProcessorDependencies): JobProcessor {
  const { jobs, pipeline, outages, logger, webhooks, metrics, archiver } = dependencies;
  /**
   * Sends the callback of a finished job that has not had one yet. It runs before the job is acknowledged,
   * so a worker that dies between storing the result and calling back leaves the callback to the redelivery.
   */
  const notify = async (id: string, log: Logger, finished?: JobRecord): Promise<void> => {
    if (!webhooks) return;
    // Without the record this delivery finished the job with, another delivery finished it: its callback may be owed.
    const record = finished ?? (await outages.retry(() => jobs.get(id), log));
    if (!record?.callbackUrl || record.callback || !isTerminal(record.status)) return;
    const delivery = await webhooks.deliver(record.callbackUrl, toJobBody(record), { taskId: id });
    await outages.retry(() => jobs.recordCallback(id, delivery), log);
  };

  /** Fails the task for good, then calls back; false when it had finished (or gone) before. */
  const finishFailed = async (id: string, info: ErrorInfo, log: Logger): Promise<boolean> => {
    const failed = await outages.retry(() => jobs.fail(id, info), log);
    if (failed) {
      log.warn({ code: info.code, error_message: info.message }, 'job failed');
      metrics.jobs.labels('failed', info.code).inc();
    }
    await notify(id, log, failed);
    return failed !== undefined;
  };

  /**
   * Stores a task's result and calls back. Another delivery of the same job (after a worker died) may have
   * finished it first: only one result counts.
   */
  const storeResult = async (id: string, result: OcrResult, log: Logger, details: object = {}): Promise<void> => {
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
  };

  const settleFailure: FailedAttemptSettler = async (taskId, error, info, { finalAttempt, log, requeue }) => {
    if ((isAppError(error) && error.permanent) || finalAttempt) {
      await finishFailed(taskId, info, log);
      return;
    }
    if (requeue) await outages.retry(() => jobs.requeue(taskId, info), log);
    log.warn({ err: error, code: info.code }, 'job attempt failed; handing it back for a retry');
    metrics.jobs.labels('retried', info.code).inc();
    throw error;
  };

  const startTask: TaskStarter = async (id, attempt) => {
    const log = logger.child({ task_id: id, attempt });
    const record = await outages.retry(() => jobs.markProcessing(id), log);
    if (!record) {
      log.info('job was deleted or has already finished; acknowledging it without work');
      metrics.jobs.labels('skipped', '').inc();
      await notify(id, log);
      return undefined;
    }
    return { record, log };
  };

  const documentJobs = createDocumentJobs({
    jobs,
    pages: dependencies.pages,
    pipeline,
    outages,
    logger,
    queue: dependencies.queue,
    renderer: dependencies.renderer,
    startTask,
    complete: storeResult,
    settleFailure,
  });

  const handle: JobHandler = async (job, delivery) => {
    // A document is read as one job that splits it, then one job per page, on the same queue.
    if (job.options.part) return documentJobs.readPage(job, delivery);
    if (job.options.pages) return documentJobs.split(job, delivery);
    const { attempt, finalAttempt } = delivery;
    const started = await startTask(job.id, attempt);
    if (!started) return;
    const { record, log } = started;
    log.info({ lang: job.options.lang }, 'job started');

    let reported = 0;
    let progressWrites = Promise.resolve();
    const onProgress = (fraction: number) => {
      if (fraction - reported < PROGRESS_STEP) return;
      reported = fraction;
      // Progress is worth no wait: a write lost to an outage is skipped.
      progressWrites = progressWrites
        .then(() => jobs.progress(job.id, Math.round(fraction * 100) / 100))
        .catch((error: unknown) => log.debug({ err: error }, 'could not record progress'));
    };

    let recognition: PipelineResult;
    try {
      const { lang, psm, preprocess = true, outputs = [] } = job.options;
      recognition = await pipeline.run({ image: job.image, lang, psm, preprocess, outputs, onProgress });
    } catch (error) {
      await progressWrites;
      await settleFailure(job.id, error, toErrorInfo(error), { finalAttempt, log, requeue: true });
      return;
    }
    await progressWrites;

    const queuedMs = Date.parse(record.startedAt!) - Date.parse(record.createdAt);
    const { recognitionMs, confidence, preprocessing } = recognition;
    await storeResult(
      job.id,
      {
        ...toStoredOutputs(recognition),
        confidence,
        lang: recognition.lang,
        rotation: recognition.rotation,
        psm: recognition.psm,
        regions: recognition.regions,
        tables: recognition.tables,
        timings: { queuedMs, recognitionMs },
      },
      log,
      { preprocessing },
    );
  };

  return {
    handle,
    recordDeadLetter: async (job, error) => {
      const taskId = job.options.part?.task ?? job.id;
      const info = job.options.part ? pageFailure(job.options.part.page, toErrorInfo(error)) : toErrorInfo(error);
      await finishFailed(taskId, info, logger.child({ task_id: taskId }));
    },
    recordLost: (id, error) => finishFailed(id, error, logger.child({ task_id: id })),
  };
}
