import type { Logger } from 'pino';
import { isAppError, toErrorInfo } from '../errors.js';
import { isTerminal } from '../job.js';
import { toJobBody } from '../job-body.js';
import type { OcrEngine } from '../ocr/engine.js';
import type { JobHandler } from '../queue/job-queue.js';
import type { ResultStore } from '../store/result-store.js';
import type { WebhookSender } from '../webhook/sender.js';

/** Progress is written only in steps this large, so a page costs a handful of store writes, not hundreds. */
const PROGRESS_STEP = 0.1;

export interface JobProcessorDependencies {
  store: ResultStore;
  engine: OcrEngine;
  logger: Logger;
  /** Sends callbacks for jobs uploaded with a callback_url; absent when no CALLBACK_SECRET is set. */
  webhooks?: WebhookSender;
}

/**
 * The work done for one delivered job. It resolves (and so lets the queue acknowledge) only once
 * the store holds the result or a permanent failure; faults are thrown back for a bounded retry.
 */
export function createJobProcessor({ store, engine, logger, webhooks }: JobProcessorDependencies): JobHandler {
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
      const recognition = await engine.recognize({ image: job.image, lang: job.options.lang, psm: job.options.psm, onProgress });
      await progressWrites;
      const queuedMs = Date.parse(record.startedAt!) - Date.parse(record.createdAt);
      const stored = await store.complete(job.id, {
        text: recognition.text,
        confidence: recognition.confidence,
        lang: job.options.lang,
        psm: recognition.psm,
        timings: { queuedMs, recognitionMs: recognition.recognitionMs },
      });
      // Another delivery of the same job (after a worker died) may have finished it first: only one result counts.
      if (stored) log.info({ recognition_ms: recognition.recognitionMs, confidence: recognition.confidence }, 'job completed');
      else log.info('job was finished by another delivery or deleted meanwhile; this result is discarded');
    } catch (error) {
      await progressWrites;
      const info = toErrorInfo(error);
      if ((isAppError(error) && error.permanent) || finalAttempt) {
        await store.fail(job.id, info);
        log.warn({ err: error, code: info.code }, 'job failed');
      } else {
        await store.requeue(job.id, info);
        log.warn({ err: error, code: info.code }, 'job attempt failed; handing it back for a retry');
        throw error;
      }
    }
    await notify(job.id);
  };
}
