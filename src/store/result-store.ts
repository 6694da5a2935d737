import type { ErrorInfo } from '../errors.js';
import type { CallbackDelivery, JobRecord, OcrOptions, OcrResult, PageResult } from '../job.js';

export interface NewJob {
  id: string;
  options: OcrOptions;
  mediaType: string;
  createdAt: string;
  owner?: string;
  callbackUrl?: string;
  /** The uploaded file's name, as the client sent it. */
  fileName?: string;
  sizeBytes?: number;
}

/** The task an idempotency key was first used for, and a fingerprint of what was uploaded with it. */
export interface IdempotencyClaim {
  taskId: string;
  fingerprint: string;
  /** True once the task's job is known to be in the queue; until then a retry finishes the upload. */
  queued?: boolean;
}

/** How far a document is: pages recorded of pages to read. */
export interface PageCount {
  done: number;
  total: number;
}

/**
 * Where job states and results live. Every transition is guarded so that a redelivered job
 * can never move a finished job back, and a deleted job stays deleted.
 */
export interface ResultStore {
  /** Records a new job as `queued`; a job that already exists (an upload finished by a retry) is left as it is. */
  create(job: NewJob): Promise<JobRecord>;
  /** Moves a queued job to `processing` and counts the attempt; undefined when it is gone or already finished. */
  markProcessing(id: string): Promise<JobRecord | undefined>;
  /** Records recognition progress, 0 to 1, of a processing job. */
  progress(id: string, fraction: number): Promise<void>;
  /** Puts a processing job back to `queued` for a retry, keeping the error that caused it. */
  requeue(id: string, error: ErrorInfo): Promise<void>;
  /** Finishes a job with its result; false when it was gone or already finished. */
  complete(id: string, result: OcrResult): Promise<boolean>;
  /** Finishes a job with an error; false when it was gone or already finished. */
  fail(id: string, error: ErrorInfo): Promise<boolean>;
  get(id: string): Promise<JobRecord | undefined>;
  /**
   * Unfinished jobs (queued or processing) whose last change is at least `idleForMs` old, oldest first, at
   * most `limit`: the candidates of the sweep for jobs the queue lost.
   */
  listIdle(idleForMs: number, limit: number): Promise<JobRecord[]>;
  /** Removes everything of the job; false when there was nothing to remove. */
  delete(id: string): Promise<boolean>;
  /**
   * Resolves with the job as soon as it is completed or failed, or with its current state after
   * `timeoutMs`; undefined when the job does not exist.
   */
  waitFor(id: string, timeoutMs: number): Promise<JobRecord | undefined>;
  /** Records how the job's callback went; the job's status does not change. */
  recordCallback(id: string, delivery: CallbackDelivery): Promise<void>;
  /**
   * Claims an idempotency key (already scoped to its API key) for a new task, for as long as results are
   * kept. Answers undefined when the claim is new, or the earlier claim when the key was used before.
   */
  claimIdempotencyKey(key: string, claim: IdempotencyClaim): Promise<IdempotencyClaim | undefined>;
  /** Frees a claimed key whose task never reached the queue, so a retry can go through. */
  releaseIdempotencyKey(key: string): Promise<void>;
  /** Marks a claimed key's task as queued, so retries are answered with it from now on. */
  confirmIdempotencyKey(key: string): Promise<void>;
  /**
   * Adds a task to the archive outbox: the completed tasks still to be written to the archive. Kept here, not
   * in the worker's memory, so a text waits out an archive outage and a worker restart.
   */
  addToArchiveOutbox(id: string): Promise<void>;
  /** Up to `limit` task ids of the outbox, oldest first; they stay in it until removed. */
  listArchiveOutbox(limit: number): Promise<string[]>;
  removeFromArchiveOutbox(ids: string[]): Promise<void>;
  /**
   * Documents: records how many pages the task reads, before any page is recorded. The first call counts; a
   * redelivered document job changes nothing. A finished or deleted task is left alone.
   */
  beginDocument(id: string, pageCount: number): Promise<void>;
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
  /** Throws when the store cannot be reached (for readiness checks). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
