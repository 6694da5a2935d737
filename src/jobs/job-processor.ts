import type { Logger } from 'pino';
import type { PageRenderer } from '../documents/page-renderer.js';
import { toErrorInfo, type ErrorInfo } from '../errors.js';
import type { JobKind } from '../job.js';
import type { Metrics } from '../metrics.js';
import type { OcrPipeline } from '../ocr/pipeline.js';
import type { DeadLetterHandler, JobHandler, JobQueue } from '../queue/job-queue.js';
import type { JobRecords } from '../store/job-records.js';
import type { PageAccounting } from '../store/page-accounting.js';
import type { WebhookSender } from '../webhook/sender.js';
import { createDocumentJob } from './document-job.js';
import { createImageJob } from './image-job.js';
import type { OutageGuard } from './outage-guard.js';
import { createDocumentPages, pageFailure } from './page-job.js';
import { createTaskOutcomes, type ArchiveQueue } from './task-outcomes.js';

export interface JobProcessorDependencies {
  jobs: JobRecords;
  /** The page counts of documents. */
  pageAccounting: PageAccounting;
  pipeline: OcrPipeline;
  /** Holds store writes through an outage of the store instead of failing the job. */
  outages: OutageGuard;
  logger: Logger;
  /** Sends callbacks for jobs uploaded with a callback_url; absent when no CALLBACK_SECRET is set. */
  webhooks?: WebhookSender;
  metrics: Metrics;
  /** Archives completed texts off the OCR path; absent when ARCHIVE=off. */
  archiver?: ArchiveQueue;
  /** Where a document's page jobs are published: the queue the document came from. */
  queue: Pick<JobQueue, 'publish'>;
  /** Renders the pages of documents, off the event loop, within a deadline and a memory bound. */
  renderer: PageRenderer;
}

export interface JobProcessor {
  /** The work done for one delivered job, whatever its kind. */
  handle: JobHandler;
  /** Records a job that left the queue with no attempt left (its worker died on every attempt). */
  recordDeadLetter: DeadLetterHandler;
  /** Fails a task whose job the queue no longer holds; false when it had finished meanwhile. */
  recordLost: (id: string, error: ErrorInfo) => Promise<boolean>;
}

/**
 * The work done for each delivered job, by its kind. A handler resolves (and so lets the queue acknowledge) only
 * once the store holds the result or a permanent failure; faults are thrown back for a bounded retry. Store writes
 * wait out an outage of the store, so an outage never spends an attempt nor loses an outcome.
 */
export function createJobProcessor(dependencies: JobProcessorDependencies): JobProcessor {
  const { jobs, pageAccounting, pipeline, outages, logger, queue, renderer } = dependencies;
  const outcomes = createTaskOutcomes(dependencies);
  const pages = createDocumentPages({ jobs, pageAccounting, pipeline, outages, logger, outcomes });
  const handlers: Record<JobKind, JobHandler> = {
    image: createImageJob({ jobs, pipeline, outcomes }),
    document: createDocumentJob({ pageAccounting, outages, queue, renderer, pages, outcomes }),
    page: pages.read,
  };

  return {
    handle: (job, delivery) => handlers[job.kind](job, delivery),
    recordDeadLetter: async (job, error) => {
      const taskId = job.part?.task ?? job.id;
      const info = job.part ? pageFailure(job.part.page, toErrorInfo(error)) : toErrorInfo(error);
      await outcomes.fail(taskId, info, logger.child({ task_id: taskId }));
    },
    recordLost: (id, error) => outcomes.fail(id, error, logger.child({ task_id: id })),
  };
}
