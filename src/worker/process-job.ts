import type { Logger } from 'pino';
import { isAppError, toErrorInfo } from '../errors.js';
import { toStoredOutputs } from '../formats.js';
import { isTerminal } from '../job.js';
import { toJobBody } from '../job-body.js';
import type { OcrEngine } from '../ocr/engine.js';
import { createOcrPipeline } from '../ocr/pipeline.js';
import type { Metrics } from '../metrics.js';
import type { JobHandler } from '../queue/job-queue.js';
import type { ResultStore } from '../store/result-store.js';
import type { WebhookSender } from '../webhook/sender.js';

/** Progress is written only in steps this large, so a page costs a handful of store writes, not hundreds. */
const PROGRESS_STEP = 0.1;

export interface JobProcessorDependencies {
  store: ResultStore;
  engine: OcrEngine;
  /** MAX_IMAGE_PIXELS: preprocessing refuses to decode anything larger. */
  maxImagePixels: number;
  logger: Logger;
  /** Sends callbacks for jobs uploaded with a callback_url; absent when no CALLBACK_SECRET is set. */
  webhooks?: WebhookSender;
  metrics: Metrics;
}

/**
 * The work done for one delivered job. It resolves (and so lets the queue acknowledge) only once
 * the store holds the result or a permanent failure; faults are thrown back for a bounded retry.
 */
export function createJobProcessor({ store, engine, maxImagePixels, logger, webhooks, metrics }: JobProcessorDependencies): JobHandler {
  const pipeline = createOcrPipeline({ engine, maxPixels: maxImagePixels });

  /**
   * Sends the callback of a finished job that has not had one yet. It runs before the job is acknowledged,
   * so a worker that dies between storing the result and calling back leaves the callback to the redelivery.
   */
  const notify = async (id: string): Promise<void> => {
    if (!webhooks) return;
    const record = await store.get(id);
    if (!record?.callbackUrl || record.callback || !isTerminal(record.status)) return;
    await store.recordCallback(id, await webhooks.deliver(record.callbackUrl, toJobBody(record), { taskId: id }));
  };

  return async (job, { attempt, finalAttempt }) => {
    const log = logger.child({ task_id: job.id, attempt });
    const record = await store.markProcessing(job.id);
    if (!record) {
      log.info('job was deleted or has already finished; acknowledging it without work');
      metrics.jobs.labels('skipped', '').inc();
      await notify(job.id);
      return;
    }
    log.info({ lang: job.options.lang }, 'job started');

    let reported = 0;
    let progressWrites = Promise.resolve();
    const onProgress = (fraction: number) => {
      if (fraction - reported < PROGRESS_STEP) return;
      reported = fraction;
      progressWrites = progressWrites
        .then(() => store.progress(job.id, Math.round(fraction * 100) / 100))
        .catch((error: unknown) => log.debug({ err: error }, 'could not record progress'));
    };

    try {
      const { lang, psm, preprocess = true, outputs = [] } = job.options;
      const recognition = await pipeline.run({ image: job.image, lang, psm, preprocess, outputs, onProgress });
      await progressWrites;
      const queuedMs = Date.parse(record.startedAt!) - Date.parse(record.createdAt);
      const stored = await store.complete(job.id, {
        ...toStoredOutputs(recognition),
        confidence: recognition.confidence,
        lang: job.options.lang,
        psm: recognition.psm,
        timings: { queuedMs, recognitionMs: recognition.recognitionMs },
      });
      // Another delivery of the same job (after a worker died) may have finished it first: only one result counts.
      const { recognitionMs, confidence, preprocessing } = recognition;
      if (stored) {
        log.info({ recognition_ms: recognitionMs, confidence, preprocessing }, 'job completed');
        metrics.jobs.labels('completed', '').inc();
        metrics.recognitionSeconds.observe(recognitionMs / 1000);
        metrics.queueWaitSeconds.observe(queuedMs / 1000);
      } else {
        log.info('job was finished by another delivery or deleted meanwhile; this result is discarded');
      }
    } catch (error) {
      await progressWrites;
      const info = toErrorInfo(error);
      if ((isAppError(error) && error.permanent) || finalAttempt) {
        await store.fail(job.id, info);
        log.warn({ err: error, code: info.code }, 'job failed');
        metrics.jobs.labels('failed', info.code).inc();
      } else {
        await store.requeue(job.id, info);
        log.warn({ err: error, code: info.code }, 'job attempt failed; handing it back for a retry');
        metrics.jobs.labels('retried', info.code).inc();
        throw error;
      }
    }
    await notify(job.id);
  };
}
