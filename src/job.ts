import type { ErrorInfo } from './errors.js';
import type { OutputFormat, StoredOutputs } from './formats.js';

export const JOB_STATUSES = ['queued', 'processing', 'completed', 'failed'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

const TERMINAL_STATUSES: readonly JobStatus[] = ['completed', 'failed'];

/** Whether the job has ended (completed or failed): nothing moves it again. */
export function isTerminal(status: JobStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

/** What the client asked for, carried with the job from upload to worker. */
export interface OcrOptions {
  /** Language set such as `eng` or `eng+deu`. */
  lang: string;
  /** Tesseract page segmentation mode; preprocessing decides per page when absent. */
  psm?: number;
  /** False sends the image to tesseract exactly as uploaded; absent means true. */
  preprocess?: boolean;
  /** Outputs wanted besides the text, which is always produced (the upload's `output`). */
  outputs?: OutputFormat[];
}

/** A job as it travels through the queue: the image bytes and what to do with them. */
export interface JobMessage {
  id: string;
  image: Buffer;
  mediaType: string;
  options: OcrOptions;
}

export interface OcrTimings {
  /** Time spent waiting in the queue before a worker took the job. */
  queuedMs: number;
  /** Time tesseract.js spent on the image. */
  recognitionMs: number;
}

/** The text and the outputs asked for; boxes are in pixels of the uploaded image as viewers show it (EXIF orientation applied). */
export interface OcrResult extends StoredOutputs {
  /** Mean word confidence, 0 to 100. */
  confidence: number;
  /** The language set the page was read with (the one found, for `auto`). */
  lang: string;
  /** Degrees the image was turned clockwise to read it upright; absent in results stored before it was reported. */
  rotation?: number;
  psm: number;
  timings: OcrTimings;
}

/** What the job keeps about its callback, so a client can see whether it was notified. */
export interface CallbackDelivery {
  url: string;
  status: 'delivered' | 'failed';
  attempts: number;
  /** HTTP status of the last answer, when there was one. */
  lastStatus?: number;
  lastError?: string;
  finishedAt: string;
}

/** A job's state as the store keeps it and the API returns it. */
export interface JobRecord {
  id: string;
  status: JobStatus;
  options: OcrOptions;
  mediaType: string;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  attempts: number;
  /** Recognition progress, 0 to 1, while processing. */
  progress?: number;
  result?: OcrResult;
  error?: ErrorInfo;
  /** Name of the API key that created the job; only that key may read or delete it. */
  owner?: string;
  /** Where the worker POSTs the job when it ends. */
  callbackUrl?: string;
  callback?: CallbackDelivery;
  /** The uploaded file's name, as the client sent it. */
  fileName?: string;
  /** The uploaded file's size in bytes. */
  sizeBytes?: number;
}
