import type { Logger } from 'pino';
import { openDocument, type DocumentSource } from '../documents/document-source.js';
import type { PageRenderer } from '../documents/page-renderer.js';
import { isOutage, toErrorInfo } from '../errors.js';
import type { JobMessage } from '../job.js';
import type { JobHandler, JobQueue } from '../queue/job-queue.js';
import type { PageAccounting } from '../store/page-accounting.js';
import type { OutageGuard } from './outage-guard.js';
import { pageJobId, type DocumentPages } from './page-job.js';
import type { TaskOutcomes } from './task-outcomes.js';

export interface DocumentJobDependencies {
  pageAccounting: Pick<PageAccounting, 'begin'>;
  outages: OutageGuard;
  /** Where the page jobs are published: the queue the document came from. */
  queue: Pick<JobQueue, 'publish'>;
  /** Renders the pages of documents, off the event loop, within a deadline and a memory bound. */
  renderer: PageRenderer;
  pages: Pick<DocumentPages, 'record'>;
  outcomes: TaskOutcomes;
}

/**
 * The document job (the upload's bytes, once) takes the task to `processing`, records the count of pages, takes
 * each text-layer page's text as it is, and publishes one page job per page to read: the page rendered once, as an
 * image, with a reference to its task. Pages are rendered and published one at a time, so no worker holds more than
 * one decoded page of a document.
 */
export function createDocumentJob({ pageAccounting, outages, queue, renderer, pages, outcomes }: DocumentJobDependencies): JobHandler {
  /** One page: its text layer recorded, or its image published as a page job. */
  const splitPage = async (job: JobMessage, source: DocumentSource, page: number, log: Logger): Promise<void> => {
    const { options } = job;
    const read = await source.read(page, { textLayer: !options.forceOcr });
    if ('image' in read) {
      const { bytes, mediaType, paper } = read.image;
      const part = { task: job.id, page, ...(paper && { paper }) };
      await queue.publish({ id: pageJobId(job.id, page), kind: 'page', image: bytes, mediaType, options, part });
      return;
    }
    const pdf = options.outputs?.includes('pdf') ? Buffer.from(await source.pdfPage(page)).toString('base64') : undefined;
    await pages.record(job.id, { page, text: read.text, confidence: 100, source: 'text-layer', recognitionMs: 0, ...(pdf && { pdf }) }, log);
  };

  return async (job, { attempt, finalAttempt }) => {
    const started = await outcomes.start(job.id, attempt);
    if (!started) return;
    const { log } = started;
    const selected = job.options.pages ?? [];
    log.info({ lang: job.options.lang, pages: selected.length }, 'document started');
    let source: DocumentSource | undefined;
    try {
      source = openDocument(job.image, job.mediaType, renderer);
      await outages.retry(() => pageAccounting.begin(job.id, selected.length), log);
      for (const page of selected) await splitPage(job, source, page, log);
    } catch (error) {
      // A queue that cannot take the page jobs now is an outage: the document job goes back unspent.
      if (isOutage(error)) throw error;
      await outcomes.settle(job.id, error, toErrorInfo(error), { finalAttempt, log, requeue: true });
      return;
    } finally {
      source?.close();
    }
    log.info({ pages: selected.length }, 'document split into pages');
  };
}
