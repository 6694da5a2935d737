import type { Logger } from 'pino';
import { documentResult } from '../documents/document-result.js';
import { openDocument, type DocumentSource } from '../documents/document-source.js';
import { pageAsJpeg } from '../documents/page-images.js';
import { placeOnPaper } from '../documents/pdf-pages.js';
import type { PageRenderer } from '../documents/page-renderer.js';
import { isOutage, toErrorInfo, type ErrorInfo } from '../errors.js';
import { toStoredOutputs } from '../formats.js';
import { isTerminal, type JobMessage, type JobRecord, type OcrResult, type PageResult } from '../job.js';
import type { OcrPipeline } from '../ocr/pipeline.js';
import type { JobHandler, JobQueue } from '../queue/job-queue.js';
import type { DocumentPages } from '../store/document-pages.js';
import type { JobRecords } from '../store/job-records.js';
import type { OutageGuard } from './outage-guard.js';

export interface DocumentJobDependencies {
  jobs: JobRecords;
  pages: DocumentPages;
  pipeline: OcrPipeline;
  outages: OutageGuard;
  logger: Logger;
  queue: Pick<JobQueue, 'publish'>;
  /** Renders the pages of documents, off the event loop, within a deadline and a memory bound. */
  renderer: PageRenderer;
  /** Stores the document's result once, archives it and calls back (the job processor's completion). */
  complete: (id: string, result: OcrResult, log: Logger) => Promise<void>;
  startTask: TaskStarter;
  settleFailure: FailedAttemptSettler;
}

/**
 * Takes a task to `processing`, counting the attempt, with a logger for it; undefined, once acknowledged without
 * work (and called back), when the task was deleted or has finished.
 */
export type TaskStarter = (id: string, attempt: number) => Promise<{ record: JobRecord; log: Logger } | undefined>;

/**
 * Settles a failed attempt: a permanent error, or any error on the final attempt, fails the task for good (and calls
 * back); any other fault is thrown back to the queue for a retry, with the task put back to `queued` when `requeue`.
 */
export type FailedAttemptSettler = (
  taskId: string,
  error: unknown,
  info: ErrorInfo,
  attempt: { finalAttempt: boolean; log: Logger; requeue: boolean },
) => Promise<void>;

/** A failed page fails its document, with the page named. */
export function pageFailure(page: number, { code, message }: ErrorInfo): ErrorInfo {
  return { code, message: `Page ${page}: ${message}` };
}

/** The page job's id: its own, so a queue that keys jobs by id (BullMQ) keeps every page of a task. */
export const pageJobId = (taskId: string, page: number) => `${taskId}.p${page}`;

/**
 * A document is read in two kinds of job on the one queue. The document job (the upload's bytes, once) takes the
 * task to `processing`, records the count of pages, takes each text-layer page's text as it is, and publishes one
 * page job per page to read: the page rendered once, as an image, with a reference to its task. Any worker reads any
 * page job; the store counts pages atomically, and whoever records the last page builds the result. Pages are
 * rendered and published one at a time, so no worker holds more than one decoded page of a document.
 */
export function createDocumentJobs({
  jobs,
  pages: documentPages,
  pipeline,
  outages,
  logger,
  queue,
  renderer,
  startTask,
  complete,
  settleFailure,
}: DocumentJobDependencies) {
  const finishDocument = async (taskId: string, log: Logger): Promise<void> => {
    const record = await outages.retry(() => jobs.get(taskId), log);
    if (!record || isTerminal(record.status)) return;
    const recorded = new Map((await outages.retry(() => documentPages.listPages(taskId), log)).map((page) => [page.page, page]));
    const pages = (record.options.pages ?? []).flatMap((page) => recorded.get(page) ?? []);
    const queuedMs = Date.parse(record.startedAt ?? record.createdAt) - Date.parse(record.createdAt);
    const result = await documentResult(pages, { lang: record.options.lang, outputs: record.options.outputs ?? [], queuedMs });
    await complete(taskId, result, log);
    await outages.retry(() => documentPages.discardPages(taskId), log);
  };

  /** Records a page; the page that makes the count whole completes the document. */
  const recordPage = async (taskId: string, page: PageResult, log: Logger): Promise<void> => {
    const count = await outages.retry(() => documentPages.recordPage(taskId, page), log);
    if (count && count.done === count.total) await finishDocument(taskId, log);
  };

  /** The document job's work for one page: its text layer recorded, or its image published as a page job. */
  const splitPage = async (job: JobMessage, source: DocumentSource, page: number, log: Logger): Promise<void> => {
    const { pages: _pages, ...options } = job.options;
    const read = await source.read(page, { textLayer: !options.forceOcr });
    if ('image' in read) {
      const { bytes, mediaType, paper } = read.image;
      const part = { task: job.id, page, ...(paper && { paper }) };
      await queue.publish({ id: pageJobId(job.id, page), image: bytes, mediaType, options: { ...options, part } });
      return;
    }
    const pdf = options.outputs?.includes('pdf') ? Buffer.from(await source.pdfPage(page)).toString('base64') : undefined;
    await recordPage(job.id, { page, text: read.text, confidence: 100, source: 'text-layer', recognitionMs: 0, ...(pdf && { pdf }) }, log);
  };

  const split: JobHandler = async (job, { attempt, finalAttempt }) => {
    const started = await startTask(job.id, attempt);
    if (!started) return;
    const { log } = started;
    const pages = job.options.pages ?? [];
    log.info({ lang: job.options.lang, pages: pages.length }, 'document started');
    let source: DocumentSource | undefined;
    try {
      source = openDocument(job.image, renderer);
      await outages.retry(() => documentPages.begin(job.id, pages.length), log);
      for (const page of pages) await splitPage(job, source, page, log);
    } catch (error) {
      // A queue that cannot take the page jobs now is an outage: the document job goes back unspent.
      if (isOutage(error)) throw error;
      await settleFailure(job.id, error, toErrorInfo(error), { finalAttempt, log, requeue: true });
      return;
    } finally {
      source?.close();
    }
    log.info({ pages: pages.length }, 'document split into pages');
  };

  const readPage: JobHandler = async (job, { attempt, finalAttempt }) => {
    const { task, page, paper } = job.options.part!;
    const log = logger.child({ task_id: task, page, attempt });
    const record = await outages.retry(() => jobs.get(task), log);
    if (!record || isTerminal(record.status)) {
      log.info('page of a document that was deleted or has finished; acknowledging it without work');
      return;
    }
    log.info('page started');
    const { lang, psm, preprocess = true, outputs = [] } = job.options;
    let recognition;
    try {
      recognition = await pipeline.run({ image: job.image, lang, psm, preprocess, outputs });
    } catch (error) {
      // The other pages go on: the task stays `processing` while this page waits for its retry.
      await settleFailure(task, error, pageFailure(page, toErrorInfo(error)), { finalAttempt, log, requeue: false });
      return;
    }
    const { confidence, psm: readWith, recognitionMs, lang: readIn, rotation, regions, tables } = recognition;
    log.info({ recognition_ms: recognitionMs, confidence, lang: readIn, rotation }, 'page read');
    const pdf = recognition.pdf && paper ? await placeOnPaper(recognition.pdf, await pageAsJpeg(job.image), paper) : recognition.pdf;
    await recordPage(
      task,
      {
        ...toStoredOutputs({ ...recognition, pdf }),
        page,
        confidence,
        source: 'ocr',
        psm: readWith,
        lang: readIn,
        rotation,
        regions,
        tables,
        recognitionMs,
      },
      log,
    );
  };

  return { split, readPage };
}
