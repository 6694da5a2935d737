import type { ErrorInfo } from '../errors.js';
import type { CallbackDelivery, JobRecord, OcrOptions, OcrResult } from '../job.js';

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

/**
 * Where job states and results live. Every transition is guarded so that a redelivered job can never move a
 * finished job back, and a deleted job stays deleted.
 */
export interface JobRecords {
  /** Records a new job as `queued`; a job that already exists (an upload finished by a retry) is left as it is. */
  create(job: NewJob): Promise<JobRecord>;
  /** Moves a queued job to `processing` and counts the attempt; undefined when it is gone or already finished. */
  markProcessing(id: string): Promise<JobRecord | undefined>;
  /** Records recognition progress, 0 to 1, of a processing job. */
  progress(id: string, fraction: number): Promise<void>;
  /** Puts a processing job back to `queued` for a retry, keeping the error that caused it. */
  requeue(id: string, error: ErrorInfo): Promise<void>;
  /**
   * Finishes a job with its result and answers the record as written, so that what follows (the callback, the
   * archive) needs no read of its own; undefined when the job was gone or already finished.
   */
  complete(id: string, result: OcrResult): Promise<JobRecord | undefined>;
  /** Finishes a job with an error and answers the record as written; undefined when it was gone or already finished. */
  fail(id: string, error: ErrorInfo): Promise<JobRecord | undefined>;
  /** The job as it is now; undefined when it never existed, was deleted or has expired. */
  get(id: string): Promise<JobRecord | undefined>;
  /** Removes everything of the job, its document pages too; false when there was nothing to remove. */
  delete(id: string): Promise<boolean>;
  /**
   * Resolves with the job as soon as it is completed or failed, or with its state then after `timeoutMs`;
   * undefined when the job is deleted meanwhile. `record` is the job as the caller just read it: one that has
   * ended already (or a wait of no time) is answered with it, without reading it again.
   */
  waitFor(record: JobRecord, timeoutMs: number): Promise<JobRecord | undefined>;
  /** Records how the job's callback went; the job's status does not change, and a deleted job stays deleted. */
  recordCallback(id: string, delivery: CallbackDelivery): Promise<void>;
}
