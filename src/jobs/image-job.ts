import { toErrorInfo } from '../errors.js';
import type { OcrPipeline, PipelineResult } from '../ocr/pipeline.js';
import type { JobHandler } from '../queue/job-queue.js';
import type { JobRecords } from '../store/job-records.js';
import { imageResult } from './recognition-result.js';
import type { TaskOutcomes } from './task-outcomes.js';

/** Progress is written only in steps this large, so a page costs a handful of store writes, not hundreds. */
const PROGRESS_STEP = 0.1;

export interface ImageJobDependencies {
  jobs: Pick<JobRecords, 'progress'>;
  pipeline: OcrPipeline;
  outcomes: TaskOutcomes;
}

/** Reads an uploaded image: one recognition, its progress reported on the way, its result stored once. */
export function createImageJob({ jobs, pipeline, outcomes }: ImageJobDependencies): JobHandler {
  return async (job, { attempt, finalAttempt }) => {
    const started = await outcomes.start(job.id, attempt);
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
      recognition = await pipeline.run({ image: job.image, mediaType: job.mediaType, lang, psm, preprocess, outputs, onProgress });
    } catch (error) {
      await progressWrites;
      await outcomes.settle(job.id, error, toErrorInfo(error), { finalAttempt, log, requeue: true });
      return;
    }
    await progressWrites;

    const queuedMs = Date.parse(record.startedAt!) - Date.parse(record.createdAt);
    await outcomes.complete(job.id, imageResult(recognition, queuedMs), log, { preprocessing: recognition.preprocessing });
  };
}
