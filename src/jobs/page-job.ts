import type { Logger } from 'pino';
import { documentResult } from '../documents/document-result.js';
import { placeOnPaper } from '../documents/pdf-pages.js';
import { toErrorInfo, type ErrorInfo } from '../errors.js';
import { isTerminal, type PageResult } from '../job.js';
import type { OcrPipeline } from '../ocr/pipeline.js';
import type { JobHandler } from '../queue/job-queue.js';
import type { JobRecords } from '../store/job-records.js';
import type { PageAccounting } from '../store/page-accounting.js';
import type { OutageGuard } from './outage-guard.js';
import { pageResult } from './recognition-result.js';
import type { TaskOutcomes } from './task-outcomes.js';

/** The page job's id: its own, so a queue that keys jobs by id (BullMQ) keeps every page of a task. */
export const pageJobId = (taskId: string, page: number) => `${taskId}.p${page}`;

/** A failed page fails its document, with the page named. */
export function pageFailure(page: number, { code, message }: ErrorInfo): ErrorInfo {
  return { code, message: `Page ${page}: ${message}` };
}

export interface DocumentPagesDependencies {
  jobs: Pick<JobRecords, 'get'>;
  pageAccounting: Omit<PageAccounting, 'begin'>;
  pipeline: OcrPipeline;
  outages: OutageGuard;
  logger: Logger;
  outcomes: TaskOutcomes;
}

export interface DocumentPages {
  /** Records a page's result; the page that makes the count whole completes the document. */
  record(taskId: string, page: PageResult, log: Logger): Promise<void>;
  /** Reads one page job: the page's image, recognised and recorded. */
  read: JobHandler;
}

/**
 * The pages of a document task. Any worker reads any page job; the store counts pages atomically, and whoever
 * records the last page builds the result in the order of the original.
 */
export function createDocumentPages({ jobs, pageAccounting, pipeline, outages, logger, outcomes }: DocumentPagesDependencies): DocumentPages {
  const finishDocument = async (taskId: string, log: Logger): Promise<void> => {
    const record = await outages.retry(() => jobs.get(taskId), log);
    if (!record || isTerminal(record.status)) return;
    const recorded = new Map((await outages.retry(() => pageAccounting.listPages(taskId), log)).map((page) => [page.page, page]));
    const pages = (record.options.pages ?? []).flatMap((page) => recorded.get(page) ?? []);
    const queuedMs = Date.parse(record.startedAt ?? record.createdAt) - Date.parse(record.createdAt);
    const result = await documentResult(pages, { lang: record.options.lang, outputs: record.options.outputs ?? [], queuedMs });
    await outcomes.complete(taskId, result, log);
    await outages.retry(() => pageAccounting.discardPages(taskId), log);
  };

  const record: DocumentPages['record'] = async (taskId, page, log) => {
    const count = await outages.retry(() => pageAccounting.recordPage(taskId, page), log);
    if (count && count.done === count.total) await finishDocument(taskId, log);
  };

  const read: JobHandler = async (job, { attempt, finalAttempt }) => {
    const { task, page, paper } = job.part!;
    const log = logger.child({ task_id: task, page, attempt });
    const taskRecord = await outages.retry(() => jobs.get(task), log);
    if (!taskRecord || isTerminal(taskRecord.status)) {
      log.info('page of a document that was deleted or has finished; acknowledging it without work');
      return;
    }
    log.info('page started');
    const { lang, psm, preprocess = true, outputs = [] } = job.options;
    let recognition;
    try {
      recognition = await pipeline.run({ image: job.image, mediaType: job.mediaType, lang, psm, preprocess, outputs, pdfImage: 'scan' });
    } catch (error) {
      // The other pages go on: the task stays `processing` while this page waits for its retry.
      await outcomes.settle(task, error, pageFailure(page, toErrorInfo(error)), { finalAttempt, log, requeue: false });
      return;
    }
    const { confidence, recognitionMs, lang: readIn, rotation } = recognition;
    log.info({ recognition_ms: recognitionMs, confidence, lang: readIn, rotation }, 'page read');
    const pdf = recognition.pdf && paper ? await placeOnPaper(recognition.pdf, paper) : recognition.pdf;
    await record(task, pageResult(page, recognition, pdf), log);
  };

  return { record, read };
}
