import type { PageResult } from '../job.js';

/** How far a document is: pages recorded of pages to read. */
export interface PageCount {
  done: number;
  total: number;
}

/**
 * The page accounting of documents: a document's task counts its pages as page jobs, read by any worker, record
 * them. Pages belong to their task: a task that is finished or gone takes no page, and deleting it drops its pages.
 */
export interface PageAccounting {
  /**
   * Records how many pages the task reads, before any page is recorded. The first call counts; a redelivered
   * document job changes nothing. A finished or deleted task is left alone.
   */
  begin(id: string, pageCount: number): Promise<void>;
  /**
   * Records one page's result and the document's progress in one atomic step, each page once (a page read twice
   * keeps its first result). Answers the pages done of the total, or undefined when the task is gone or finished.
   * Whoever sees `done === total` completes the document; `complete()` lets only one of them win.
   */
  recordPage(id: string, page: PageResult): Promise<PageCount | undefined>;
  /** The recorded pages of a document, in no particular order. */
  listPages(id: string): Promise<PageResult[]>;
  /** Drops the recorded pages of a document once its result holds them. */
  discardPages(id: string): Promise<void>;
}
